package dev.depthlab.backend.cuda;

import dev.depthlab.model.Precision;

/**
 * The fused path's parity checks on the emulated device: kernels/fused.cu itself, its barriers and
 * shared memory run by the emulator (a block's threads as fibers). Runs everywhere g++ is.
 */
class EmulatedFusedParityTest extends FusedParityChecks {
  @Override
  Device device() {
    return NativeTools.emulatedDevice();
  }

  /**
   * Tighter than the layered path's ({@link ParityChecks#trajTol}), since the fused kernel sums in
   * the CPU's order with the CPU's FMAs (docs/arithmetic.md); what remains is the C library's exp,
   * log and tanh against Java's StrictMath (an ulp here and there) and the evaluation's own sums.
   * Measured at the time of writing (FMA contract, StrictMath on the CPU): at most 1.08e-14 (fp64,
   * 8 inputs, 64 wide, ReLU) and 8.82e-8 (fp32, depth 5 tanh) over 20 epochs.
   */
  @Override
  double tolerance(Precision p) {
    return p == Precision.FP64 ? 1e-13 : 1e-6;
  }
}
