package dev.depthlab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The trend sentences state the numbers they are given, and the direction they really have. */
class ObservationsTest {
  private static final List<Integer> DEPTHS = List.of(1, 2, 4);

  @Test
  void rising() {
    assertEquals(
        "X rises with every added depth, from 0.10 at depth 1 to 0.30 at depth 4",
        Observations.trend("X", DEPTHS, new double[] {0.1, 0.2, 0.3}, "%.2f"));
  }

  @Test
  void notMonotonic() {
    assertEquals(
        "X goes from 0.10 at depth 1 to 0.20 at depth 4, not monotonically: highest"
            + " 0.30 at depth 2, lowest 0.10 at depth 1",
        Observations.trend("X", DEPTHS, new double[] {0.1, 0.3, 0.2}, "%.2f"));
  }

  @Test
  void flatAtThePrintedPrecision() {
    assertEquals(
        "X is 0.10 at every depth",
        Observations.trend("X", DEPTHS, new double[] {0.1, 0.1001, 0.0999}, "%.2f"));
  }

  @Test
  void levelStepsAreNotCalledNonMonotonic() {
    assertEquals(
        "X never rises with added depth (some steps level), from 0.30 at depth 1 to 0.10 at"
            + " depth 8",
        Observations.trend("X", List.of(1, 2, 4, 8), new double[] {0.3, 0.2, 0.2, 0.1}, "%.2f"));
  }

  @Test
  void tiedExtremesNameEveryDepth() {
    assertEquals(
        "X goes from 0.20 at depth 1 to 0.10 at depth 8, not monotonically: highest 0.30 at"
            + " depth 2, lowest 0.10 at depths 4 and 8",
        Observations.trend("X", List.of(1, 2, 4, 8), new double[] {0.2, 0.3, 0.1, 0.1}, "%.2f"));
  }
}
