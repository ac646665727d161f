package dev.depthlab.backend.cuda;

/**
 * {@link FusedGoldenBitsChecks} on the emulated device (kernels/fused.cu compiled for the host).
 */
class EmulatedFusedGoldenBitsTest extends FusedGoldenBitsChecks {
  @Override
  Device device() {
    return NativeTools.emulatedDevice();
  }
}
