package dev.depthlab.plot;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Lines with a shaded band (y +- spread) around each, one colour per ordered series: the loss or
 * gradient norm per epoch of each depth, mean over seeds with their std as the band.
 */
public final class BandChart {
  private BandChart() {}

  /**
   * The chart. A band never reaches below zero when its line does not (every quantity drawn so is
   * non-negative); on a log axis it is cut at half the lowest line value, and the axis spans whole
   * decades, because XChart labels only the powers of ten.
   */
  public static XYChart draw(
      String title, String xLabel, String yLabel, List<Curve> curves, boolean logY) {
    XYChart c = ChartStyle.xy(title, xLabel, yLabel);
    c.getStyler().setYAxisLogarithmic(logY);
    ChartStyle.plainLogLabels(c, false, logY);
    double floor = logY ? Scales.positiveFloor(curves) : Scales.zeroFloor(curves);
    if (logY) {
      double[] decades = Scales.decades(curves, floor);
      if (decades != null) {
        c.getStyler().setYAxisMin(decades[0]);
        c.getStyler().setYAxisMax(decades[1]);
      }
    }
    // bands first, so every line is drawn over every band
    for (int i = 0; i < curves.size(); i++) {
      Curve cv = curves.get(i);
      Color colour = ChartStyle.ordered(i, curves.size());
      if (cv.spread() != null) {
        addBand(c, cv, ChartStyle.translucent(colour, 50), floor, logY);
      }
    }
    for (int i = 0; i < curves.size(); i++) {
      Curve cv = curves.get(i);
      Color colour = ChartStyle.ordered(i, curves.size());
      double[][] xy = Scales.finite(cv.x(), cv.y(), logY);
      if (xy[0].length == 0) {
        continue; // nothing finite to draw: the caption says which runs are missing
      }
      XYSeries s = c.addSeries(cv.label(), xy[0], xy[1]);
      s.setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
      s.setMarker(xy[0].length == 1 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
      s.setLineColor(colour);
      s.setMarkerColor(colour);
      s.setLineStyle(ChartStyle.line());
    }
    return c;
  }

  private static void addBand(XYChart c, Curve cv, Color fill, double floor, boolean logY) {
    List<Double> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    List<Double> lowX = new ArrayList<>();
    List<Double> lowY = new ArrayList<>();
    for (int k = 0; k < cv.x().length; k++) {
      double y = cv.y()[k];
      double d = cv.spread()[k];
      if (!Double.isFinite(y) || !Double.isFinite(d) || !Double.isFinite(cv.x()[k])) {
        continue;
      }
      if (logY && y <= 0) {
        continue;
      }
      xs.add(cv.x()[k]);
      ys.add(y + d);
      lowX.add(cv.x()[k]);
      lowY.add(Math.max(y - d, floor));
    }
    if (xs.size() < 2) {
      return;
    }
    // the polygon runs along the upper edge and back along the lower one
    for (int k = lowX.size() - 1; k >= 0; k--) {
      xs.add(lowX.get(k));
      ys.add(lowY.get(k));
    }
    XYSeries s = c.addSeries(cv.label() + " band", xs, ys);
    s.setXYSeriesRenderStyle(XYSeriesRenderStyle.PolygonArea);
    s.setMarker(SeriesMarkers.NONE);
    s.setFillColor(fill);
    // no outline: XChart would stroke every edge of the polygon, tripling the SVG
    s.setLineStyle(SeriesLines.NONE);
    s.setShowInLegend(false);
  }
}
