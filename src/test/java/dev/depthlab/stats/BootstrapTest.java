package dev.depthlab.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The percentile bootstrap's properties: seeded, around the mean, narrower with more values. */
class BootstrapTest {
  private static double[] normal(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      // Box-Muller: independent of the code under test
      x[i] = Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }
    return x;
  }

  @Test
  void sameValuesGiveTheSameInterval() {
    double[] x = normal(10, 1);
    assertArrayEquals(Bootstrap.meanInterval(x), Bootstrap.meanInterval(x.clone()), 0);
    assertArrayEquals(
        Bootstrap.differenceInterval(x, normal(10, 2)),
        Bootstrap.differenceInterval(x, normal(10, 2)),
        0);
  }

  @Test
  void intervalContainsTheMean() {
    for (long seed = 0; seed < 20; seed++) {
      double[] x = normal(10, seed);
      double[] ci = Bootstrap.meanInterval(x);
      double m = SampleStats.mean(x);
      assertTrue(ci[0] < m && m < ci[1], "seed " + seed + ": " + ci[0] + " " + m + " " + ci[1]);
    }
  }

  @Test
  void intervalNarrowsWithMoreValues() {
    double[] small = Bootstrap.meanInterval(normal(10, 3));
    double[] large = Bootstrap.meanInterval(normal(1000, 3));
    double ws = small[1] - small[0];
    double wl = large[1] - large[0];
    assertTrue(wl < ws / 5, "width " + wl + " at n 1000, " + ws + " at n 10");
    // and is about the normal interval's 2 * 1.96 * sigma / sqrt(n) = 0.124 for n = 1000
    assertEquals(0.124, wl, 0.02);
  }

  @Test
  void differenceIntervalIsAroundTheDifferenceOfMeans() {
    double[] x = normal(10, 4);
    double[] y = normal(10, 5);
    for (int i = 0; i < y.length; i++) {
      y[i] += 3;
    }
    double[] ci = Bootstrap.differenceInterval(x, y);
    double d = SampleStats.mean(y) - SampleStats.mean(x);
    assertTrue(ci[0] < d && d < ci[1] && ci[0] > 1.5, ci[0] + " " + d + " " + ci[1]);
  }

  @Test
  void quantileIsNumpyLinear() {
    // numpy.quantile([1, 2, 3, 4], 0.025) = 1 + 0.075 * 1 = 1.075 (linear, h = (n - 1) p)
    assertEquals(1.075, Bootstrap.quantile(new double[] {1, 2, 3, 4}, 0.025), 1e-15);
    assertEquals(3.925, Bootstrap.quantile(new double[] {1, 2, 3, 4}, 0.975), 1e-15);
  }
}
