package dev.depthlab.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The one look of every depthlab chart: size, fonts, background and the colour scale for ordered
 * series (depths), so figures of one study can be compared side by side.
 */
public final class ChartStyle {
  public static final int WIDTH = 900;
  public static final int HEIGHT = 560;

  // viridis stops: ordered, colour-blind safe and still ordered when printed in grey
  private static final Color[] VIRIDIS = {
    new Color(0x44, 0x01, 0x54),
    new Color(0x3b, 0x52, 0x8b),
    new Color(0x21, 0x90, 0x8d),
    new Color(0x5d, 0xc9, 0x63),
    new Color(0xe0, 0xc0, 0x1a)
  };

  /** Distinct colours for unordered series (backends, train vs test). */
  private static final Color[] CATEGORIES = {
    new Color(0x1f, 0x77, 0xb4),
    new Color(0xd6, 0x27, 0x28),
    new Color(0x2c, 0xa0, 0x2c),
    new Color(0xff, 0x7f, 0x0e),
    new Color(0x94, 0x67, 0xbd),
    new Color(0x8c, 0x56, 0x4b),
    new Color(0xe3, 0x77, 0xc2),
    new Color(0x7f, 0x7f, 0x7f)
  };

  private ChartStyle() {}

  /** A styled empty XY chart. */
  public static XYChart xy(String title, String xLabel, String yLabel) {
    XYChart c =
        new XYChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(title)
            .xAxisTitle(xLabel)
            .yAxisTitle(yLabel)
            .build();
    XYStyler s = c.getStyler();
    apply(s);
    s.setLegendPosition(Styler.LegendPosition.OutsideE);
    s.setMarkerSize(7);
    s.setPlotGridLinesColor(new Color(0xdd, 0xdd, 0xdd));
    s.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    s.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
    return c;
  }

  /** Labels only the whole-number ticks of the x axis (depths, layer indices are counts). */
  public static void integerXTicks(XYChart c) {
    c.getStyler()
        .setxAxisTickLabelsFormattingFunction(
            x -> x == Math.rint(x) ? String.valueOf(Math.round(x)) : "");
  }

  /**
   * Labels log axes in plain numbers (0.01, 100, 20000) instead of XChart's 1E5. A decimal pattern,
   * not a formatting function: XChart lays a formatted axis out linearly.
   */
  public static void plainLogLabels(XYChart c, boolean x, boolean y) {
    if (x) {
      c.getStyler().setXAxisDecimalPattern("#,##0.######");
    }
    if (y) {
      c.getStyler().setYAxisDecimalPattern("#,##0.######");
    }
  }

  /**
   * Makes XChart place x ticks at round values (0, 100, 200) instead of at every k-th data point:
   * it does the latter whenever the x values of all series are equally spaced (epochs 1..E), so a
   * hidden, empty series adds one x value off that spacing.
   */
  public static void roundXTicks(XYChart c) {
    XYSeries s = c.addSeries(" ", new double[] {0.5}, new double[] {Double.NaN});
    s.setMarker(SeriesMarkers.NONE);
    s.setLineStyle(SeriesLines.NONE);
    s.setShowInLegend(false);
  }

  /** Fonts and backgrounds shared by every chart type. */
  public static void apply(Styler s) {
    s.setChartBackgroundColor(Color.WHITE);
    s.setPlotBackgroundColor(Color.WHITE);
    s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    s.setLegendBorderColor(Color.LIGHT_GRAY);
    s.setChartTitleBoxVisible(false);
  }

  /** The colour of series {@code i} of {@code n} ordered ones (first dark, last light). */
  public static Color ordered(int i, int n) {
    double t = n <= 1 ? 0 : (double) i / (n - 1) * (VIRIDIS.length - 1);
    int k = Math.min((int) Math.floor(t), VIRIDIS.length - 2);
    double f = t - k;
    Color a = VIRIDIS[k];
    Color b = VIRIDIS[k + 1];
    return new Color(
        (int) Math.round(a.getRed() + f * (b.getRed() - a.getRed())),
        (int) Math.round(a.getGreen() + f * (b.getGreen() - a.getGreen())),
        (int) Math.round(a.getBlue() + f * (b.getBlue() - a.getBlue())));
  }

  /** The colour of unordered series {@code i}. */
  public static Color category(int i) {
    return CATEGORIES[i % CATEGORIES.length];
  }

  /** {@code c} with the given alpha (0..255), for shaded bands. */
  public static Color translucent(Color c, int alpha) {
    return new Color(c.getRed(), c.getGreen(), c.getBlue(), alpha);
  }

  /** The stroke of data lines. */
  public static BasicStroke line() {
    return new BasicStroke(2.0f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
  }
}
