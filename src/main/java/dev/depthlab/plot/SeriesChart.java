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
 * Plain line charts of series against a step or an epoch at any size (a GIF frame is small), in the
 * house style ({@link ChartStyle}) with round x ticks and no markers; points that are not numbers
 * are left out, so a column with gaps (epochs without a diagnostic pass) still draws.
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
    ChartStyle.apply(c.getStyler());
    c.getStyler().setPlotBorderVisible(true);
    c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
    c.getStyler().setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    c.getStyler().setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    c.getStyler().setPlotGridLinesColor(new Color(225, 225, 225));
    ChartStyle.roundXTicks(c);
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

  /** True when the series span more than two decades ({@link Scales#spansDecades}). */
  public static boolean spansDecades(double[]... series) {
    List<Curve> curves = new ArrayList<>();
    for (double[] y : series) {
      curves.add(new Curve("", y, y, null));
    }
    return Scales.spansDecades(curves);
  }
}
