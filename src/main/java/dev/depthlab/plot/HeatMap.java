package dev.depthlab.plot;

import java.awt.Color;
import java.awt.Font;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;

/**
 * A grid of cells shaded by value on a fixed range, each cell printed with its value; a NaN value
 * leaves its cell empty (a layer a shallower network does not have).
 */
public final class HeatMap {
  private HeatMap() {}

  /** {@code values[row][column]}; rows are the y categories, columns the x categories. */
  public static HeatMapChart draw(
      String title,
      String xLabel,
      List<String> columns,
      String yLabel,
      List<String> rows,
      double[][] values,
      double min,
      double max) {
    HeatMapChart c =
        new HeatMapChartBuilder()
            .width(ChartStyle.WIDTH)
            .height(ChartStyle.HEIGHT)
            .title(title)
            .xAxisTitle(xLabel)
            .yAxisTitle(yLabel)
            .build();
    ChartStyle.apply(c.getStyler());
    c.getStyler()
        .setRangeColors(new Color[] {new Color(0xf7, 0xfb, 0xff), new Color(0x08, 0x30, 0x6b)});
    c.getStyler().setMin(min);
    c.getStyler().setMax(max);
    c.getStyler().setShowValue(true);
    c.getStyler().setHeatMapValueDecimalPattern("0.00");
    c.getStyler().setValueFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    c.getStyler().setValueFontColor(new Color(0xc0, 0x39, 0x2b));
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
    return c;
  }
}
