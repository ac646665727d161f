package dev.depthlab.backend.cuda;

import org.junit.jupiter.api.BeforeEach;

/**
 * The device R-pass checks on a real CUDA device (cuBLAS's own products); each test skipped, with
 * the probe's reason, without one.
 */
class GpuHessianVectorTest extends HessianVectorChecks {
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
