package dev.depthlab.backend.cuda;

import dev.depthlab.model.Precision;
import org.junit.jupiter.api.BeforeEach;

/**
 * The fused path's parity checks on a real CUDA device, to the layered path's tolerances (its
 * evaluation is the layered path's, with cuBLAS's sums); each test skipped, with the probe's
 * reason, without one.
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
