package dev.depthlab.report;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The loss-curve numbers on synthetic curves whose answers follow from the definitions. */
class CurveMetricsTest {
  private static final double EPS = 1e-12;

  /** L_e = 10 - e for e = 1..10: 9, 8, ..., 0. */
  private static double[] line() {
    double[] l = new double[10];
    for (int e = 1; e <= 10; e++) {
      l[e - 1] = 10 - e;
    }
    return l;
  }

  @Test
  void straightLine() {
    CurveMetrics m = CurveMetrics.of(line());
    assertAll(
        () -> assertEquals(9, m.first(), EPS),
        () -> assertEquals(0, m.last(), EPS),
        () -> assertEquals(1.0, m.trend(), EPS, "trend (9 - 0) / 9"),
        // last half: epochs 6..10 (losses 4..0), each step changes by 1, their mean is 2
        () -> assertEquals(0.5, m.oscillation(), EPS, "oscillation 1 / 2"),
        // k = round(0.8 * 10) = 8, L_8 = 2: (2 - 0) / (9 - 0)
        () -> assertEquals(2.0 / 9.0, m.lateGain(), EPS, "late gain"),
        // best so far B_e = 10 - e; B_e - B_10 <= 0.01 * 9 first at epoch 10
        () -> assertEquals(10, m.plateauEpoch(), "plateau epoch"),
        () -> assertEquals(0, m.spikes(), "spikes"));
  }

  @Test
  void zigzagOscillation() {
    double[] l = new double[10];
    for (int e = 1; e <= 10; e++) {
      l[e - 1] = e % 2 == 1 ? 1 : 2;
    }
    // epochs 6..10 hold 2,1,2,1,2 (mean 1.6) and each differs from the one before by 1
    assertEquals(1 / 1.6, CurveMetrics.of(l).oscillation(), EPS);
    // first 1, last 2: the loss rose by 100%
    assertEquals(-1.0, CurveMetrics.of(l).trend(), EPS);
  }

  @Test
  void plateauWhereTheLineFlattens() {
    // L_e = 100 - e down to 50 at epoch 50, flat after; D = 99 - 50 = 49.
    // B_e - 50 = 50 - e <= 0.49 first at e = 50.
    double[] l = new double[100];
    for (int e = 1; e <= 100; e++) {
      l[e - 1] = Math.max(100 - e, 50);
    }
    CurveMetrics m = CurveMetrics.of(l);
    assertEquals(50, m.plateauEpoch());
    assertEquals(0.0, m.lateGain(), EPS, "nothing gained in the last fifth");
    assertEquals(0.0, m.oscillation(), EPS, "flat last half");
  }

  @Test
  void spikesDoNotDelayThePlateau() {
    double[] l = new double[100];
    for (int e = 1; e <= 100; e++) {
      l[e - 1] = Math.max(100 - e, 50);
    }
    l[79] = 90; // an upward spike late: the best loss so far does not move
    assertEquals(50, CurveMetrics.of(l).plateauEpoch());
    l[79] = 49; // a new best late: improved by 1 > 0.01 * (99 - 49), plateau at epoch 80
    assertEquals(80, CurveMetrics.of(l).plateauEpoch());
  }

  @Test
  void flatCurveHasNoDropAndPlateausAtOnce() {
    double[] l = new double[20];
    Arrays.fill(l, 0.7);
    CurveMetrics m = CurveMetrics.of(l);
    assertEquals(0.0, m.trend(), EPS);
    assertEquals(1, m.plateauEpoch());
    assertTrue(Double.isNaN(m.lateGain()), "late gain of no drop is undefined");
    assertEquals(0, m.spikes());
  }

  @Test
  void oneSpikeOnAFlatCurve() {
    double[] l = new double[30];
    Arrays.fill(l, 1.0);
    l[19] = 2.0; // epoch 20: 1.0 above the median of the 10 before (MAD 0)
    assertEquals(1, CurveMetrics.of(l).spikes());
  }

  @Test
  void smallBumpsAreNotSpikes() {
    // +-1% noise with a 40% bump: above 3 MADs but below 50% of the median
    double[] l = new double[30];
    for (int i = 0; i < l.length; i++) {
      l[i] = i % 2 == 0 ? 1.01 : 0.99;
    }
    l[20] = 1.4;
    assertEquals(0, CurveMetrics.of(l).spikes());
    l[20] = 1.6; // 60% above: a spike
    assertEquals(1, CurveMetrics.of(l).spikes());
  }

  @Test
  void medianOfEvenAndOdd() {
    assertEquals(2.0, CurveMetrics.median(new double[] {3, 1, 2}), EPS);
    assertEquals(2.5, CurveMetrics.median(new double[] {4, 1, 3, 2}), EPS);
  }
}
