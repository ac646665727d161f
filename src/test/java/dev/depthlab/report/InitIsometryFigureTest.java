package dev.depthlab.report;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

/**
 * {@code signal-isometry-<set>} draws each init's medians as given, a point whose value cannot sit
 * on a log axis (a smallest singular value lost to rounding: 0, its ratio infinite) left out.
 */
class InitIsometryFigureTest {
  @Test
  void seriesAreTheMediansWithLostPointsLeftOut() {
    double[] depths = {2, 8, 32};
    InitIsometryFigure.Line g =
        new InitIsometryFigure.Line(
            "gaussian",
            depths,
            new double[] {1.8, 2.5, 1.4},
            new double[] {0.016, 7e-9, 0.0},
            new double[] {110, 2.9e8, Double.POSITIVE_INFINITY});
    InitIsometryFigure.Line o =
        new InitIsometryFigure.Line(
            "orthogonal",
            depths,
            new double[] {1.05, 1.07, 0.91},
            new double[] {0.44, 0.094, 0.0026},
            new double[] {2.4, 11, 341});
    XYChart c = InitIsometryFigure.chart("circle", List.of(g, o), 30);
    Map<String, XYSeries> s = c.getSeriesMap();
    assertAll(
        () -> assertArrayEquals(depths, s.get("gaussian: median s_max").getXData()),
        () -> assertArrayEquals(g.svMax(), s.get("gaussian: median s_max").getYData()),
        () -> assertArrayEquals(new double[] {2, 8}, s.get("gaussian: median s_min").getXData()),
        () ->
            assertArrayEquals(
                new double[] {0.016, 7e-9}, s.get("gaussian: median s_min").getYData()),
        () ->
            assertArrayEquals(
                new double[] {110, 2.9e8}, s.get("gaussian: median max/min").getYData()),
        () -> assertArrayEquals(o.svMin(), s.get("orthogonal: median s_min").getYData()),
        () -> assertArrayEquals(o.ratio(), s.get("orthogonal: median max/min").getYData()),
        () -> assertNull(s.get("gaussian: sv max"), "labels are init: quantity"));
  }
}
