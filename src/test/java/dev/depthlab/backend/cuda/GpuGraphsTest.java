package dev.depthlab.backend.cuda;

import org.junit.jupiter.api.BeforeEach;

/**
 * The graph checks on a real CUDA device (stream capture, cuGraphInstantiate, cuGraphLaunch, cuBLAS
 * under capture); each test skipped, with the probe's reason, without one.
 */
class GpuGraphsTest extends GraphChecks {
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
