package dev.depthlab.signal;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.common.Rng;
import dev.depthlab.data.DataSet;
import dev.depthlab.model.Activation;
import dev.depthlab.model.Init;
import dev.depthlab.model.Initializer;
import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.Parameters;
import dev.depthlab.model.Reduction;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Born-dead fractions against closed forms, over many seeded draws, each within 4 binomial standard
 * errors: one ReLU unit on a quarter-circle of inputs (the half-space argument: dead on all of it
 * iff both weights are <= 0, probability 1/4), and at one point the probability that some hidden
 * layer is all inactive, 1 - (1 - 2^-N)^L, for sign-symmetric inits with and without biases.
 */
class BornDeadTest {
  private static final Initializer.Scheme HE = new Initializer.Scheme(Init.HE_NORMAL, 0, 1, 0);

  private static double measured(NetworkSpec net, Initializer.Scheme s, DataSet set, int draws) {
    int dead = 0;
    for (int d = 0; d < draws; d++) {
      Parameters p = Initializer.draw(net, s, new Rng(1000 + d));
      dead += BornDead.firstDeadLayer(net, p, set) > 0 ? 1 : 0;
    }
    return (double) dead / draws;
  }

  private static void within(double want, double got, int n, String who) {
    double se = Math.sqrt(want * (1 - want) / n);
    assertEquals(want, got, 4 * se + 1e-12, who + " (4 s.e. = " + 4 * se + ")");
  }

  @Test
  void oneUnitOnAQuarterCircleIsDeadWithProbabilityOneQuarter() {
    int k = 33;
    double[] x = new double[2 * k];
    for (int i = 0; i < k; i++) { // angles 0 .. pi/2, both axes included
      double a = Math.PI / 2 * i / (k - 1);
      x[2 * i] = Math.cos(a);
      x[2 * i + 1] = Math.sin(a);
    }
    DataSet arc = new DataSet("arc", 2, x, new double[k]);
    NetworkSpec net = NetworkSpec.of(2, 1, 1, Activation.RELU, 0.01, Reduction.SUM, 1e-8);
    int n = 20_000;
    within(0.25, measured(net, HE, arc, n), n, "ReLU, width 1, depth 1, quarter circle");
  }

  @Test
  void atOnePointSomeLayerIsDeadWithTheClosedFormsProbability() {
    DataSet one = new DataSet("one", 2, new double[] {0.3, -0.8}, new double[] {1});
    int n = 20_000;
    List<Executable> checks = new ArrayList<>();
    for (Activation act : new Activation[] {Activation.RELU, Activation.LEAKY_RELU}) {
      for (Initializer.Scheme s :
          List.of(
              HE,
              new Initializer.Scheme(Init.GAUSSIAN, 0, 1.4, 0.5),
              new Initializer.Scheme(Init.ORTHOGONAL, 0, 1.0, 0.0))) {
        for (int[] wl : new int[][] {{2, 3}, {3, 2}, {1, 4}}) {
          NetworkSpec net = NetworkSpec.of(2, wl[1], wl[0], act, 0.1, Reduction.SUM, 1e-8);
          double want = BornDead.theory(act, s, wl[0], wl[1]);
          double got = measured(net, s, one, n);
          String who = act + " " + s.init() + " width " + wl[0] + " depth " + wl[1];
          checks.add(() -> within(want, got, n, who));
        }
      }
    }
    assertAll(checks);
  }

  @Test
  void theClosedFormAndWhereItDoesNotApply() {
    assertAll(
        () ->
            assertEquals(1 - Math.pow(0.75, 3), BornDead.theory(Activation.RELU, HE, 2, 3), 1e-15),
        () -> assertEquals(0.5, BornDead.theory(Activation.RELU, HE, 1, 1), 1e-15),
        () -> assertTrue(Double.isNaN(BornDead.theory(Activation.TANH, HE, 2, 3)), "tanh"),
        () ->
            assertTrue(
                Double.isNaN(
                    BornDead.theory(
                        Activation.RELU, new Initializer.Scheme(Init.HE_NORMAL, 0.1, 1, 0), 2, 3)),
                "a constant positive bias breaks the sign symmetry"));
  }
}
