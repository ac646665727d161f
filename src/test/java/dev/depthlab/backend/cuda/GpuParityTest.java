package dev.depthlab.backend.cuda;

import org.junit.jupiter.api.BeforeEach;

/**
 * The parity checks on a real CUDA device; each test skipped, with the probe's reason, without one.
 */
class GpuParityTest extends ParityChecks {
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
