package dev.depthlab.train;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Gradient statistics over a window of epochs, by hand on small series. */
class GradNormStatsTest {
  private static final double[] G = {10, 1, 2, 3, 6};

  @Test
  void theWindowIsOneBasedAndInclusive() {
    GradNormStats s = GradNormStats.over(G, 2, 4); // epochs 2..4: 1, 2, 3
    assertAll(
        () -> assertEquals(2.0, s.mean()),
        () -> assertEquals(Math.sqrt(2.0 / 3.0), s.std(), 1e-15),
        () -> assertEquals(Math.sqrt(2.0 / 3.0) / 2.0, s.cv(), 1e-15),
        () -> assertEquals(2, s.fromEpoch()),
        () -> assertEquals(4, s.toEpoch()));
  }

  @Test
  void everyEpochIsTheWholeSeries() {
    GradNormStats s = GradNormStats.over(G, 1, 5); // 10, 1, 2, 3, 6: mean 4.4
    assertEquals(4.4, s.mean(), 1e-15);
    assertEquals(Math.sqrt((31.36 + 11.56 + 5.76 + 1.96 + 2.56) / 5), s.std(), 1e-14);
  }

  @Test
  void aWindowOutsideTheRunIsNaN() {
    for (int[] w : new int[][] {{0, 3}, {3, 2}, {4, 6}}) {
      GradNormStats s = GradNormStats.over(G, w[0], w[1]);
      assertTrue(
          Double.isNaN(s.mean()) && Double.isNaN(s.std()) && Double.isNaN(s.cv()),
          w[0] + "-" + w[1]);
    }
  }

  @Test
  void aZeroMeanHasNoCv() {
    assertTrue(Double.isNaN(GradNormStats.over(new double[] {0, 0}, 1, 2).cv()));
  }
}
