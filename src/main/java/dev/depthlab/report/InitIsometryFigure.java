package dev.depthlab.report;

import dev.depthlab.plot.ChartStyle;
import dev.depthlab.plot.Curve;
import dev.depthlab.plot.Figure;
import dev.depthlab.plot.FigureFiles;
import dev.depthlab.plot.Scales;
import java.awt.BasicStroke;
import java.awt.Color;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * {@code signal-isometry-<set>} of {@code depthlab signal --gaussian-vs-orthogonal}: against depth,
 * the median over draws of the hidden-stack Jacobian's largest and smallest singular values and
 * their ratio, Gaussian init solid and orthogonal init dashed, a colour per quantity, log scale.
 */
public final class InitIsometryFigure {
  private InitIsometryFigure() {}

  /** One init's medians at {@code depths}. */
  public record Line(
      String init, double[] depths, double[] svMax, double[] svMin, double[] ratio) {}

  /** The legend entry of {@code quantity} under {@code init}. */
  static String label(String init, String quantity) {
    return init + ": " + quantity;
  }

  static final List<String> QUANTITIES = List.of("median s_max", "median s_min", "median max/min");

  /** The chart; the first line is drawn solid, every later one dashed. */
  static XYChart chart(String set, List<Line> lines, int draws) {
    XYChart c =
        ChartStyle.xy(
            set + ": Jacobian spectrum at initialisation by init (" + draws + " draws)",
            "depth (hidden layers)",
            "median over draws: singular value or ratio");
    c.getStyler().setYAxisLogarithmic(true);
    ChartStyle.integerXTicks(c);
    List<Curve> all = new ArrayList<>();
    for (int k = 0; k < lines.size(); k++) {
      Line l = lines.get(k);
      double[][] ys = {l.svMax(), l.svMin(), l.ratio()};
      for (int q = 0; q < ys.length; q++) {
        Curve cv = new Curve(label(l.init(), QUANTITIES.get(q)), l.depths(), ys[q], null);
        all.add(cv);
        double[][] xy = Scales.finite(cv.x(), cv.y(), true);
        if (xy[0].length == 0) {
          continue; // every draw lost its smallest singular value to rounding: nothing to draw
        }
        Color colour = ChartStyle.category(q);
        XYSeries s = c.addSeries(cv.label(), xy[0], xy[1]);
        s.setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
        s.setMarker(k == 0 ? SeriesMarkers.CIRCLE : SeriesMarkers.SQUARE);
        s.setLineColor(colour);
        s.setMarkerColor(colour);
        s.setLineStyle(k == 0 ? ChartStyle.line() : dashed());
      }
    }
    double[] d = Scales.decades(all, Scales.positiveFloor(all));
    if (d != null) {
      c.getStyler().setYAxisMin(d[0]);
      c.getStyler().setYAxisMax(d[1]);
      // plain labels read 1e-7 as 0: below 1e-6 XChart's 1E-7 form stays
      ChartStyle.plainLogLabels(c, false, d[0] >= 1e-6);
    }
    return c;
  }

  /** Draws the figure of data set {@code set} into {@code dir}. */
  public static Figure draw(Path dir, String set, List<Line> lines, int draws) {
    List<String> inits = lines.stream().map(Line::init).toList();
    Figure f =
        new Figure(
            "signal-isometry-" + SignalFigures.stem(set),
            "Jacobian spectra by init, " + set,
            "Median over "
                + draws
                + " draws (the same run seeds for each init) of the largest and smallest singular"
                + " value of the hidden stack's input-output Jacobian d a_L / d a_1 at each draw's"
                + " first training point, and of their ratio, against depth; "
                + String.join(" solid, ", inits)
                + " dashed (model.init, the same sigma_w and sigma_b). Quartiles:"
                + " signal_jacobian_inits.csv. Dynamical isometry (Pennington et al. 2017) is a"
                + " ratio near 1; a smallest value lost to rounding (below about 1e-8 of the"
                + " largest) leaves a gap in its line.");
    return FigureFiles.write(chart(set, lines, draws), dir, f);
  }

  private static BasicStroke dashed() {
    return new BasicStroke(
        2.0f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {7f, 5f}, 0f);
  }
}
