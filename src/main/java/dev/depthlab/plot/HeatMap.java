package dev.depthlab.plot;

import java.awt.Color;
import java.awt.Font;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;

/**
 * A grid of cells shaded by value on a given range, each cell printed with its value, the colour
 * bar labelled with what the colour means; a NaN value leaves its cell empty (a layer a shallower
 * network does not have). The shades run from white to a middle blue and the printed values are
 * near-black, so a value reads on every shade ({@link #LOW}, {@link #HIGH}, {@link #TEXT}: the
 * contrast is checked by a test, at least 4.5:1 as WCAG asks of body text).
 */
public final class HeatMap {
  /** The colour of the range's low end, its high end, and of the printed values. */
  public static final Color LOW = new Color(0xf7, 0xfb, 0xff);

  public static final Color HIGH = new Color(0x42, 0x92, 0xc6);
  public static final Color TEXT = new Color(0x11, 0x11, 0x11);

  private HeatMap() {}

  /**
   * The top of a colour scale fitted to values whose largest is {@code max}: the smallest of 1, 2,
   * 2.5, 5 times a power of ten at or above it, and no more than {@code cap}; {@code cap} when
   * nothing is above zero. So dead fractions of at most 0.16 shade on 0 to 0.2, not 0 to 1.
   */
  public static double fittedMax(double max, double cap) {
    if (!(max > 0)) {
      return cap;
    }
    double p = Math.pow(10, Math.floor(Math.log10(max)));
    for (double m : new double[] {1, 2, 2.5, 5, 10}) {
      // a tolerance of a part in 1e9: 0.2 computed as 2 * 0.1 must stay 0.2
      if (m * p >= max * (1 - 1e-9)) {
        return Math.min(cap, m * p);
      }
    }
    return cap;
  }

  /** {@code values[row][column]}; rows are the y categories, columns the x categories. */
  public static HeatMapChart draw(
      String title,
      String xLabel,
      List<String> columns,
      String yLabel,
      List<String> rows,
      double[][] values,
      double min,
      double max,
      String valueLabel) {
    HeatMapChart c =
        new HeatMapChartBuilder()
            .width(ChartStyle.WIDTH)
            .height(ChartStyle.HEIGHT)
            .title(title)
            .xAxisTitle(xLabel)
            .yAxisTitle(yLabel)
            .build();
    ChartStyle.apply(c.getStyler());
    c.getStyler().setRangeColors(new Color[] {LOW, HIGH});
    c.getStyler().setMin(min);
    c.getStyler().setMax(max);
    c.getStyler().setShowValue(true);
    c.getStyler().setHeatMapValueDecimalPattern("0.00");
    c.getStyler().setValueFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    c.getStyler().setValueFontColor(TEXT);
    c.getStyler().setPlotContentSize(0.95);
    List<Number[]> cells = new ArrayList<>();
    for (int r = 0; r < rows.size(); r++) {
      for (int k = 0; k < columns.size(); k++) {
        double v = values[r][k];
        if (Double.isFinite(v)) {
          cells.add(new Number[] {k, r, v});
        }
      }
    }
    c.addSeries("value", columns, rows, cells);
    // the colour bar's label, above it: XChart draws the bar (about 250 px tall, centred on the
    // chart's height, its centre 45 px from the right edge) without a title; y counts from the
    // bottom in screen space
    c.addAnnotation(
        new AnnotationText(valueLabel, ChartStyle.WIDTH - 45, ChartStyle.HEIGHT / 2.0 + 145, true));
    return c;
  }
}
