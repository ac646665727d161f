package dev.depthlab.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The comparison's numbers against independent references: SciPy 1.17.1 ({@code
 * scipy.stats.ttest_ind(b, a, equal_var=False)}, {@code scipy.stats.mannwhitneyu(b, a, method=...,
 * use_continuity=True)}, {@code scipy.stats.trim_mean(x, 0.25)}, {@code scipy.stats.t.ppf}), and
 * hand computations from the definitions.
 */
class ComparisonTest {
  private static final double[] A = {1.0, 2.1, 3.3, 4.0, 5.6, 6.2};
  private static final double[] B = {2.5, 4.1, 5.9, 6.3, 7.7, 8.0, 9.9};

  @Test
  void welchMatchesScipy() {
    double[] tp = Comparison.welch(A, B);
    // scipy: ttest_ind(B, A, equal_var=False) -> t 2.1214722147933944, p 0.057489008234891226
    assertEquals(2.1214722147933944, tp[0], 1e-12);
    assertEquals(0.057489008234891226, tp[1], 1e-10);
  }

  @Test
  void mannWhitneyMatchesScipy() {
    Comparison c = Comparison.of(A, B);
    // scipy: mannwhitneyu(B, A, method='exact') -> U 35.0, p 0.05128205128205128 (no ties, small
    // samples: Commons Statistics' default computes the exact p too)
    assertEquals(35.0, c.mannWhitneyU(), 0);
    assertEquals(0.05128205128205128, c.mannWhitneyP(), 1e-12);
  }

  @Test
  void mannWhitneyWithTiesMatchesScipyAsymptotic() {
    double[] c = {1, 2, 2, 3, 4};
    double[] d = {2, 3, 3, 5, 5, 6};
    Comparison r = Comparison.of(c, d);
    // scipy: mannwhitneyu(d, c, method='asymptotic', use_continuity=True) -> U 24.0,
    // p 0.1130499788563229 (ties: Commons uses the tie-corrected normal approximation)
    assertEquals(24.0, r.mannWhitneyU(), 0);
    assertEquals(0.1130499788563229, r.mannWhitneyP(), 1e-10);
  }

  @Test
  void cohensDMatchesPooledStdDefinition() {
    // numpy: (mean(B) - mean(A)) / sqrt((5 var(A, ddof=1) + 6 var(B, ddof=1)) / 11)
    assertEquals(1.1589984718901143, Comparison.cohensD(A, B), 1e-12);
  }

  @Test
  void cliffsDeltaAndProbabilityOfImprovementByHand() {
    // x {1,2,3} against y {2,4}: of the six pairs y wins 4 (2>1, 4>1, 4>2, 4>3), ties 1 (2=2),
    // loses 1 (2<3): P(Y>X) = (4 + 0.5) / 6 = 0.75, delta = (4 - 1) / 6 = 0.5
    double[] x = {1, 2, 3};
    double[] y = {2, 4};
    assertEquals(0.75, Comparison.probabilityOfImprovement(x, y), 1e-15);
    assertEquals(0.5, Comparison.cliffsDelta(x, y), 1e-15);
    assertEquals(-0.5, Comparison.cliffsDelta(y, x), 1e-15);
  }

  @Test
  void holmAdjustsAKnownVectorAsByHand() {
    // sorted 0.005, 0.01, 0.03, 0.04 times 4, 3, 2, 1 = 0.02, 0.03, 0.06, 0.04; running max
    // gives 0.02, 0.03, 0.06, 0.06; back in the given order:
    assertArrayEquals(
        new double[] {0.03, 0.06, 0.06, 0.02},
        Holm.adjust(new double[] {0.01, 0.04, 0.03, 0.005}),
        1e-15);
    // capped at 1; NaN stays NaN and is not counted in the family (m = 2)
    double[] capped = Holm.adjust(new double[] {0.6, Double.NaN, 0.7});
    assertArrayEquals(new double[] {1, Double.NaN, 1}, capped, 0);
    assertArrayEquals(new double[] {0.04, 0.03}, Holm.adjust(new double[] {0.04, 0.015}), 1e-15);
  }

  @Test
  void iqmIsScipyTrimMeanQuarter() {
    // scipy: trim_mean([1..8, 100, -50], 0.25) -> 4.5 (drops two from each end)
    assertEquals(4.5, SampleStats.iqm(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 100, -50}), 1e-15);
    assertEquals(2.5, SampleStats.iqm(new double[] {1, 2, 3, 4}), 1e-15); // drops 1 and 4
    assertEquals(7, SampleStats.iqm(new double[] {7}), 0);
  }

  @Test
  void minimalDetectableDifferenceMatchesTQuantiles() {
    // ten and ten values of sample std 1: scipy (t.ppf(.975, 18) + t.ppf(.8, 18)) * sqrt(0.2)
    double[] x = unitSd(0);
    double[] y = unitSd(5);
    assertEquals(1.0, SampleStats.sd(x), 1e-12);
    assertEquals(1.32508078378888, Comparison.minimalDetectable(x, y), 1e-9);
  }

  @Test
  void familyAdjustsEachTestOverTheAdjacentPairs() {
    List<Comparison> cs = Comparison.adjacent(List.of(A, B, A));
    assertEquals(2, cs.size());
    double[] holm = Holm.adjust(new double[] {cs.get(0).welchP(), cs.get(1).welchP()});
    assertEquals(holm[0], cs.get(0).welchPHolm(), 0);
    assertEquals(holm[1], cs.get(1).welchPHolm(), 0);
    assertTrue(cs.get(0).welchPHolm() >= cs.get(0).welchP());
  }

  @Test
  void constantGroupsHaveLimitingPValues() {
    Comparison same = Comparison.of(new double[] {0, 0, 0}, new double[] {0, 0, 0});
    assertEquals(1, same.welchP(), 0);
    assertEquals(1, same.mannWhitneyP(), 0);
    assertFalse(same.differs());
    Comparison apart = Comparison.of(new double[] {0, 0, 0, 0, 0}, new double[] {9, 9, 9, 9, 9});
    assertEquals(0, apart.welchP(), 0);
    assertTrue(apart.differs(), "welch 0, exact Mann-Whitney p " + apart.mannWhitneyP());
  }

  /** Ten values with mean {@code m} and sample std exactly 1. */
  private static double[] unitSd(double m) {
    double[] v = {-1, 1, -1, 1, -1, 1, -1, 1, -1, 1};
    double s = Math.sqrt(10.0 / 9.0);
    for (int i = 0; i < v.length; i++) {
      v[i] = m + v[i] / s;
    }
    return v;
  }
}
