package dev.depthlab.plot;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The axis-range rules of {@link Scales}, each against values worked out by hand. */
class ScalesTest {
  private static Curve line(double... y) {
    double[] x = new double[y.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = i + 1;
    }
    return new Curve("c", x, y, null);
  }

  @Test
  void finiteKeepsFinitePointsAndOnLogAxesPositiveOnes() {
    double[] x = {1, 2, Double.NaN, 4, 5, 6};
    double[] y = {0.5, Double.POSITIVE_INFINITY, 3, -1, 0, 2};
    assertAll(
        () ->
            assertArrayEquals(
                new double[][] {{1, 4, 5, 6}, {0.5, -1, 0, 2}}, Scales.finite(x, y, false)),
        () -> assertArrayEquals(new double[][] {{1, 6}, {0.5, 2}}, Scales.finite(x, y, true)));
  }

  @Test
  void moreThanTwoDecadesIsALogAxis() {
    assertAll(
        () -> assertFalse(Scales.spansDecades(List.of(line(1, 100))), "exactly 100: not more"),
        () -> assertTrue(Scales.spansDecades(List.of(line(1, 100.5)))),
        () -> assertTrue(Scales.spansDecades(List.of(line(0.01), line(2))), "across curves"),
        () -> assertFalse(Scales.spansDecades(List.of(line(-5, 0, 3, Double.NaN, 30)))),
        () -> assertFalse(Scales.spansDecades(List.of(line(0, -1))), "nothing positive"));
  }

  @Test
  void floorsAreHalfTheLowestPositiveValueOrZero() {
    assertAll(
        () -> assertEquals(0.015, Scales.positiveFloor(List.of(line(0.5, 0.03), line(-2, 7)))),
        () -> assertEquals(1e-12, Scales.positiveFloor(List.of(line(0, -1, Double.NaN)))),
        () -> assertEquals(0.0, Scales.zeroFloor(List.of(line(0, 3, Double.NaN)))),
        () ->
            assertEquals(
                Double.NEGATIVE_INFINITY, Scales.zeroFloor(List.of(line(3), line(2, -0.1)))));
  }

  @Test
  void decadesEncloseLinesAndBandsWholePowersOfTen() {
    Curve banded = new Curve("b", new double[] {1, 2}, new double[] {0.5, 2}, new double[] {1, 1});
    assertAll(
        () ->
            assertArrayEquals(
                new double[] {0.01, 100}, Scales.decades(List.of(line(0.03, 42)), 1e-12)),
        // 0.5 - 1 is cut at the floor 0.25 (decade 0.1), 2 + 1 = 3 reaches decade 10
        () -> assertArrayEquals(new double[] {0.1, 10}, Scales.decades(List.of(banded), 0.25)),
        // one value on a power of ten still spans a decade
        () -> assertArrayEquals(new double[] {10, 100}, Scales.decades(List.of(line(10)), 1)),
        () -> assertNull(Scales.decades(List.of(line(0, -3)), 1)));
  }

  @Test
  void aCurveOfUnequalLengthsIsRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Curve("bad", new double[2], new double[3], null));
    assertTrue(e.getMessage().contains("'bad'"), e.getMessage());
  }
}
