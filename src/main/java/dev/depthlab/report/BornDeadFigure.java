package dev.depthlab.report;

import dev.depthlab.plot.Curve;
import dev.depthlab.plot.Figure;
import dev.depthlab.plot.FigureFiles;
import dev.depthlab.plot.TheoryChart;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code born-dead-<set>} of {@code depthlab signal --born-dead}: the fraction of networks born
 * with a dead hidden layer against depth, a line per width, the one-point closed form dashed.
 */
public final class BornDeadFigure {
  private BornDeadFigure() {}

  /** One width's line: at {@code depths}, the measured fractions and the closed form. */
  public record Line(int width, double[] depths, double[] measured, double[] theory) {}

  /** Draws the figure of data set {@code set} into {@code dir}; lines by width, in order. */
  public static Figure draw(Path dir, String set, List<Line> lines, int draws) {
    List<Curve> m = new ArrayList<>();
    List<Curve> t = new ArrayList<>();
    for (Line l : lines) {
      m.add(new Curve("width " + l.width(), l.depths(), l.measured(), null));
      t.add(new Curve("width " + l.width() + " one point", l.depths(), l.theory(), null));
    }
    Figure f =
        new Figure(
            "born-dead-" + SignalFigures.stem(set),
            "Networks born with a dead layer, " + set,
            "Fraction of "
                + draws
                + " initialisations (each a run seed's weights and training set) with a hidden"
                + " layer whose units are all inactive (ReLU/LeakyReLU: pre-activation <= 0) on"
                + " every point of the training set, against depth, a line per width; dashed: 1 - (1 - 2^-N)^L,"
                + " the probability of such a layer at a single point (an upper bound on the"
                + " whole set; born_dead.csv also holds the one-point fraction measured). "
                + "Lu et al. (2019): at fixed width, every ReLU network dies as depth grows.");
    return FigureFiles.write(
        TheoryChart.draw(
            set + ": born dead (" + draws + " draws)",
            "depth (hidden layers)",
            "fraction born dead",
            m,
            t,
            "one point: 1 - (1 - 2^-N)^L",
            false),
        dir,
        f);
  }

  /** Groups {@code (width -> depth -> [measured, theory])} into lines, widths in map order. */
  public static List<Line> lines(Map<Integer, Map<Integer, double[]>> byWidth) {
    List<Line> out = new ArrayList<>();
    byWidth.forEach(
        (w, byDepth) -> {
          double[] d = new double[byDepth.size()];
          double[] m = new double[d.length];
          double[] t = new double[d.length];
          int k = 0;
          for (var e : byDepth.entrySet()) {
            d[k] = e.getKey();
            m[k] = e.getValue()[0];
            t[k] = e.getValue()[1];
            k++;
          }
          out.add(new Line(w, d, m, t));
        });
    return out;
  }
}
