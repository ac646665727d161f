package dev.depthlab.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.model.Activation;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The mean-field length map against an independent quadrature: composite Simpson's rule on a fine
 * grid over +-12 standard deviations (written here, 40000 intervals against the trapezoidal grid's
 * 400), and the tanh fixed point found by bisection on that Simpson map instead of by iteration.
 */
class MeanFieldTest {
  /** E[f(z)], z ~ N(mu, v), by composite Simpson's rule with 40000 intervals. */
  static double simpson(DoubleUnaryOperator f, double mu, double v) {
    double sd = Math.sqrt(v);
    double lo = mu - 12 * sd;
    double hi = mu + 12 * sd;
    int n = 40_000;
    double h = (hi - lo) / n;
    double sum = 0;
    for (int k = 0; k <= n; k++) {
      double z = lo + k * h;
      double wk = k == 0 || k == n ? 1 : (k % 2 == 1 ? 4 : 2);
      sum += wk * f.applyAsDouble(z) * Math.exp(-(z - mu) * (z - mu) / (2 * v));
    }
    return sum * h / 3 / Math.sqrt(2 * Math.PI * v);
  }

  @Test
  void reluAndLeakyClosedFormsMatchQuadrature() {
    for (double v : new double[] {0.3, 1.0, 4.0}) {
      MeanField relu = new MeanField(Activation.RELU, 0, 0);
      MeanField leaky = new MeanField(Activation.LEAKY_RELU, 0.2, 0);
      double r = simpson(z -> Math.max(z, 0) * Math.max(z, 0), 0, v);
      double l = simpson(z -> z > 0 ? z * z : 0.04 * z * z, 0, v);
      assertEquals(r, relu.meanSquareActivation(v), 1e-10 * v, "relu v=" + v);
      assertEquals(l, leaky.meanSquareActivation(v), 1e-10 * v, "leaky v=" + v);
      // He init: sigma_w^2 = 2 preserves v exactly
      assertEquals(v, relu.next(2.0, v), 1e-15 * v, "relu He preserves v=" + v);
    }
  }

  @Test
  void tanhMapMatchesSimpson() {
    for (double b : new double[] {0.0, 0.3}) {
      MeanField mf = new MeanField(Activation.TANH, 0, b);
      for (double v : new double[] {0.05, 0.5, 1.0, 3.0, 20.0}) {
        double act = simpson(z -> Math.tanh(z) * Math.tanh(z), b, v);
        double der = simpson(z -> Math.pow(1 - Math.tanh(z) * Math.tanh(z), 2), b, v);
        assertEquals(act, mf.meanSquareActivation(v), 1e-9, "E[tanh^2] b=" + b + " v=" + v);
        assertEquals(der, mf.meanSquareDerivative(v), 1e-9, "E[tanh'^2] b=" + b + " v=" + v);
      }
    }
  }

  @Test
  void tanhFixedPointMatchesBisectionOnSimpsonMap() {
    for (double[] c : new double[][] {{2.0, 0.0}, {1.5, 0.0}, {2.0, 0.3}}) {
      double sw2 = c[0];
      double b = c[1];
      // root of h(v) = sw2 E[tanh(N(b, v))^2] - v on [1e-3, 10], where h changes sign
      double lo = 1e-3;
      double hi = 10;
      for (int k = 0; k < 60; k++) {
        double mid = 0.5 * (lo + hi);
        double h = sw2 * simpson(z -> Math.tanh(z) * Math.tanh(z), b, mid) - mid;
        if (h > 0) {
          lo = mid;
        } else {
          hi = mid;
        }
      }
      double want = b * b + 0.5 * (lo + hi);
      double got = new MeanField(Activation.TANH, 0, b).fixedPoint(sw2);
      assertEquals(want, got, 1e-8 * want, "q* at sigma_w^2=" + sw2 + ", b=" + b);
    }
  }

  @Test
  void tanhAtTheCriticalPointHasFixedPointZeroAndChiOne() {
    // Schoenholz et al. 2017, section 3: tanh with sigma_b = 0 is critical at sigma_w^2 = 1,
    // where q* = 0 and chi_1 = sigma_w^2 E[phi'(z)^2] = 1
    MeanField mf = new MeanField(Activation.TANH, 0, 0);
    double q = mf.fixedPoint(1.0);
    assertTrue(q < 1e-4, "q* " + q);
    assertEquals(1.0, 1.0 * mf.meanSquareDerivative(q), 1e-3, "chi_1 at q*");
  }
}
