package dev.depthlab.backend.cuda;

import org.junit.jupiter.api.BeforeEach;

/**
 * The sweep-jobs checks on a real CUDA device (groups side by side on their own streams); each test
 * skipped, with the probe's reason, without one.
 */
class GpuSweepJobsTest extends SweepJobsChecks {
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
