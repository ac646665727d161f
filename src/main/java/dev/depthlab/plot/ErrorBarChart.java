package dev.depthlab.plot;

import java.awt.Color;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Points joined by lines with a vertical error bar (+- spread) at each, one colour per series:
 * accuracy or gradient statistics against depth, mean +- std over seeds. A second set of series may
 * go on a right-hand axis of its own (a quantity of another unit or scale).
 */
public final class ErrorBarChart {
  private ErrorBarChart() {}

  /** The chart of {@code left} on the left axis, {@code right} (may be empty) on the right. */
  public static XYChart draw(
      String title,
      String xLabel,
      String leftLabel,
      List<Curve> left,
      String rightLabel,
      List<Curve> right) {
    XYChart c = ChartStyle.xy(title, xLabel, leftLabel);
    c.getStyler().setErrorBarsColorSeriesColor(true);
    ChartStyle.integerXTicks(c);
    int colour = 0;
    for (Curve cv : left) {
      add(c, cv, ChartStyle.category(colour++), 0);
    }
    if (!right.isEmpty()) {
      c.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
      c.setYAxisGroupTitle(1, rightLabel);
      for (Curve cv : right) {
        add(c, cv, ChartStyle.category(colour++), 1);
      }
    }
    return c;
  }

  private static void add(XYChart c, Curve cv, Color colour, int axis) {
    int n = 0;
    for (int k = 0; k < cv.y().length; k++) {
      if (Double.isFinite(cv.y()[k])) {
        n++;
      }
    }
    double[] x = new double[n];
    double[] y = new double[n];
    double[] e = new double[n];
    int j = 0;
    for (int k = 0; k < cv.y().length; k++) {
      if (Double.isFinite(cv.y()[k])) {
        x[j] = cv.x()[k];
        y[j] = cv.y()[k];
        double s = cv.spread() == null ? 0 : cv.spread()[k];
        e[j] = Double.isFinite(s) ? s : 0;
        j++;
      }
    }
    if (n == 0) {
      return; // no finite point: the caption names the missing runs
    }
    XYSeries s = c.addSeries(cv.label(), x, y, e);
    s.setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
    s.setMarker(SeriesMarkers.CIRCLE);
    s.setLineColor(colour);
    s.setMarkerColor(colour);
    s.setLineStyle(ChartStyle.line());
    s.setYAxisGroup(axis);
  }
}
