package dev.depthlab.backend.cuda;

import org.junit.jupiter.api.BeforeEach;

/**
 * {@link FusedGoldenBitsChecks} on a real CUDA device: the CPU's committed bits from the GPU's
 * fused kernels (tools/gpu-first-contact.sh runs it with the other {@code Gpu*Test}); skipped, with
 * the probe's reason, without a device.
 */
class GpuFusedGoldenBitsTest extends FusedGoldenBitsChecks {
  private Device gpu;

  @BeforeEach
  void requireDevice() {
    gpu = RealGpu.require(getClass());
  }

  @Override
  Device device() {
    return gpu;
  }
}
