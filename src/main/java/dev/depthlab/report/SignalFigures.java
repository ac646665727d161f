package dev.depthlab.report;

import dev.depthlab.plot.Curve;
import dev.depthlab.plot.Figure;
import dev.depthlab.plot.FigureFiles;
import dev.depthlab.plot.Scales;
import dev.depthlab.plot.TheoryChart;
import dev.depthlab.report.SignalCsv.Row;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The figures of a signal-propagation analysis, per data set {@code signal-forward-<data set>} and
 * {@code signal-backward-<data set>} (PNG and SVG): mean square against hidden layer, one line per
 * depth, the mean-field prediction dashed. Drawn from the analysis' files ({@link SignalCsv}).
 */
public final class SignalFigures {
  private SignalFigures() {}

  /** Draws every figure of {@code a} into {@code dir}; returns them in page order. */
  public static List<Figure> draw(Path dir, SignalCsv.Analysis a) {
    Map<String, List<Row>> byDataset = new LinkedHashMap<>();
    for (Row r : a.rows()) {
      byDataset.computeIfAbsent(r.dataset(), k -> new ArrayList<>()).add(r);
    }
    List<Figure> figures = new ArrayList<>();
    byDataset.forEach(
        (ds, rows) -> {
          figures.add(
              figure(
                  dir,
                  ds,
                  rows,
                  "forward",
                  "pre-activations",
                  Row::forward,
                  Row::forwardTheory,
                  a.batch()));
          figures.add(
              figure(
                  dir,
                  ds,
                  rows,
                  "backward",
                  "gradients dL/dz",
                  Row::backward,
                  Row::backwardTheory,
                  a.batch()));
        });
    return figures;
  }

  private static Figure figure(
      Path dir,
      String dataset,
      List<Row> rows,
      String direction,
      String what,
      ToDoubleFunction<Row> measured,
      ToDoubleFunction<Row> theory,
      int batch) {
    Map<Integer, List<Row>> byDepth = new LinkedHashMap<>();
    for (Row r : rows) {
      byDepth.computeIfAbsent(r.depth(), k -> new ArrayList<>()).add(r);
    }
    List<Curve> m = new ArrayList<>();
    List<Curve> t = new ArrayList<>();
    byDepth.forEach(
        (depth, rs) -> {
          double[] x = new double[rs.size()];
          double[] ym = new double[rs.size()];
          double[] yt = new double[rs.size()];
          for (int k = 0; k < rs.size(); k++) {
            x[k] = rs.get(k).layer();
            ym[k] = measured.applyAsDouble(rs.get(k));
            yt[k] = theory.applyAsDouble(rs.get(k));
          }
          m.add(new Curve("depth " + depth, x, ym, null));
          t.add(new Curve("depth " + depth + " theory", x, yt, null));
        });
    List<Curve> all = new ArrayList<>(m);
    all.addAll(t);
    boolean logY = Scales.spansDecades(all);
    int draws = rows.get(0).draws();
    Figure f =
        new Figure(
            "signal-" + direction + "-" + stem(dataset),
            "Signal propagation at initialisation: " + what + ", " + dataset,
            "Mean square of the hidden "
                + what
                + " over units and the first "
                + batch
                + " training points, averaged over "
                + draws
                + " initialisations, against hidden layer; one line per depth, the mean-field"
                + " prediction dashed"
                + (logY ? "; log y axis." : ".")
                + " Draws of the same seed share their first layers' weights across depths (the"
                + " init stream draws layer by layer), so forward lines coincide where they"
                + " overlap."
                + (direction.equals("backward")
                    ? " The prediction starts from the measured output gradient."
                    : " The prediction starts from the measured input second moment."));
    return FigureFiles.write(
        TheoryChart.draw(
            dataset + ": " + what + " at initialisation (" + draws + " draws)",
            "hidden layer",
            "mean square of " + what,
            m,
            t,
            "mean-field theory",
            logY),
        dir,
        f);
  }

  /** A figure-name stem from a data set label ({@link Figure#stem}). */
  static String stem(String label) {
    return Figure.stem(label, "data");
  }
}
