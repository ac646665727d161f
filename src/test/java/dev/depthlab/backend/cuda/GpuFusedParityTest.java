package dev.depthlab.backend.cuda;

import dev.depthlab.model.Precision;
import org.junit.jupiter.api.BeforeEach;

/**
 * The fused path's parity checks on a real CUDA device, to the layered path's tolerances (the
 * emulator holds the same kernels to the CPU bit for bit, and {@link GpuFusedGoldenBitsTest} checks
 * the committed bits on the device); each test skipped, with the probe's reason, without one.
 */
class GpuFusedParityTest extends FusedParityChecks {
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
  double tolerance(Precision p) {
    return ParityChecks.trajTol(p);
  }
}
