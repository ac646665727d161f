package dev.depthlab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The observations claim a difference between adjacent depths only when the Holm-corrected tests
 * support it, and otherwise say that none was detected, with the detectable difference.
 */
class ObservationsTest {
  private static final List<Integer> DEPTHS = List.of(1, 2);

  /** Ten seeds around {@code mean}, spread +-0.004 (sample std 0.00258). */
  private static List<RunRecord> tenSeeds(int depth, double mean) {
    double[] offsets = {-0.004, 0.003, -0.002, 0.004, 0.001, -0.003, 0.002, -0.001, 0.0, 0.0};
    List<RunRecord> rs = new ArrayList<>();
    for (int s = 0; s < offsets.length; s++) {
      rs.add(run(depth, s, mean + offsets[s]));
    }
    return rs;
  }

  private static RunRecord run(int depth, long seed, double testAcc) {
    return new RunRecord(
        "circle",
        depth,
        seed,
        "h",
        "cpu",
        "fp64",
        "ok",
        10,
        testAcc,
        testAcc,
        0.1,
        0.1,
        1.0 + depth + 0.01 * seed,
        0.1,
        0.1,
        new double[depth],
        0,
        CurveMetrics.of(new double[] {1, 0.5, 0.25}),
        new double[] {1},
        null,
        new double[0],
        0);
  }

  private static String testAccuracy(List<List<RunRecord>> byDepth) {
    return Observations.compared(
        "Mean test accuracy", MetricStats.of(SeedMetric.named("test_acc"), DEPTHS, byDepth));
  }

  @Test
  void overlappingSamplesAreNotCalledDifferent() {
    // 0.993 against 0.995 over ten seeds each with std 0.0026 (scipy: Welch p 0.100, Mann-Whitney
    // p 0.129): the old paragraph called it a rise
    String s = testAccuracy(List.of(tenSeeds(1, 0.993), tenSeeds(2, 0.995)));
    assertTrue(s.startsWith("Mean test accuracy: no difference detected"), s);
    assertTrue(s.contains("with 10 seeds"), s);
    assertFalse(s.contains("rises"), s);
    // the detectable difference, numpy/scipy: (t.ppf(.975, 18) + t.ppf(.8, 18)) * sqrt(2/10) *
    // 0.0025820 = 0.0034213
    assertTrue(s.contains("could detect: 0.0034)"), s);
    assertTrue(s.endsWith("the means go from 0.9930 at depth 1 to 0.9950 at depth 2"), s);
  }

  @Test
  void aClearDifferenceIsStated() {
    String s = testAccuracy(List.of(tenSeeds(1, 0.90), tenSeeds(2, 0.99)));
    assertEquals(
        "Mean test accuracy rises from 0.9000 at depth 1 to 0.9900 at depth 2 (every adjacent"
            + " step survives the Holm correction)",
        s);
  }

  @Test
  void mixedStepsNameTheUndetectedOnes() {
    String s =
        Observations.compared(
            "X",
            MetricStats.of(
                SeedMetric.named("test_acc"),
                List.of(1, 2, 4),
                List.of(tenSeeds(1, 0.90), tenSeeds(2, 0.99), tenSeeds(4, 0.991))));
    assertTrue(
        s.startsWith(
            "X rises from 0.9000 at depth 1 to 0.9900 at depth 2; no difference detected for the"
                + " depth step 2-4 with 10 seeds"),
        s);
  }

  @Test
  void consecutiveStepsOfOneDirectionChain() {
    String s =
        Observations.compared(
            "X",
            MetricStats.of(
                SeedMetric.named("test_acc"),
                List.of(1, 2, 4, 8),
                List.of(tenSeeds(1, 0.5), tenSeeds(2, 0.6), tenSeeds(4, 0.7), tenSeeds(8, 0.6))));
    assertEquals(
        "X rises from 0.5000 at depth 1 to 0.6000 at depth 2 to 0.7000 at depth 4; it falls from"
            + " 0.7000 at depth 4 to 0.6000 at depth 8 (every adjacent step survives the Holm"
            + " correction)",
        s);
  }

  @Test
  void paragraphUsesTheTests() {
    List<List<RunRecord>> byDepth = List.of(tenSeeds(1, 0.993), tenSeeds(2, 0.995));
    String p = Observations.paragraph("circle", DEPTHS, byDepth, MetricStats.all(DEPTHS, byDepth));
    assertTrue(p.startsWith("Mean test accuracy on circle: no difference detected"), p);
    // grad norm means 2.045 and 3.045, seeds spread 0.09: a clear rise
    assertTrue(p.contains("The gradient-norm mean rises from 2.045 at depth 1 to 3.045"), p);
  }
}
