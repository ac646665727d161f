package dev.depthlab.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.backend.Gradients;
import dev.depthlab.common.Rng;
import dev.depthlab.data.DataSet;
import dev.depthlab.data.DatasetSpec;
import dev.depthlab.data.Datasets;
import dev.depthlab.model.Activation;
import dev.depthlab.model.Init;
import dev.depthlab.model.Initializer;
import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.OutputGradient;
import dev.depthlab.model.Parameters;
import dev.depthlab.model.Precision;
import dev.depthlab.model.Reduction;
import dev.depthlab.train.GradCheck;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CPU backend's gradients against central finite differences of GradCheck's independent scalar
 * reference (fp64), and fp32 against fp64, for both output gradient rules. Each rule is held to the
 * finite differences of its own loss (see {@link GradCheck}), and, where no output is clipped, both
 * to those of the clipped BCE that runs report. Kinks: see {@link GradCheck}.
 */
class CpuGradientTest {
  private static final int BATCH = 12;

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (OutputGradient rule : OutputGradient.values()) {
      for (Activation act : Activation.values()) {
        for (int depth : new int[] {1, 2, 4, 8}) {
          for (Reduction red : Reduction.values()) {
            out.add(Arguments.of(act, depth, red, rule));
          }
        }
      }
    }
    return out.stream();
  }

  private record Case(NetworkSpec net, Parameters params, DataSet data, int[] batch) {}

  private static Case make(
      Activation act, int depth, Reduction red, OutputGradient rule, long seed) {
    NetworkSpec net = NetworkSpec.of(2, depth, 8, act, 0.01, red, 1e-8).withOutputGradient(rule);
    Rng rng = new Rng(seed);
    // a non-zero bias init keeps some ReLU units active at every depth
    Parameters p = Initializer.draw(net, Init.HE_NORMAL, 0.05, rng);
    DataSet data = Datasets.generate(DatasetSpec.of("circle"), 64, 0.0, new Rng(seed + 1000));
    int[] batch = new int[BATCH];
    for (int k = 0; k < BATCH; k++) {
      batch[k] = (int) ((k * 37L + seed) % 64);
    }
    return new Case(net, p, data, batch);
  }

  @ParameterizedTest(name = "{0} depth {1} {2} {3}")
  @MethodSource("cases")
  void fp64GradientsMatchFiniteDifferences(
      Activation act, int depth, Reduction red, OutputGradient rule) {
    List<Executable> checks = new ArrayList<>();
    double worst = 0;
    double worstClipped = 0;
    int excluded = 0;
    for (long seed = 0; seed < 10; seed++) {
      Case c = make(act, depth, red, rule, seed);
      Gradients g =
          GradCheck.backendGradients(
              new CpuBackend(), c.net, Precision.FP64, c.params, c.data, c.data, c.batch);
      GradCheck.Result r =
          GradCheck.check(c.net, c.params, c.data, c.batch, g.weights()[0], g.biases()[0]);
      // no output is clipped at these initial parameters: the reported loss's gradient, too
      GradCheck.Result clipped =
          GradCheck.check(
              c.net,
              c.params,
              c.data,
              c.batch,
              g.weights()[0],
              g.biases()[0],
              GradCheck.Objective.CLIPPED_BCE);
      worst = Math.max(worst, r.maxRelError());
      worstClipped = Math.max(worstClipped, clipped.maxRelError());
      excluded += r.excluded();
      long s = seed;
      checks.add(() -> assertTrue(r.checked() > 0, "seed " + s + ": nothing checked"));
      checks.add(
          () ->
              assertTrue(
                  clipped.maxRelError() < 1e-6,
                  "seed " + s + ": vs the clipped BCE, relative error " + clipped.maxRelError()));
      for (int l = 0; l < depth + 1; l++) {
        int layer = l;
        checks.add(
            () ->
                assertTrue(
                    r.weightRel()[layer] < 1e-6,
                    "seed "
                        + s
                        + " layer "
                        + layer
                        + " weights: relative error "
                        + r.weightRel()[layer]));
        checks.add(
            () ->
                assertTrue(
                    r.biasRel()[layer] < 1e-6,
                    "seed "
                        + s
                        + " layer "
                        + layer
                        + " biases: relative error "
                        + r.biasRel()[layer]));
      }
    }
    System.out.printf(
        "fd %s %s depth %d %s: max rel error %.2e (clipped BCE %.2e), %d kink-crossing params"
            + " excluded%n",
        rule.key(), act.key(), depth, red.key(), worst, worstClipped, excluded);
    assertAll(checks);
  }

  @ParameterizedTest(name = "{0} depth {1} {2} {3}")
  @MethodSource("cases")
  void fp32GradientsMatchFp64(Activation act, int depth, Reduction red, OutputGradient rule) {
    List<Executable> checks = new ArrayList<>();
    for (long seed = 0; seed < 10; seed++) {
      Case c = make(act, depth, red, rule, seed);
      CpuBackend cpu = new CpuBackend();
      Gradients g64 =
          GradCheck.backendGradients(cpu, c.net, Precision.FP64, c.params, c.data, c.data, c.batch);
      Gradients g32 =
          GradCheck.backendGradients(cpu, c.net, Precision.FP32, c.params, c.data, c.data, c.batch);
      double rel =
          GradCheck.maxRelDifference(
              g64.weights()[0], g64.biases()[0], g32.weights()[0], g32.biases()[0]);
      long s = seed;
      checks.add(() -> assertTrue(rel < 1e-4, "seed " + s + ": fp32 vs fp64 " + rel));
      checks.add(
          () ->
              assertTrue(
                  rel > 0,
                  "seed "
                      + s
                      + ": fp32 equals fp64 bit for bit, so "
                      + "fp32 is not computing in float"));
    }
    assertAll(checks);
  }

  /**
   * How far beyond the clip bound (|z| = {@link #CLIP_Z}) a saturated batch's third most extreme
   * output is moved: three outputs are clipped, but not so far that a clipped output's damped
   * chained gradient, about e^-(|z| - 18.4), sinks into its rounding.
   */
  private static final double BEYOND_CLIP = 0.5;

  /** |z| beyond which p = sigmoid(z) is clipped at eps 1e-8: log((1 - eps) / eps). */
  private static final double CLIP_Z = Math.log((1 - 1e-8) / 1e-8);

  static Stream<Arguments> saturatedCases() {
    List<Arguments> out = new ArrayList<>();
    for (Activation act : Activation.values()) {
      for (int depth : new int[] {1, 2, 4, 8}) {
        for (Reduction red : Reduction.values()) {
          out.add(Arguments.of(act, depth, red));
        }
      }
    }
    return out.stream();
  }

  /**
   * The case of {@link #make} with clipped outputs. The output bias is shifted so that the batch's
   * third largest output (even seeds; the third smallest for odd seeds) lies {@link #BEYOND_CLIP}
   * beyond the clip bound: its three most extreme outputs are clipped (p > 1 - eps, or p < eps),
   * the rest not, unless tied with them (where every hidden unit is dead, every sample has the same
   * output). Nothing is scaled, so the finite differences stay as accurate as in the unclipped
   * cases. The batch's labels are set: every other clipped output is confidently wrong (there the
   * rules part), the others confidently right, and every unclipped output is on the wrong side of
   * 0.5, so that those carry gradients near 1.
   */
  private static Case saturated(
      Activation act, int depth, Reduction red, OutputGradient rule, long seed) {
    Case c = make(act, depth, red, rule, seed);
    double[] z = outputs(c);
    double[] sorted = z.clone();
    Arrays.sort(sorted);
    double shift =
        seed % 2 == 0
            ? CLIP_Z + BEYOND_CLIP - sorted[sorted.length - 3]
            : -CLIP_Z - BEYOND_CLIP - sorted[2];
    c.params.biases()[depth][0] += shift;
    double[] y = c.data.y().clone();
    int clipped = 0;
    for (int s = 0; s < z.length; s++) {
      double zs = z[s] + shift;
      boolean wrong = Math.abs(zs) <= CLIP_Z || clipped++ % 2 == 0;
      y[c.batch[s]] = (zs > 0) == wrong ? 0.0 : 1.0;
    }
    DataSet data = new DataSet(c.data.name(), c.data.features(), c.data.x(), y);
    return new Case(c.net, c.params, data, c.batch);
  }

  /** The output pre-activation of each batch sample: a plain forward pass. */
  private static double[] outputs(Case c) {
    int[] sizes = c.net.sizes();
    double[] z = new double[c.batch.length];
    for (int s = 0; s < c.batch.length; s++) {
      double[] a = {c.data.x()[2 * c.batch[s]], c.data.x()[2 * c.batch[s] + 1]};
      for (int l = 0; l < c.net.layers(); l++) {
        double[] next = new double[sizes[l + 1]];
        for (int j = 0; j < next.length; j++) {
          double v = c.params.biases()[l][j];
          for (int i = 0; i < a.length; i++) {
            v += a[i] * c.params.weights()[l][i * next.length + j];
          }
          if (l == c.net.layers() - 1) {
            next[j] = v;
          } else if (c.net.activation() == Activation.TANH) {
            next[j] = Math.tanh(v);
          } else {
            double slope = c.net.activation() == Activation.RELU ? 0 : c.net.leakySlope();
            next[j] = v > 0 ? v : slope * v;
          }
        }
        a = next;
      }
      z[s] = a[0];
    }
    return z;
  }

  /** Outputs of the batch: {clipped and on the wrong side of 0.5, clipped, not clipped}. */
  private static int[] clipCounts(Case c) {
    double[] z = outputs(c);
    int[] n = new int[3];
    for (int s = 0; s < z.length; s++) {
      double p = 1 / (1 + Math.exp(-z[s]));
      boolean clipped = p < c.net.clipEps() || p > 1 - c.net.clipEps();
      boolean wrong = (p > 0.5) != (c.data.y()[c.batch[s]] > 0.5);
      n[0] += clipped && wrong ? 1 : 0;
      n[clipped ? 1 : 2]++;
    }
    return n;
  }

  /**
   * With clipped outputs the two rules part: each still matches the finite differences of its own
   * loss, the two gradients differ, and neither matches the clipped BCE's (flat where an output is
   * clipped, so its finite difference there is 0). Half a unit of z beyond the bound, chained damps
   * a wrong output's gradient to about e^-0.5 = 0.6 of fused's; further out the damping deepens
   * (OutputGradientTest).
   */
  @ParameterizedTest(name = "{0} depth {1} {2}")
  @MethodSource("saturatedCases")
  void withClippedOutputsEachRuleMatchesItsOwnLoss(Activation act, int depth, Reduction red) {
    List<Executable> checks = new ArrayList<>();
    double[] worst = new double[2];
    double[] leastVsClipped = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
    double leastApart = Double.POSITIVE_INFINITY;
    int[] fewest = {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE};
    for (long seed = 0; seed < 10; seed++) {
      long s = seed;
      Gradients[] g = new Gradients[2];
      for (OutputGradient rule : OutputGradient.values()) {
        Case c = saturated(act, depth, red, rule, seed);
        int i = rule.ordinal();
        g[i] =
            GradCheck.backendGradients(
                new CpuBackend(), c.net, Precision.FP64, c.params, c.data, c.data, c.batch);
        GradCheck.Result own =
            GradCheck.check(
                c.net,
                c.params,
                c.data,
                c.batch,
                g[i].weights()[0],
                g[i].biases()[0],
                GradCheck.Objective.RULE);
        GradCheck.Result clipped =
            GradCheck.check(
                c.net,
                c.params,
                c.data,
                c.batch,
                g[i].weights()[0],
                g[i].biases()[0],
                GradCheck.Objective.CLIPPED_BCE);
        worst[i] = Math.max(worst[i], own.maxRelError());
        leastVsClipped[i] = Math.min(leastVsClipped[i], clipped.maxRelError());
        String who = "seed " + seed + " " + rule.key();
        checks.add(() -> assertTrue(own.checked() > 0, who + ": nothing checked"));
        checks.add(
            () ->
                assertTrue(
                    own.maxRelError() < 1e-6,
                    who + ": vs its own loss, relative error " + own.maxRelError()));
        checks.add(
            () ->
                assertTrue(
                    clipped.maxRelError() > 1e-3,
                    who + ": matches the clipped BCE (" + clipped.maxRelError() + ")"));
        if (i == 0) {
          int[] n = clipCounts(c);
          for (int k = 0; k < 3; k++) {
            fewest[k] = Math.min(fewest[k], n[k]);
          }
          checks.add(
              () ->
                  assertTrue(
                      n[0] >= 2,
                      "seed "
                          + s
                          + ": the batch should have clipped outputs on the wrong side, has"
                          + " {clipped wrong, clipped, unclipped} = "
                          + Arrays.toString(n)));
        }
      }
      double apart =
          GradCheck.maxRelDifference(
              g[0].weights()[0], g[0].biases()[0], g[1].weights()[0], g[1].biases()[0]);
      leastApart = Math.min(leastApart, apart);
      checks.add(
          () -> assertTrue(apart > 1e-2, "seed " + s + ": fused and chained differ by " + apart));
    }
    System.out.printf(
        "fd clipped %s depth %d %s: vs own loss fused %.2e, chained %.2e; vs the clipped BCE at"
            + " least %.2e / %.2e; fused vs chained at least %.2e; of %d outputs at least %d"
            + " clipped and wrong, %d clipped, %d unclipped%n",
        act.key(),
        depth,
        red.key(),
        worst[0],
        worst[1],
        leastVsClipped[0],
        leastVsClipped[1],
        leastApart,
        BATCH,
        fewest[0],
        fewest[1],
        fewest[2]);
    assertAll(checks);
  }
}
