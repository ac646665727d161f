package dev.depthlab.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.depthlab.common.Rng;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every label obeys its kind's rule when there is no label noise. */
class DatasetsRuleTest {
  private static final int N = 5000;

  private static DataSet draw(DatasetSpec spec, long seed) {
    return Datasets.generate(spec, N, 0.0, new Rng(seed));
  }

  /** Recomputes the label from the point for the kinds whose rule is a function of the point. */
  @ParameterizedTest
  @ValueSource(longs = {0, 1, 42})
  void pointRuleKindsLabelExactly(long seed) {
    checkRule(DatasetSpec.of("circle"), seed, (a, b) -> a * a + b * b < 0.25);
    checkRule(
        new DatasetSpec("circle", Map.of("radius", 0.8)), seed, (a, b) -> a * a + b * b < 0.64);
    double inner = Math.sqrt(2) / 3;
    double outer = 2 * Math.sqrt(2) / 3;
    checkRule(
        DatasetSpec.of("nested_rings"),
        seed,
        (a, b) -> Math.hypot(a, b) >= inner && Math.hypot(a, b) < outer);
    checkRule(
        new DatasetSpec("nested_rings", Map.of("inner", 0.3, "outer", 1.2)),
        seed,
        (a, b) -> Math.hypot(a, b) >= 0.3 && Math.hypot(a, b) < 1.2);
    checkRule(DatasetSpec.of("xor"), seed, (a, b) -> a * b > 0);
    checkRule(DatasetSpec.of("quadratic_noise"), seed, (a, b) -> a * a + b > 2.5);
  }

  private interface Rule {
    boolean positive(double a, double b);
  }

