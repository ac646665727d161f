package dev.depthlab.backend.cuda;

import org.junit.jupiter.api.BeforeEach;

/**
 * The concurrent-groups checks on a real CUDA device (lanes are streams running side by side); each
 * test skipped, with the probe's reason, without one.
 */
class GpuConcurrentGroupsTest extends ConcurrentGroupsChecks {
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
