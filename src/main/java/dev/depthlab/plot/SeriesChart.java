package dev.depthlab.plot;

import java.awt.Color;
import java.awt.Font;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Plain line charts of series against a step or an epoch, in one house style (white, fonts a
 * printed page can read, no markers); points that are not numbers are left out, so a column with
 * gaps (epochs without a diagnostic pass) still draws.
 */
public final class SeriesChart {
  private SeriesChart() {}

  /** An empty chart with its title and axis titles (units in the titles). */
  public static XYChart of(String title, String xTitle, String yTitle, int width, int height) {
    XYChart c =
        new XYChartBuilder()
            .width(width)
            .height(height)
            .title(title)
            .xAxisTitle(xTitle)
            .yAxisTitle(yTitle)
            .build();
    Styler s = c.getStyler();
    s.setChartBackgroundColor(Color.WHITE);
    s.setPlotBackgroundColor(Color.WHITE);
    s.setPlotBorderVisible(true);
    s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    s.setLegendPosition(Styler.LegendPosition.InsideNE);
    c.getStyler().setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    c.getStyler().setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    c.getStyler().setPlotGridLinesColor(new Color(225, 225, 225));
    // wide tick spacing: at XChart's default, 4-digit epoch labels run into each other
    c.getStyler().setXAxisTickMarkSpacingHint(110);
    return c;
  }

  /** Adds {@code y} against {@code x} without its non-finite points; false when none is left. */
  public static boolean line(XYChart chart, String name, double[] x, double[] y) {
    List<Double> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    boolean log = chart.getStyler().isYAxisLogarithmic();
    for (int i = 0; i < Math.min(x.length, y.length); i++) {
      if (Double.isFinite(x[i]) && Double.isFinite(y[i]) && (!log || y[i] > 0)) {
        xs.add(x[i]);
        ys.add(y[i]);
      }
    }
    if (xs.isEmpty()) {
      return false;
    }
    XYSeries s = chart.addSeries(name, xs, ys);
    s.setMarker(SeriesMarkers.NONE);
    return true;
  }

  /**
   * True when the positive values of the series span more than two decades: a log axis then shows
   * the late part of a loss curve that a linear axis flattens into the floor.
   */
  public static boolean spansDecades(double[]... series) {
    double min = Double.POSITIVE_INFINITY;
    double max = 0;
    for (double[] s : series) {
      for (double v : s) {
        if (Double.isFinite(v) && v > 0) {
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
      }
    }
    return max > 0 && max / min > 100;
  }
}
