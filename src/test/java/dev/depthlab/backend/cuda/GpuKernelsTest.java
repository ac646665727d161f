package dev.depthlab.backend.cuda;

/**
 * Each kernel alone against its Java version on a real CUDA device; each test skipped, with the
 * probe's reason, without one.
 */
class GpuKernelsTest extends KernelChecks {
  @Override
  Device device() {
    return RealGpu.require(getClass());
  }
}
