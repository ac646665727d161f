package dev.depthlab.backend.reference;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.backend.Gradients;
import dev.depthlab.backend.ReplicaSetup;
import dev.depthlab.model.Activation;
import dev.depthlab.model.OutputGradient;
import dev.depthlab.model.Precision;
import dev.depthlab.model.Reduction;
import dev.depthlab.train.GradCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The reference's gradients against central finite differences of {@link GradCheck}'s own scalar
 * objective (written separately, sample by sample, sharing no code with any backend), at the
 * tolerance {@code depthlab gradcheck} holds fp64 to: the other end of the chain of trust's first
 * link. Parameters whose difference crosses a ReLU kink or a clip are excluded by GradCheck; the
 * test asserts that most were checked.
 */
class ReferenceFiniteDifferenceTest {
  /** gradcheck's fp64 tolerance: norm-wise relative error per layer, max over layers. */
  private static final double TOLERANCE = 1e-6;

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (Activation act : Activation.values()) {
      for (Reduction red : Reduction.values()) {
        for (OutputGradient rule : OutputGradient.values()) {
          for (int depth : new int[] {1, 2, 4, 8}) {
            out.add(Arguments.of(act, red, rule, depth));
          }
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} {1} {2} depth {3}")
  @MethodSource("cases")
  void gradientsMatchFiniteDifferences(
      Activation act, Reduction red, OutputGradient rule, int depth) {
    for (long salt = 5; salt < 8; salt++) {
      ParityCase c = ParityCase.make(act, red, rule, depth, salt);
      int[] batch = c.batchWithRepeats()[0];
      ReplicaSetup setup = c.setups().get(0);
      Gradients g =
          GradCheck.backendGradients(
              new ReferenceBackend(),
              c.net(),
              Precision.FP64,
              setup.initial(),
              setup.train(),
              setup.test(),
              batch);
      GradCheck.Result r =
          GradCheck.check(
              c.net(), setup.initial(), setup.train(), batch, g.weights()[0], g.biases()[0]);
      assertTrue(
          r.maxRelError() < TOLERANCE,
          c + ": relative error " + r.maxRelError() + " >= " + TOLERANCE);
      assertTrue(
          r.checked() > 2 * r.excluded(),
          c + ": only " + r.checked() + " parameters checked, " + r.excluded() + " excluded");
    }
  }
}
