package dev.depthlab.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The paired comparison's bookkeeping and verdict rule, checked by hand (its numbers are held to
 * SciPy by {@link StatsGoldenTest}): pairs by seed with missing values dropped, Holm over the
 * family, the three verdicts, and the limits of constant differences.
 */
class PairedTest {
  private static final double NAN = Double.NaN;

  @Test
  void aSeedMissingOrNonFiniteAtEitherDepthDropsItsPair() {
    double[] x = {1, 2, NAN, 4, 5, NAN};
    double[] y = {2, 3, 4, Double.POSITIVE_INFINITY, 7, NAN}; // seed 5: at neither depth
    Paired p = Paired.of(x, y, Margin.absolute(0.1));
    assertEquals(3, p.n()); // seeds 0, 1, 4
    assertEquals(2, p.dropped()); // seed 2 (no x), seed 3 (y infinite); seed 5 was never run
    assertEquals((1 + 1 + 2) / 3.0, p.diff(), 1e-15);
    assertEquals(1.0, p.pImprove(), 0);
  }

  @Test
  void aPairingTheUnpairedTestsMissIsFound() {
    // a seed effect much larger than the depth effect: every seed rises by 0.1-0.12, the seeds
    // spread over 0..9. Paired t: t = mean(d) / (sd(d) / sqrt(10)) is large; Welch on the two
    // groups would see 0.11 against a spread of 3.
    double[] x = new double[10];
    double[] y = new double[10];
    for (int i = 0; i < 10; i++) {
      x[i] = i;
      y[i] = i + 0.1 + 0.002 * i;
    }
    Paired p = Paired.of(x, y, Margin.relative(0.001));
    assertEquals(Verdict.DIFFERS, p.verdict());
    assertTrue(p.corroborated(), "all ten differences positive: exact p = 2/1024");
    assertEquals(2.0 / 1024, p.signedRankP(), 1e-15);
  }

  @Test
  void equivalentWhenTheIntervalSitsInsideTheMargin() {
    double[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    double[] y = new double[10];
    for (int i = 0; i < 10; i++) {
      y[i] = x[i] + (i % 2 == 0 ? 0.01 : -0.01);
    }
    assertEquals(Verdict.EQUIVALENT, Paired.of(x, y, Margin.absolute(0.1)).verdict());
    // the same differences against a margin smaller than their noise: not shown either way
    assertEquals(Verdict.INCONCLUSIVE, Paired.of(x, y, Margin.absolute(0.005)).verdict());
    // a relative margin is a fraction of the shallower depth's mean over the pairs (5.5)
    assertEquals(0.55, Paired.of(x, y, Margin.relative(0.1)).margin(), 1e-15);
  }

  @Test
  void constantDifferencesTakeTheLimits() {
    Paired same = Paired.of(new double[] {1, 2, 3}, new double[] {1, 2, 3}, Margin.absolute(0.5));
    assertEquals(1, same.tP(), 0);
    assertEquals(1, same.signedRankP(), 0);
    assertEquals(0, same.tostP(), 0);
    assertEquals(Verdict.EQUIVALENT, same.verdict());
    Paired apart = Paired.of(new double[] {1, 2, 3}, new double[] {2, 3, 4}, Margin.absolute(0.5));
    assertEquals(0, apart.tP(), 0);
    assertEquals(1, apart.tostP(), 0);
    assertEquals(Verdict.DIFFERS, apart.verdict());
    assertFalse(apart.corroborated(), "three pairs: exact signed-rank p >= 0.25");
  }

  @Test
  void familyAdjustsEachTestOverTheAdjacentPairs() {
    double[] a = {1.0, 2.1, 3.3, 4.0, 5.6, 6.2};
    double[] b = {2.5, 4.1, 5.9, 6.3, 7.7, 8.0};
    List<Paired> cs = Paired.adjacent(List.of(a, b, a), Margin.absolute(1));
    assertEquals(2, cs.size());
    double[] t = Holm.adjust(new double[] {cs.get(0).tP(), cs.get(1).tP()});
    double[] w = Holm.adjust(new double[] {cs.get(0).signedRankP(), cs.get(1).signedRankP()});
    double[] e = Holm.adjust(new double[] {cs.get(0).tostP(), cs.get(1).tostP()});
    for (int i = 0; i < 2; i++) {
      assertEquals(t[i], cs.get(i).tPHolm(), 0);
      assertEquals(w[i], cs.get(i).signedRankPHolm(), 0);
      assertEquals(e[i], cs.get(i).tostPHolm(), 0);
    }
  }

  @Test
  void seedsTheSignedRankTestNeedsUnderHolm() {
    // 2 / 2^n * m < 0.05: one pair needs 6 seeds (2/64 = 0.031), four pairs 8 (8/256 = 0.031)
    assertEquals(6, Paired.seedsForSignedRank(1));
    assertEquals(7, Paired.seedsForSignedRank(2));
    assertEquals(8, Paired.seedsForSignedRank(4));
    assertEquals(4 * 2.0 / 1024, Paired.smallestSignedRankP(10, 4), 1e-15);
    assertEquals(0.5, Paired.smallestSignedRankP(3, 2), 0); // 2 / 8 * 2
    assertEquals(1, Paired.smallestSignedRankP(2, 4), 0);
  }

  @Test
  void holmAdjustsAKnownVectorAsByHand() {
    // sorted 0.005, 0.01, 0.03, 0.04 times 4, 3, 2, 1 = 0.02, 0.03, 0.06, 0.04; running max
    // gives 0.02, 0.03, 0.06, 0.06; back in the given order:
    assertArrayEquals(
        new double[] {0.03, 0.06, 0.06, 0.02},
        Holm.adjust(new double[] {0.01, 0.04, 0.03, 0.005}),
        1e-15);
    double[] capped = Holm.adjust(new double[] {0.6, Double.NaN, 0.7});
    assertArrayEquals(new double[] {1, Double.NaN, 1}, capped, 0);
  }

  @Test
  void iqmIsScipyTrimMeanQuarter() {
    // scipy: trim_mean([1..8, 100, -50], 0.25) -> 4.5 (drops two from each end)
    assertEquals(4.5, SampleStats.iqm(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 100, -50}), 1e-15);
    assertEquals(2.5, SampleStats.iqm(new double[] {1, 2, 3, 4}), 1e-15);
    assertEquals(7, SampleStats.iqm(new double[] {7}), 0);
  }
}
