package dev.depthlab.plot;

import java.awt.Color;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Points joined by lines with a vertical error bar (+- spread) at each, one colour per series:
 * accuracy or gradient statistics against depth, mean +- std over seeds. One y axis only: two
 * quantities of different scales get a chart each, since a second axis lets the reader compare
 * lines whose heights mean different things.
 */
public final class ErrorBarChart {
  private ErrorBarChart() {}

  /** The chart of {@code curves} against x. */
  public static XYChart draw(String title, String xLabel, String yLabel, List<Curve> curves) {
    XYChart c = ChartStyle.xy(title, xLabel, yLabel);
    c.getStyler().setErrorBarsColorSeriesColor(true);
    ChartStyle.integerXTicks(c);
    int colour = 0;
    for (Curve cv : curves) {
      add(c, cv, ChartStyle.category(colour++));
    }
    return c;
  }

  private static void add(XYChart c, Curve cv, Color colour) {
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
  }
}
