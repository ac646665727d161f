package dev.depthlab.signal;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.depthlab.model.Activation;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The mean-field length map against an independent quadrature: composite Simpson's rule on a fine
 * grid over +-12 standard deviations (written here, 40000 intervals against the trapezoidal grid's
 * 400), and the tanh fixed point found by bisection on that Simpson map instead of by iteration;
 * the correlation map, chi_1, c*, chi_c and the depth scales against SciPy's adaptive quadrature
 * and root finding (tools/meanfield_golden.py, values in src/test/resources/meanfield-golden.json)
 * and ReLU's against the arc-cosine kernel's closed forms (Cho and Saul 2009) written here.
 */
class MeanFieldTest {
  /** E[f(z)], z ~ N(mu, v), by composite Simpson's rule with 40000 intervals. */
  static double simpson(DoubleUnaryOperator f, double mu, double v) {
    return simpson(f, mu, v, 40_000);
  }

  /** The same with {@code n} intervals. */
  static double simpson(DoubleUnaryOperator f, double mu, double v, int n) {
    double sd = Math.sqrt(v);
    double lo = mu - 12 * sd;
    double hi = mu + 12 * sd;
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

  private static JsonNode golden() throws IOException {
    try (InputStream in = MeanFieldTest.class.getResourceAsStream("/meanfield-golden.json")) {
      return new ObjectMapper().readTree(in);
    }
  }

  private static Activation activation(String key) {
    return Activation.valueOf(key.toUpperCase(java.util.Locale.ROOT));
  }

  @Test
  void tanhPointsMatchScipy() throws IOException {
    List<Executable> checks = new ArrayList<>();
    JsonNode points = golden().get("tanh_points");
    assertTrue(points.size() >= 7, "golden points " + points.size());
    for (JsonNode g : points) {
      double sw2 = g.get("sigma_w2").asDouble();
      double b = g.get("b").asDouble();
      double sb2 = g.get("sigma_b2").asDouble();
      MeanField.Point p = new MeanField(Activation.TANH, 0, b, sb2).point(sw2);
      String at = " at sigma_w^2=" + sw2 + " b=" + b + " sigma_b^2=" + sb2;
      checks.add(() -> assertEquals(g.get("q_star").asDouble(), p.qStar(), 1e-9, "q*" + at));
      checks.add(() -> assertEquals(g.get("chi1").asDouble(), p.chi1(), 1e-9, "chi_1" + at));
      // c* by bisection on the 2-d trapezoid map: the map to ~1e-11, c* to 1e-9 off criticality
      checks.add(() -> assertEquals(g.get("c_star").asDouble(), p.cStar(), 1e-8, "c*" + at));
      checks.add(() -> assertEquals(g.get("chi_c").asDouble(), p.chiC(), 1e-8, "chi_c" + at));
      double xiQ = g.get("xi_q").asDouble();
      double xiC = g.get("xi_c").asDouble();
      checks.add(() -> assertEquals(xiQ, p.xiQ(), 1e-8 * xiQ, "xi_q" + at));
      // xi_c = -1/ln chi_c amplifies chi_c's error by xi_c^2 / chi_c
      checks.add(() -> assertEquals(xiC, p.xiC(), 1e-8 * xiC * xiC, "xi_c" + at));
    }
    assertAll(checks);
  }

  @Test
  void crossExpectationsMatchScipy() throws IOException {
    List<Executable> checks = new ArrayList<>();
    for (JsonNode g : golden().get("cross")) {
      Activation act = activation(g.get("activation").asText());
      double b = g.get("b").asDouble();
      double v1 = g.get("v1").asDouble();
      double v2 = g.get("v2").asDouble();
      double v12 = g.get("c").asDouble() * Math.sqrt(v1 * v2);
      MeanField mf = new MeanField(act, g.get("slope").asDouble(), b, 0.0);
      String at = act + " v1=" + v1 + " v2=" + v2 + " v12=" + v12 + " b=" + b;
      // closed forms (b = 0, ReLU/leaky) and smooth tanh: 1e-9; off zero the trapezoid rule meets
      // a kink in phi (second order) and a jump in phi' (first order: the known limit, 2.5e-2)
      boolean kink = act != Activation.TANH && b != 0;
      double tol = kink ? 1e-3 : 1e-9;
      double tolD = kink ? 2.5e-2 : 1e-9;
      double phi = mf.cross(v1, v2, v12, 0);
      double dphi = mf.cross(v1, v2, v12, 1);
      checks.add(() -> assertEquals(g.get("phi").asDouble(), phi, tol, "E[phi phi] " + at));
      checks.add(() -> assertEquals(g.get("dphi").asDouble(), dphi, tolD, "E[phi' phi'] " + at));
    }
    assertAll(checks);
  }

  @Test
  void reluCorrelationMapIsTheArcCosineKernel() {
    // He init (sigma_w^2 = 2, no bias): c' = (sqrt(1 - c^2) + (pi - arccos c) c) / pi, chi_1 = 1,
    // the only fixed point c* = 1 and xi_c infinite (critical); with sigma_b^2 > 0 and
    // sigma_w^2 < 2: q* = sigma_b^2 / (1 - sigma_w^2 / 2)
    MeanField he = new MeanField(Activation.RELU, 0, 0);
    List<Executable> checks = new ArrayList<>();
    for (double c : new double[] {-0.9, -0.2, 0.0, 0.4, 0.95}) {
      double want = (Math.sqrt(1 - c * c) + (Math.PI - Math.acos(c)) * c) / Math.PI;
      double got = he.correlationMap(2.0, c);
      checks.add(() -> assertEquals(want, got, 1e-15, "relu c map at c=" + c));
    }
    MeanField.Point p = he.point(2.0);
    checks.add(() -> assertEquals(1.0, p.chi1(), 0.0, "relu He chi_1"));
    checks.add(() -> assertEquals(1.0, p.cStar(), 0.0, "relu He c*"));
    checks.add(() -> assertEquals(Double.POSITIVE_INFINITY, p.xiC(), "relu He xi_c"));
    MeanField biased = new MeanField(Activation.RELU, 0, 0, 0.1);
    MeanField.Point o = biased.point(1.5);
    checks.add(() -> assertEquals(0.1 / (1 - 0.75), o.qStar(), 1e-13, "relu q* with sigma_b"));
    checks.add(() -> assertEquals(0.75, o.chi1(), 1e-15, "relu chi_1 = sigma_w^2 / 2"));
    checks.add(() -> assertEquals(-1 / Math.log(0.75), o.xiQ(), 1e-12, "relu xi_q"));
    checks.add(() -> assertEquals(-1 / Math.log(0.75), o.xiC(), 1e-12, "relu xi_c ordered"));
    assertAll(checks);
  }

  @Test
  void tanhCorrelationMapMatchesItsOwnTwoDimensionalSimpson() {
    // the map at c = 0.3, sigma_w^2 = 2.5, sigma_b^2 = 0.05 against nested Simpson written here
    MeanField mf = new MeanField(Activation.TANH, 0, 0, 0.05);
    double q = mf.fixedPoint(2.5);
    double c = 0.3;
    double s = Math.sqrt(q);
    double r = Math.sqrt(1 - c * c);
    double e =
        simpson(
            u1 -> Math.tanh(s * u1) * simpson(w -> Math.tanh(s * (c * u1 + r * w)), 0, 1, 2000),
            0,
            1,
            2000);
    double want = (2.5 * e + 0.05) / q;
    assertEquals(want, mf.correlationMap(2.5, c), 1e-9);
  }
}
