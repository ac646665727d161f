package dev.depthlab.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertAll;

import dev.depthlab.backend.GroupSpec;
import dev.depthlab.common.Rng;
import dev.depthlab.model.Activation;
import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.Precision;
import dev.depthlab.model.Reduction;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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
   * On the emulator the whole run is the CPU's bit for bit (fp64 and fp32): training and evaluation
   * both run in the fused kernels, with the CPU's operations in the CPU's order and fdlibm's
   * functions (docs/arithmetic.md).
   */
  @Override
  boolean bitForBit() {
    return true;
  }

  /**
   * Five epochs, not twenty: the comparison is of raw bits, so a difference shows at its first
   * operation rather than after a drift builds up, and every kind of step (full batches, the
   * partial last batch, the full batch after it, each epoch's evaluation, a new order) is in every
   * epoch. The emulator runs each thread of a block as a fiber; twenty epochs cost 85 s of CI.
   */
  @Override
  int epochs() {
    return 5;
  }

  /** No difference at all (the bits are compared too). */
  @Override
  double tolerance(Precision p) {
    return 0;
  }

  /**
   * The other thread orders (each block's threads and the blocks reversed, or shuffled anew every
   * round) on one case of each kind: the seed study's deepest net in fp64 (R = 3), a mixed-width
   * net in fp32, and the 64-wide net whose parameters stay in global memory; bit for bit as above.
   */
  static Stream<Arguments> orderCases() {
    List<Arguments> out = new ArrayList<>();
    for (EmulatedDevice.ThreadOrder order :
        List.of(EmulatedDevice.ThreadOrder.REVERSE, EmulatedDevice.ThreadOrder.SHUFFLED)) {
      out.add(
          Arguments.of(
              order, ParityChecks.spec(Activation.TANH, 8, Reduction.SUM), Precision.FP64, 3));
      out.add(
          Arguments.of(
              order,
              new NetworkSpec(
                  new int[] {5, 7, 16, 3, 1}, Activation.RELU, 0.01, Reduction.MEAN, 1e-8),
              Precision.FP32,
              1));
      out.add(
          Arguments.of(
              order,
              new NetworkSpec(
                  new int[] {8, 64, 64, 1}, Activation.LEAKY_RELU, 0.01, Reduction.SUM, 1e-8),
              Precision.FP64,
              1));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} {1} {2} R={3}")
  @MethodSource("orderCases")
  void fusedTrajectoriesMatchTheComparandInEveryThreadOrder(
      EmulatedDevice.ThreadOrder order, NetworkSpec spec, Precision p, int replicas) {
    GroupSpec gs = groupSpec(spec, p);
    List<Executable> failures = new ArrayList<>();
    try (EmulatedDevice dev = NativeTools.emulatedDevice(order, 17)) {
      trajectory(failures, gs, replicas, Rng.mix(99L + spec.layers()), dev);
    }
    assertAll(failures);
  }
}
