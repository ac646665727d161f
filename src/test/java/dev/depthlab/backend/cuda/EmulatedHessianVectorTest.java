package dev.depthlab.backend.cuda;

/**
 * The device R-pass checks on the emulated device: the CUDA backend's own kernels (kernels/train.cu
 * compiled for the host) and GEMM layouts, run on the CPU.
 */
class EmulatedHessianVectorTest extends HessianVectorChecks {
  @Override
  Device device() {
    return NativeTools.emulatedDevice();
  }
}
