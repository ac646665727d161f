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
   * On the emulator the training is the CPU's bit for bit (fp64 and fp32): the same operations in
   * the same order, fdlibm's functions (docs/arithmetic.md).
   */
  @Override
  boolean trainingBitForBit() {
    return true;
  }

  /**
   * Tighter than the layered path's ({@link ParityChecks#trajTol}), since the fused kernel sums in
   * the CPU's order with the CPU's FMAs and StrictMath's exp, log and tanh (docs/arithmetic.md);
   * what remains is the evaluation's own sums (the training itself is compared bit for bit).
   * Measured at the time of writing: at most 4.4e-16 fp64 (7.1e-15 while the kernels' tanh was the
   * C library's) and 8.8e-8 fp32 over 20 epochs.
   */
  @Override
  double tolerance(Precision p) {
    return p == Precision.FP64 ? 1e-13 : 1e-6;
  }
}