  private static void checkRule(DatasetSpec spec, long seed, Rule rule) {
    DataSet d = draw(spec, seed);
    int positives = 0;
    for (int i = 0; i < d.size(); i++) {
      double a = d.x()[2 * i];
      double b = d.x()[2 * i + 1];
      double expected = rule.positive(a, b) ? 1.0 : 0.0;
      if (d.y()[i] != expected) {
        fail(
            spec.label()
                + " seed "
                + seed
                + " point "
                + i
                + " ("
                + a
                + ", "
                + b
                + ") label "
                + d.y()[i]
                + ", rule says "
                + expected);
      }
      positives += (int) expected;
    }
    // a rule that labels everything alike would pass trivially; make sure both classes occur
    assertTrue(positives > 0 && positives < d.size(), spec.label() + ": one class only");
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 1, 42})
  void uniformKindsStayInSquare(long seed) {
    for (String kind : new String[] {"circle", "nested_rings", "xor"}) {
      double[] x = draw(DatasetSpec.of(kind), seed).x();
      for (double v : x) {
        assertTrue(v >= -1 && v < 1, kind + ": coordinate " + v + " outside [-1, 1)");
      }
    }
  }

  /** Without jitter every spiral point lies exactly on its own arm: radius t, angle known. */
  @ParameterizedTest
  @ValueSource(longs = {0, 7})
  void spiralWithoutJitterLiesOnItsArm(long seed) {
    double turns = 1.5;
    DataSet d = draw(new DatasetSpec("spiral", Map.of("jitter", 0.0)), seed);
    for (int i = 0; i < d.size(); i++) {
      double a = d.x()[2 * i];
      double b = d.x()[2 * i + 1];
      double t = Math.hypot(a, b);
      double expectedAngle = 2 * Math.PI * turns * t + Math.PI * d.y()[i];
      double diff = Math.IEEEremainder(Math.atan2(b, a) - expectedAngle, 2 * Math.PI);
      assertEquals(0.0, diff, 1e-9, "spiral point " + i + " is off its arm");
    }
  }

  /** Without jitter every moon point lies on its own half circle. */
  @ParameterizedTest
  @ValueSource(longs = {0, 7})
  void moonsWithoutJitterLieOnTheirArcs(long seed) {
    DataSet d = draw(new DatasetSpec("moons", Map.of("jitter", 0.0)), seed);
    for (int i = 0; i < d.size(); i++) {
      double a = d.x()[2 * i];
      double b = d.x()[2 * i + 1];
      if (d.y()[i] == 0) {
        assertEquals(1.0, Math.hypot(a, b), 1e-12, "upper moon point " + i);
        assertTrue(b >= 0, "upper moon point " + i + " below its arc");
      } else {
        assertEquals(1.0, Math.hypot(a - 1, b - 0.5), 1e-12, "lower moon point " + i);
        assertTrue(b <= 0.5, "lower moon point " + i + " above its arc");
      }
    }
  }

  /** With the default jitter, points are nearer their own arm than the other one. */
  @ParameterizedTest
  @ValueSource(longs = {0, 7})
  void spiralPointsAreNearerTheirOwnArm(long seed) {
    DataSet d = draw(DatasetSpec.of("spiral"), seed);
    double[][] arms = {curve(t -> spiralPoint(t, 0)), curve(t -> spiralPoint(t, 1))};
    assertMostlyNearest(d, arms, 0.95, "spiral");
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 7})
  void moonPointsAreNearerTheirOwnMoon(long seed) {
    DataSet d = draw(DatasetSpec.of("moons"), seed);
    double[][] arcs = {
      curve(u -> new double[] {Math.cos(Math.PI * u), Math.sin(Math.PI * u)}),
      curve(u -> new double[] {1 - Math.cos(Math.PI * u), 0.5 - Math.sin(Math.PI * u)})
    };
    assertMostlyNearest(d, arcs, 0.98, "moons");
  }

  /** The blobs' Bayes boundary is x1 + x2 = 0; with separation 2 and std 0.5 it errs 0.2%. */
  @ParameterizedTest
  @ValueSource(longs = {0, 7})
  void gaussianPointsAreNearerTheirOwnCentre(long seed) {
    DataSet d = draw(DatasetSpec.of("gaussian"), seed);
    int agree = 0;
    for (int i = 0; i < d.size(); i++) {
      boolean nearerPositive = d.x()[2 * i] + d.x()[2 * i + 1] > 0;
      agree += nearerPositive == (d.y()[i] == 1.0) ? 1 : 0;
    }
    assertTrue(agree > 0.99 * d.size(), "gaussian: only " + agree + " of " + N + " agree");
  }

  private static double[] spiralPoint(double t, int label) {
    double angle = 2 * Math.PI * 1.5 * t + Math.PI * label;
    return new double[] {t * Math.cos(angle), t * Math.sin(angle)};
  }

  private interface Curve {
    double[] at(double s);
  }

  /** The curve sampled at 2001 points of its parameter in [0, 1], flat (x, y) pairs. */
  private static double[] curve(Curve c) {
    int m = 2001;
    double[] pts = new double[2 * m];
    for (int k = 0; k < m; k++) {
      double[] p = c.at(k / (m - 1.0));
      pts[2 * k] = p[0];
      pts[2 * k + 1] = p[1];
    }
    return pts;
  }

  private static double distance2(double a, double b, double[] pts) {
    double best = Double.POSITIVE_INFINITY;
    for (int k = 0; k < pts.length; k += 2) {
      double dx = a - pts[k];
      double dy = b - pts[k + 1];
      best = Math.min(best, dx * dx + dy * dy);
    }
    return best;
  }

  private static void assertMostlyNearest(DataSet d, double[][] curves, double share, String what) {
    int agree = 0;
    for (int i = 0; i < d.size(); i++) {
      double a = d.x()[2 * i];
      double b = d.x()[2 * i + 1];
      int own = (int) d.y()[i];
      agree += distance2(a, b, curves[own]) < distance2(a, b, curves[1 - own]) ? 1 : 0;
    }
    assertTrue(
        agree > share * d.size(),
        what + ": only " + agree + " of " + d.size() + " points nearer their own curve");
  }
}
