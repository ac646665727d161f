package dev.depthlab.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Measured lines against a theory's predictions: ordered series (depths) in the viridis scale, each
 * measured line solid with markers and its prediction dashed in the same colour; one grey legend
 * entry names the dashes.
 */
public final class TheoryChart {
  private TheoryChart() {}

  /** The chart of {@code measured.get(i)} beside {@code theory.get(i)}, x in whole numbers. */
  public static XYChart draw(
      String title,
      String xLabel,
      String yLabel,
      List<Curve> measured,
      List<Curve> theory,
      String theoryLabel,
      boolean logY) {
    if (measured.size() != theory.size()) {
      throw new IllegalArgumentException(
          measured.size() + " measured curves, " + theory.size() + " theory curves");
    }
    XYChart c = ChartStyle.xy(title, xLabel, yLabel);
    c.getStyler().setYAxisLogarithmic(logY);
    ChartStyle.plainLogLabels(c, false, logY);
    ChartStyle.integerXTicks(c);
    int n = measured.size();
    for (int i = 0; i < n; i++) {
      Color colour = ChartStyle.ordered(i, n);
      add(c, measured.get(i), colour, false, logY, true);
      add(c, theory.get(i), colour, true, logY, false);
    }
    XYSeries key = c.addSeries(theoryLabel, new double[] {1}, new double[] {Double.NaN});
    key.setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
    key.setMarker(SeriesMarkers.NONE);
    key.setLineColor(Color.GRAY);
    key.setLineStyle(dashed());
    if (logY) {
      List<Curve> all = new java.util.ArrayList<>(measured);
      all.addAll(theory);
      double[] d = Scales.decades(all, Scales.positiveFloor(all));
      if (d != null) {
        c.getStyler().setYAxisMin(d[0]);
        c.getStyler().setYAxisMax(d[1]);
      }
    } else {
      // variances are never negative; from 0, Monte Carlo wobble does not read as a trend
      c.getStyler().setYAxisMin(0.0);
    }
    return c;
  }

  private static void add(
      XYChart c, Curve cv, Color colour, boolean dashedLine, boolean logY, boolean legend) {
    double[][] xy = Scales.finite(cv.x(), cv.y(), logY);
    if (xy[0].length == 0) {
      return;
    }
    XYSeries s = c.addSeries(cv.label(), xy[0], xy[1]);
    s.setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
    s.setMarker(dashedLine ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
    s.setLineColor(colour);
    s.setMarkerColor(colour);
    s.setLineStyle(dashedLine ? dashed() : ChartStyle.line());
    s.setShowInLegend(legend);
  }

  private static BasicStroke dashed() {
    return new BasicStroke(
        2.0f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {7f, 5f}, 0f);
  }
}
