package dev.depthlab.common;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Mean and population std against values worked by hand, and the two policies for non-finite. */
class MeanStdTest {
  /** The textbook series: mean 5, squared deviations 9+1+1+1+0+0+4+16 = 32, population std 2. */
  private static final double[] TEXTBOOK = {2, 4, 4, 4, 5, 5, 7, 9};

  @Test
  void populationStdDividesByN() {
    MeanStd s = MeanStd.of(TEXTBOOK);
    assertAll(
        () -> assertEquals(5.0, s.mean()),
        () -> assertEquals(2.0, s.std()),
        () -> assertEquals(8, s.n()));
    // sample std (n - 1) would be sqrt(32 / 7) = 2.138...: make sure that is not what we compute
    MeanStd two = MeanStd.of(new double[] {1, 3});
    assertEquals(1.0, two.std(), "mean 2, deviations 1 and 1: sqrt(2 / 2)");
  }

  @Test
  void ofPropagatesNonFiniteValues() {
    MeanStd nan = MeanStd.of(new double[] {1, Double.NaN, 3});
    assertTrue(Double.isNaN(nan.mean()) && Double.isNaN(nan.std()), nan.toString());
    assertEquals(3, nan.n());
    MeanStd inf = MeanStd.of(new double[] {1, Double.POSITIVE_INFINITY});
    assertEquals(Double.POSITIVE_INFINITY, inf.mean());
    assertTrue(Double.isNaN(inf.std()), "inf - inf: " + inf);
  }

  @Test
  void ofFiniteSkipsNonFiniteValues() {
    double[] v = {2, Double.NaN, 4, 4, Double.POSITIVE_INFINITY, 4, 5, 5, Double.NEGATIVE_INFINITY};
    double[] rest = {7, 9};
    double[] all = new double[v.length + rest.length];
    System.arraycopy(v, 0, all, 0, v.length);
    System.arraycopy(rest, 0, all, v.length, rest.length);
    MeanStd s = MeanStd.ofFinite(all);
    assertAll(
        () -> assertEquals(5.0, s.mean()),
        () -> assertEquals(2.0, s.std()),
        () -> assertEquals(8, s.n(), "three non-finite values left out"));
  }

  @Test
  void ofFiniteOverItemsReadsEachItemsValue() {
    record Run(String name, double acc) {}
    List<Run> runs = List.of(new Run("a", 0.5), new Run("b", Double.NaN), new Run("c", 1.0));
    MeanStd s = MeanStd.ofFinite(runs, Run::acc);
    assertAll(
        () -> assertEquals(0.75, s.mean()),
        () -> assertEquals(0.25, s.std()),
        () -> assertEquals(2, s.n()));
  }

  @Test
  void emptyOrAllNonFiniteIsNaNWithNoValues() {
    for (MeanStd s :
        List.of(
            MeanStd.of(new double[0]),
            MeanStd.ofFinite(new double[0]),
            MeanStd.ofFinite(new double[] {Double.NaN, Double.NEGATIVE_INFINITY}))) {
      assertTrue(Double.isNaN(s.mean()) && Double.isNaN(s.std()) && s.n() == 0, s.toString());
    }
  }

  /**
   * The summation order is part of the contract (committed results depend on its bits): a plain
   * left-to-right sum. Over 1, 1e17, -1e17, 1, 1 (1e17's neighbours are 16 apart, so a 1 or 2 added
   * to it is lost) left to right gives 2, right to left 1, an exact sum 3.
   */
  @Test
  void sumsLeftToRight() {
    double[] v = {1, 1e17, -1e17, 1, 1};
    assertEquals(1.0, (((1 + 1) + -1e17) + 1e17) + 1, "right to left, to check the arithmetic");
    assertEquals(2.0 / 5, MeanStd.of(v).mean());
    assertEquals(2.0 / 5, MeanStd.ofFinite(v).mean());
  }
}
