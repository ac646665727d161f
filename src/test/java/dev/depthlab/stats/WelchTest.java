package dev.depthlab.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Welch's interval of a difference of means: held to SciPy on fixed numbers, its non-finite values
 * left out, and its 95% coverage shown by simulation on groups of unequal size and spread (where
 * the pooled-variance interval would under-cover).
 */
class WelchTest {
  @Test
  void matchesScipy() {
    // scipy.stats.ttest_ind(y, x, equal_var=False).confidence_interval(0.95), SciPy 1.17.1:
    // low -0.12299719667052367, high 6.302997196670523, df 6.66391169690585
    double[] x = {1.2, 2.3, 3.1, 4.8};
    double[] y = {2.0, 5.5, 6.1, 7.9, 8.2};
    Welch w = Welch.of(x, y);
    assertEquals(5.94 - 2.85, w.diff(), 1e-12);
    assertEquals(-0.12299719667052367, w.diffLow(), 1e-9);
    assertEquals(6.302997196670523, w.diffHigh(), 1e-9);
    assertEquals(6.66391169690585, w.df(), 1e-9);
  }

  @Test
  void leavesOutNonFiniteValuesAndNeedsTwoPerGroup() {
    Welch w = Welch.of(new double[] {1, Double.NaN, 3}, new double[] {5, 7, Double.NaN});
    assertEquals(2, w.nx());
    assertEquals(2, w.ny());
    assertEquals(4.0, w.diff(), 0);
    Welch one = Welch.of(new double[] {1}, new double[] {5, 7});
    assertEquals(5.0, one.diff(), 0); // mean(5, 7) - 1
    assertTrue(Double.isNaN(one.diffLow()));
  }

  @Test
  void coversTheTrueDifferenceAboutNinetyFivePercentOfTheTime() {
    SplittableRandom rng = new SplittableRandom(27);
    int trials = 4000;
    int covered = 0;
    for (int t = 0; t < trials; t++) {
      double[] x = new double[4];
      double[] y = new double[9];
      for (int i = 0; i < x.length; i++) {
        x[i] = 1 + 3 * gauss(rng); // sd 3 on the small group
      }
      for (int i = 0; i < y.length; i++) {
        y[i] = 1.5 + 0.5 * gauss(rng); // true difference 0.5
      }
      Welch w = Welch.of(x, y);
      covered += w.diffLow() <= 0.5 && 0.5 <= w.diffHigh() ? 1 : 0;
    }
    double rate = covered / (double) trials;
    // binomial sd at 0.95 over 4000 trials is 0.0034; Welch's approximation is within 1% here
    assertTrue(rate > 0.93 && rate < 0.97, "coverage " + rate);
  }

  private static double gauss(SplittableRandom rng) {
    // Box-Muller: the project's tests keep their own draws independent of the code under test
    double u = 1 - rng.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextDouble());
  }
}
