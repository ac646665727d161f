package dev.depthlab.plot;

import java.awt.Color;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Measured points joined by lines, one distinct colour per unordered series (a backend and
 * precision), on linear or log axes; a log axis spans whole decades so XChart labels it.
 */
public final class LineChart {
  private LineChart() {}

  /** The chart of {@code curves} (their spread is ignored). */
  public static XYChart draw(
      String title, String xLabel, String yLabel, List<Curve> curves, boolean logX, boolean logY) {
    XYChart c = ChartStyle.xy(title, xLabel, yLabel);
    c.getStyler().setXAxisLogarithmic(logX);
    c.getStyler().setYAxisLogarithmic(logY);
    ChartStyle.plainLogLabels(c, logX, logY);
    double xMin = Double.POSITIVE_INFINITY;
    double xMax = 0;
    for (int i = 0; i < curves.size(); i++) {
      Curve cv = curves.get(i);
      double[][] xy = Scales.finite(cv.x(), cv.y(), logY);
      if (xy[0].length == 0) {
        continue;
      }
      for (double x : xy[0]) {
        xMin = Math.min(xMin, x);
        xMax = Math.max(xMax, x);
      }
      Color colour = ChartStyle.category(i);
      XYSeries s = c.addSeries(cv.label(), xy[0], xy[1]);
      s.setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
      s.setMarker(SeriesMarkers.CIRCLE);
      s.setLineColor(colour);
      s.setMarkerColor(colour);
      s.setLineStyle(ChartStyle.line());
    }
    if (logY) {
      double[] d = Scales.decades(curves, Scales.positiveFloor(curves));
      if (d != null) {
        c.getStyler().setYAxisMin(d[0]);
        c.getStyler().setYAxisMax(d[1]);
      }
    }
    if (logX && xMax > 0) {
      c.getStyler().setXAxisMin(Math.pow(10, Math.floor(Math.log10(xMin))));
      c.getStyler().setXAxisMax(Math.max(Math.pow(10, Math.ceil(Math.log10(xMax))), xMin * 10));
    }
    return c;
  }
}
