package dev.depthlab.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.common.Rng;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Class ratios against the closed forms, and the closed forms' own helpers. */
class DatasetsStatisticsTest {
  private static final int N = 200_000;

  static Stream<Arguments> specsAndNoise() {
    return Stream.of(
        Arguments.of(DatasetSpec.of("circle"), 0.0),
        Arguments.of(DatasetSpec.of("circle"), 0.1),
        Arguments.of(DatasetSpec.of("nested_rings"), 0.0),
        Arguments.of(new DatasetSpec("nested_rings", Map.of("inner", 0.5, "outer", 1.2)), 0.0),
        Arguments.of(new DatasetSpec("nested_rings", Map.of("inner", 0.5, "outer", 1.2)), 0.2),
        Arguments.of(new DatasetSpec("circle", Map.of("radius", 1.3)), 0.0),
        Arguments.of(DatasetSpec.of("quadratic_noise"), 0.0),
        Arguments.of(DatasetSpec.of("quadratic_noise"), 0.1),
        Arguments.of(DatasetSpec.of("quadratic_noise"), 0.5),
        Arguments.of(DatasetSpec.of("xor"), 0.0),
        Arguments.of(DatasetSpec.of("spiral"), 0.0),
        Arguments.of(DatasetSpec.of("moons"), 0.3),
        Arguments.of(DatasetSpec.of("gaussian"), 0.0));
  }

  @ParameterizedTest
  @MethodSource("specsAndNoise")
  void positiveFractionMatchesClosedForm(DatasetSpec spec, double noise) {
    double expected = Datasets.expectedPositiveFraction(spec, noise);
    DataSet d = Datasets.generate(spec, N, noise, new Rng(12345));
    double se = Math.sqrt(expected * (1 - expected) / N);
    assertEquals(
        expected,
        d.positiveFraction(),
        5 * se,
        spec.label() + " noise " + noise + ": sampled vs closed form (5 standard errors)");
  }

  @Test
  void knownFractions() {
    assertEquals(
        Math.PI / 16, Datasets.expectedPositiveFraction(DatasetSpec.of("circle"), 0), 1e-15);
    // default rings: pi (8/9 - 2/9) / 4 = pi / 6
    assertEquals(
        Math.PI / 6, Datasets.expectedPositiveFraction(DatasetSpec.of("nested_rings"), 0), 1e-15);
    double f = Math.PI / 16;
    assertEquals(
        f * 0.9 + (1 - f) * 0.1,
        Datasets.expectedPositiveFraction(DatasetSpec.of("circle"), 0.1),
        1e-15);
  }

  /** Label flips hit about the asked share of points, and leave the points themselves alone. */
  @ParameterizedTest
  @ValueSource(strings = {"circle", "nested_rings", "xor", "spiral", "moons", "gaussian"})
  void flipNoiseFlipsTheAskedShareOnly(String kind) {
    int n = 50_000;
    double noise = 0.1;
    DataSet clean = Datasets.generate(DatasetSpec.of(kind), n, 0.0, new Rng(9));
    DataSet noisy = Datasets.generate(DatasetSpec.of(kind), n, noise, new Rng(9));
    assertTrue(java.util.Arrays.equals(clean.x(), noisy.x()), kind + ": noise moved the points");
    int flipped = 0;
    for (int i = 0; i < n; i++) {
      flipped += clean.y()[i] != noisy.y()[i] ? 1 : 0;
    }
    double se = Math.sqrt(noise * (1 - noise) / n);
    assertEquals(noise, (double) flipped / n, 5 * se, kind + ": share of flipped labels");
  }

  @Test
  void quadraticNoiseKeepsPoints() {
    DatasetSpec spec = DatasetSpec.of("quadratic_noise");
    DataSet clean = Datasets.generate(spec, 10_000, 0.0, new Rng(3));
    DataSet noisy = Datasets.generate(spec, 10_000, 0.3, new Rng(3));
    assertTrue(java.util.Arrays.equals(clean.x(), noisy.x()));
    assertTrue(!java.util.Arrays.equals(clean.y(), noisy.y()), "noise 0.3 changed no label");
  }

  @Test
  void diskInSquareAreaKnownValues() {
    assertEquals(0.0, Datasets.diskInSquareArea(0), 0);
    assertEquals(Math.PI * 0.25, Datasets.diskInSquareArea(0.5), 1e-15);
    assertEquals(Math.PI, Datasets.diskInSquareArea(1), 1e-15);
    assertEquals(4.0, Datasets.diskInSquareArea(Math.sqrt(2)), 1e-15);
    assertEquals(4.0, Datasets.diskInSquareArea(3), 0);
    // continuous where the formula changes branch
    assertEquals(Math.PI, Datasets.diskInSquareArea(1 + 1e-9), 1e-7);
    assertEquals(4.0, Datasets.diskInSquareArea(Math.sqrt(2) - 1e-12), 1e-5);
  }

  /** Against an independent midpoint integral of min(1, sqrt(r^2 - x^2)) over a quadrant. */
  @ParameterizedTest
  @ValueSource(doubles = {0.3, 0.99, 1.05, 1.2, 1.35, 1.41})
  void diskInSquareAreaMatchesIntegral(double r) {
    int m = 2_000_000;
    double sum = 0;
    for (int k = 0; k < m; k++) {
      double x = (k + 0.5) / m;
      sum += Math.min(1.0, Math.sqrt(Math.max(0.0, r * r - x * x)));
    }
    assertEquals(4.0 * sum / m, Datasets.diskInSquareArea(r), 1e-6, "radius " + r);
  }

  @Test
  void diskInSquareAreaMatchesMonteCarlo() {
    double r = 1.2;
    int m = 400_000;
    Rng rng = new Rng(77);
    int inside = 0;
    for (int k = 0; k < m; k++) {
      double a = rng.uniform(-1, 1);
      double b = rng.uniform(-1, 1);
      inside += a * a + b * b < r * r ? 1 : 0;
    }
    double p = Datasets.diskInSquareArea(r) / 4;
    assertEquals(p, (double) inside / m, 5 * Math.sqrt(p * (1 - p) / m));
  }

  @Test
  void normalCdfKnownValues() {
    assertEquals(0.5, Datasets.normalCdf(0), 1e-15);
    assertEquals(0.8413447460685429, Datasets.normalCdf(1), 1e-14);
    assertEquals(0.9750021048517795, Datasets.normalCdf(1.96), 1e-14);
    assertEquals(0.0013498980316301, Datasets.normalCdf(-3), 1e-15);
    assertEquals(1.0, Datasets.normalCdf(12), 0);
  }
}
