package dev.depthlab.plot;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

/**
 * What the chart builders set on their charts: axis ranges on whole decades for log axes, variance
 * axes from zero, one series per curve (theory dashed beside it), and heat-map cells for finite
 * values only; each against values worked out by hand.
 */
class ChartRangesTest {
  private static Curve curve(String label, double[] y, double[] spread) {
    double[] x = new double[y.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = i + 1;
    }
    return new Curve(label, x, y, spread);
  }

  @Test
  void aLogLineChartSpansWholeDecadesAndDropsWhatItCannotShow() {
    XYChart c =
        LineChart.draw(
            "t",
            "x",
            "y",
            List.of(
                curve("a", new double[] {0.03, 1, 42}, null),
                curve("b", new double[] {0, -1, 5}, null)),
            false,
            true);
    XYSeries b = c.getSeriesMap().get("b");
    assertAll(
        () -> assertEquals(0.01, c.getStyler().getYAxisMin()),
        () -> assertEquals(100.0, c.getStyler().getYAxisMax()),
        () -> assertEquals(2, c.getSeriesMap().size()),
        // 0 and -1 have no place on a log axis: only (3, 5) is drawn
        () -> assertEquals(1, b.getXData().length),
        () -> assertEquals(5.0, b.getYData()[0]));
  }

  @Test
  void aLogBandIsCutAtHalfTheLowestLine() {
    XYChart c =
        BandChart.draw(
            "t", "x", "y", List.of(curve("a", new double[] {0.5, 2}, new double[] {1, 1})), true);
    // floor 0.25 (half of 0.5), so the band's 0.5 - 1 < 0 shows from 0.25: decade 0.1; 2 + 1 -> 10
    assertAll(
        () -> assertEquals(0.1, c.getStyler().getYAxisMin()),
        () -> assertEquals(10.0, c.getStyler().getYAxisMax()));
  }

  @Test
  void aTheoryChartStartsAtZeroAndDashesItsTheory() {
    List<Curve> measured =
        List.of(
            curve("depth 1", new double[] {1.1, 0.9}, null),
            curve("depth 2", new double[] {2, 3}, null));
    List<Curve> theory =
        List.of(
            curve("depth 1 theory", new double[] {1, 1}, null),
            curve("depth 2 theory", new double[] {2, 2}, null));
    XYChart c = TheoryChart.draw("t", "layer", "q", measured, theory, "mean-field theory", false);
    assertAll(
        () -> assertEquals(0.0, c.getStyler().getYAxisMin()),
        () -> assertEquals(5, c.getSeriesMap().size(), "2 measured, 2 theory, 1 legend key"),
        () -> assertNull(c.getSeriesMap().get("depth 1").getLineStyle().getDashArray()),
        () -> assertNotNull(c.getSeriesMap().get("depth 1 theory").getLineStyle().getDashArray()),
        () ->
            assertEquals(
                c.getSeriesMap().get("depth 2").getLineColor(),
                c.getSeriesMap().get("depth 2 theory").getLineColor(),
                "a theory line takes its curve's colour"),
        () ->
            assertThrows(
                IllegalArgumentException.class,
                () ->
                    TheoryChart.draw("t", "x", "y", measured, theory.subList(0, 1), "th", false)));
  }

  @Test
  void aHeatMapLeavesNotANumberCellsEmpty() {
    double[][] v = {{0.1, Double.NaN, 0.3}, {0.4, 0.5, Double.NaN}};
    HeatMapChart c =
        HeatMap.draw("t", "lr", List.of("a", "b", "c"), "depth", List.of("1", "2"), v, 0, 1, "v");
    List<? extends Number[]> cells = c.getSeriesMap().get("value").getHeatData();
    Number[] middle = cells.get(3);
    assertAll(
        () -> assertEquals(4, cells.size()),
        // {column, row, value}: the second row's middle cell
        () -> assertEquals(0.5, middle[2].doubleValue()),
        () -> assertEquals(1, middle[0].intValue()),
        () -> assertEquals(1, middle[1].intValue()),
        () -> assertEquals(0.0, c.getStyler().getMin()),
        () -> assertEquals(1.0, c.getStyler().getMax()));
  }
}
