package dev.depthlab.backend.cuda;

import org.junit.jupiter.api.BeforeEach;

/**
 * The shared-memory groups checks on a real CUDA device (the probe's shared device for every case);
 * skipped, with the probe's reason, without one.
 */
class GpuSharedMemoryGroupsTest extends SharedMemoryGroupsChecks {
  private Device gpu;

  @BeforeEach
  void requireDevice() {
    gpu = RealGpu.require(getClass());
  }

  @Override
  Device device() {
    return gpu;
  }

  @Override
  void release(Device dev) {
    // the shared device stays open for the other tests
  }
}
