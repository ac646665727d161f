package dev.depthlab.backend.cuda;

/**
 * The parity checks on the emulated device: the CUDA backend's own code, kernels and GEMM layouts,
 * run on the CPU. Runs everywhere g++ is present (and must, in CI).
 */
class EmulatedParityTest extends ParityChecks {
  @Override
  Device device() {
    return NativeTools.emulatedDevice();
  }
}
