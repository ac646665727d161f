package dev.depthlab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The observations claim a difference between adjacent depths only when the paired verdict is
 * "differs", and otherwise say whether the step is equivalent within the metric's margin or
 * inconclusive with the seeds at hand.
 */
class ObservationsTest {
  private static final List<Integer> DEPTHS = List.of(1, 2);

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
        new double[0],
        0);
  }

  private static String testAccuracy(List<List<RunRecord>> byDepth) {
    return Observations.compared(
        "Mean test accuracy", MetricStats.of(SeedMetric.named("test_acc"), DEPTHS, byDepth));
  }

  /**
   * Ten seeds around {@code mean}, the offsets rotated by {@code shift} places, so two depths'
   * seeds pair up with differences that vary (by up to +-0.008 times {@code scale}).
   */
  private static List<RunRecord> tenSeeds(int depth, double mean, int shift, double scale) {
    double[] offsets = {-0.004, 0.003, -0.002, 0.004, 0.001, -0.003, 0.002, -0.001, 0.0, 0.0};
    List<RunRecord> rs = new ArrayList<>();
    for (int s = 0; s < offsets.length; s++) {
      rs.add(run(depth, s, mean + scale * offsets[(s + shift) % offsets.length]));
    }
    return rs;
  }

  @Test
  void aSmallChangeInsideTheMarginIsEquivalent() {
    // 0.993 against 0.995, paired differences 0.002 +- 0.004: paired t p 0.11 (no difference
    // shown), TOST against +-0.01 p < 0.0001 (scipy ttest_1samp): equivalent
    String s = testAccuracy(List.of(tenSeeds(1, 0.993, 0, 1), tenSeeds(2, 0.995, 3, 1)));
    assertEquals(
        "Mean test accuracy: equivalent within \u00b10.01 for the depth step 1-2; the means go from"
            + " 0.9930 at depth 1 to 0.9950 at depth 2",
        s);
  }

  @Test
  void noisySeedsLeaveTheStepInconclusive() {
    // differences 0.002 +- 0.014: neither "differs" nor inside +-0.01
    String s = testAccuracy(List.of(tenSeeds(1, 0.993, 0, 4), tenSeeds(2, 0.995, 3, 4)));
    assertTrue(
        s.startsWith(
            "Mean test accuracy: inconclusive for the depth step 1-2 with 10 paired seeds;"),
        s);
    assertFalse(s.contains("rises"), s);
  }

  @Test
  void theSamePairedChangeAtEverySeedDiffers() {
    // every seed gains exactly 0.002: an unpaired test sees two overlapping groups, the paired
    // design a difference with no noise at all
    String s = testAccuracy(List.of(tenSeeds(1, 0.993, 0, 1), tenSeeds(2, 0.995, 0, 1)));
    assertEquals(
        "Mean test accuracy rises from 0.9930 at depth 1 to 0.9950 at depth 2 (every adjacent"
            + " step differs, paired t with Holm's correction)",
        s);
  }

  @Test
  void aClearDifferenceIsStated() {
    String s = testAccuracy(List.of(tenSeeds(1, 0.90, 0, 1), tenSeeds(2, 0.99, 3, 1)));
    assertEquals(
        "Mean test accuracy rises from 0.9000 at depth 1 to 0.9900 at depth 2 (every adjacent"
            + " step differs, paired t with Holm's correction)",
        s);
  }

  @Test
  void mixedStepsNameTheOthers() {
    String s =
        Observations.compared(
            "X",
            MetricStats.of(
                SeedMetric.named("test_acc"),
                List.of(1, 2, 4),
                List.of(
                    tenSeeds(1, 0.90, 0, 1), tenSeeds(2, 0.99, 3, 1), tenSeeds(4, 0.991, 6, 1))));
    assertEquals(
        "X rises from 0.9000 at depth 1 to 0.9900 at depth 2; equivalent within \u00b10.01 for the"
            + " depth step 2-4",
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
                List.of(
                    tenSeeds(1, 0.5, 0, 1),
                    tenSeeds(2, 0.6, 1, 1),
                    tenSeeds(4, 0.7, 2, 1),
                    tenSeeds(8, 0.6, 3, 1))));
    assertEquals(
        "X rises from 0.5000 at depth 1 to 0.6000 at depth 2 to 0.7000 at depth 4; it falls from"
            + " 0.7000 at depth 4 to 0.6000 at depth 8 (every adjacent step differs, paired t with"
            + " Holm's correction)",
        s);
  }

  @Test
  void paragraphUsesTheTests() {
    List<List<RunRecord>> byDepth = List.of(tenSeeds(1, 0.993, 0, 1), tenSeeds(2, 0.995, 3, 1));
    String p = Observations.paragraph("circle", DEPTHS, byDepth, MetricStats.all(DEPTHS, byDepth));
    assertTrue(p.startsWith("Mean test accuracy on circle: equivalent within"), p);
    // grad norm means 2.045 and 3.045, seeds spread 0.09: a clear rise
    assertTrue(p.contains("The gradient-norm mean rises from 2.045 at depth 1 to 3.045"), p);
  }
}
