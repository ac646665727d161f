package dev.depthlab.model;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.depthlab.common.Rng;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The initial parameters against the draws written out here: the named schemes' numbers are the
 * same Gaussian stream times their std (unchanged by the parametrised schemes), gaussian's are
 * sigma_w / sqrt(fan_in) and sigma_b times the stream, orthogonal's are semi-orthogonal to rounding
 * with every weight's mean square sigma_w^2 / fan_in.
 */
class InitializerTest {
  private static final NetworkSpec NET =
      NetworkSpec.of(2, 3, 5, Activation.TANH, 0.01, Reduction.SUM, 1e-8);

  @Test
  void namedSchemesAreTheStreamTimesTheirStdAndConstantBiases() {
    for (Init init : new Init[] {Init.HE_NORMAL, Init.XAVIER_NORMAL, Init.LECUN_NORMAL}) {
      Parameters p = Initializer.draw(NET, init, 0.25, new Rng(7));
      Rng rng = new Rng(7);
      List<Executable> checks = new ArrayList<>();
      for (int l = 0; l < NET.layers(); l++) {
        int in = NET.fanIn(l);
        int out = NET.fanOut(l);
        double std =
            init == Init.HE_NORMAL
                ? Math.sqrt(2.0 / in)
                : init == Init.XAVIER_NORMAL ? Math.sqrt(2.0 / (in + out)) : Math.sqrt(1.0 / in);
        for (int k = 0; k < in * out; k++) {
          double want = std * rng.nextGaussian();
          double got = p.weights()[l][k];
          checks.add(() -> assertEquals(want, got, 0.0, init + " weight"));
        }
        for (double b : p.biases()[l]) {
          checks.add(() -> assertEquals(0.25, b, 0.0, init + " bias"));
        }
      }
      assertAll(checks);
    }
  }

  @Test
  void gaussianDrawsWeightsThenBiasesPerLayer() {
    Initializer.Scheme s = new Initializer.Scheme(Init.GAUSSIAN, 0.0, 1.7, 0.3);
    Parameters p = Initializer.draw(NET, s, new Rng(3));
    Rng rng = new Rng(3);
    List<Executable> checks = new ArrayList<>();
    for (int l = 0; l < NET.layers(); l++) {
      double std = 1.7 / Math.sqrt(NET.fanIn(l));
      for (int k = 0; k < p.weights()[l].length; k++) {
        double want = std * rng.nextGaussian();
        double got = p.weights()[l][k];
        checks.add(() -> assertEquals(want, got, 0.0, "weight"));
      }
      for (int j = 0; j < p.biases()[l].length; j++) {
        double want = 0.3 * rng.nextGaussian();
        double got = p.biases()[l][j];
        checks.add(() -> assertEquals(want, got, 0.0, "bias"));
      }
    }
    assertAll(checks);
  }

  @Test
  void gaussianWeightVarianceIsSigmaW2OverFanIn() {
    // one wide layer: 400 x 400 weights; the sample variance's s.e. is sqrt(2 / 160000) = 0.35%
    NetworkSpec wide = NetworkSpec.of(2, 2, 400, Activation.TANH, 0.01, Reduction.SUM, 1e-8);
    Parameters p =
        Initializer.draw(wide, new Initializer.Scheme(Init.GAUSSIAN, 0, 2.0, 0), new Rng(1));
    double[] w = p.weights()[1];
    double s = 0;
    for (double v : w) {
      s += v * v;
    }
    assertEquals(4.0 / 400, s / w.length, 4 * 0.0035 * 4.0 / 400);
  }

  @Test
  void orthogonalIsSemiOrthogonalWithTheGaussianMeanSquare() {
    double g = 1.3;
    Parameters p =
        Initializer.draw(NET, new Initializer.Scheme(Init.ORTHOGONAL, 0, g, 0.1), new Rng(11));
    List<Executable> checks = new ArrayList<>();
    for (int l = 0; l < NET.layers(); l++) {
      int in = NET.fanIn(l);
      int out = NET.fanOut(l);
      double[] w = p.weights()[l];
      // W is in x out; W^T W (in >= out) or W W^T (in < out) is g^2 max(1, out/in) I
      boolean cols = in >= out;
      int n = cols ? out : in;
      double want = g * g * Math.max(1.0, (double) out / in);
      for (int a = 0; a < n; a++) {
        for (int b = 0; b < n; b++) {
          double dot = 0;
          for (int t = 0; t < (cols ? in : out); t++) {
            dot += cols ? w[t * out + a] * w[t * out + b] : w[a * out + t] * w[b * out + t];
          }
          double expect = a == b ? want : 0.0;
          double got = dot;
          String who = "layer " + l + " (" + a + "," + b + ")";
          checks.add(() -> assertEquals(expect, got, 1e-13, who));
        }
      }
      double ms = 0;
      for (double v : w) {
        ms += v * v;
      }
      double meanSquare = ms / w.length;
      checks.add(() -> assertEquals(g * g / in, meanSquare, 1e-14, "mean square, layer"));
    }
    assertAll(checks);
  }
}
