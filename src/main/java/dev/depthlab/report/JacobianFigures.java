package dev.depthlab.report;

import dev.depthlab.config.StudyConfig;
import dev.depthlab.data.DatasetSpec;
import dev.depthlab.plot.Curve;
import dev.depthlab.plot.Figure;
import dev.depthlab.plot.FigureFiles;
import dev.depthlab.plot.LineChart;
import dev.depthlab.plot.TheoryChart;
import dev.depthlab.sweep.Grid;
import dev.depthlab.train.JacobianCsv;
import dev.depthlab.train.JacobianSnapshot;
import dev.depthlab.train.RunSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.knowm.xchart.XYChart;

/**
 * Histograms of the hidden stack's Jacobian singular values (dynamical isometry): the report's
 * {@code jacobian-spectrum-<set>} from the runs' jacobian.csv (initialisation dashed against the
 * last snapshot, a line per depth, pooled over seeds and probe points), and {@code
 * signal-jacobian-<set>} of {@code depthlab signal} (at initialisation). One binning for both:
 * half-decades of log10 s from 10^{@value #LO} to 10^{@value #HI}, plus a tail bin at each end (a
 * zero singular value falls in the lower one).
 */
public final class JacobianFigures {
  public static final double LO = -4.0;
  public static final double HI = 2.0;
  public static final double STEP = 0.5;

  /** Bins: the lower tail, the half-decades, the upper tail. */
  public static final int BINS = (int) Math.round((HI - LO) / STEP) + 2;

  private JacobianFigures() {}

  /** 0: below 10^LO (and 0); then the half-decades; last: 10^HI and above. */
  public static int bin(double s) {
    double e = Math.log10(s);
    if (!(e >= LO)) {
      return 0;
    }
    if (e >= HI) {
      return BINS - 1;
    }
    return 1 + (int) Math.floor((e - LO) / STEP);
  }

  /** Where a bin is drawn: its centre in log10; the tails half a step beyond the range. */
  static double[] centres() {
    double[] c = new double[BINS];
    for (int b = 0; b < BINS; b++) {
      c[b] = LO + (b - 0.5) * STEP;
    }
    return c;
  }

  /** The fraction of {@code values} in each bin (zeros when there are none). */
  static double[] histogram(List<Double> values) {
    double[] h = new double[BINS];
    for (double s : values) {
      h[bin(s)]++;
    }
    for (int b = 0; b < BINS; b++) {
      h[b] = values.isEmpty() ? 0 : h[b] / values.size();
    }
    return h;
  }

  /** One task per data set when the study recorded spectra ({@code diagnostics.jacobian}). */
  static List<Callable<Figure>> perSet(Path studyDir, StudyConfig cfg, List<RunRecord> runs) {
    List<Callable<Figure>> out = new ArrayList<>();
    if (!cfg.diagnostics().jacobian().on()) {
      return out;
    }
    for (DatasetSpec set : cfg.data().sets()) {
      List<RunSpec> planned =
          Grid.runs(cfg).stream().filter(r -> r.dataset().label().equals(set.label())).toList();
      out.add(() -> drawSet(studyDir, set.label(), planned, runs));
    }
    return out;
  }

  private static Figure drawSet(
      Path studyDir, String set, List<RunSpec> planned, List<RunRecord> runs) {
    FigureCoverage cov =
        FigureCoverage.of(planned, runs.stream().filter(r -> r.dataset().equals(set)).toList());
    Map<Integer, List<Double>> init = new TreeMap<>();
    Map<Integer, List<Double>> last = new TreeMap<>();
    Map<Integer, Integer> lastEpoch = new TreeMap<>();
    int used = 0;
    for (RunRecord r : runs) {
      if (!r.dataset().equals(set) || !r.ok()) {
        continue;
      }
      List<JacobianSnapshot> snaps =
          JacobianCsv.read(BoundaryFigures.runDir(studyDir, set, r.depth(), r.seed()));
      if (snaps.isEmpty()) {
        continue;
      }
      used++;
      pool(init.computeIfAbsent(r.depth(), d -> new ArrayList<>()), snaps.get(0));
      JacobianSnapshot end = snaps.get(snaps.size() - 1);
      pool(last.computeIfAbsent(r.depth(), d -> new ArrayList<>()), end);
      lastEpoch.merge(r.depth(), end.epoch(), Math::max);
    }
    double[] x = centres();
    List<Curve> measured = new ArrayList<>();
    List<Curve> dashed = new ArrayList<>();
    init.forEach(
        (depth, values) -> {
          measured.add(
              new Curve(
                  "depth " + depth + " (epoch " + lastEpoch.get(depth) + ")",
                  x,
                  histogram(last.get(depth)),
                  null));
          dashed.add(new Curve("depth " + depth + " init", x, histogram(values), null));
        });
    Figure f =
        new Figure(
            "jacobian-spectrum-" + SignalFigures.stem(set),
            "Jacobian spectra at initialisation and after training, " + set,
            "Histogram of log10 of the singular values of the hidden stack's input-output Jacobian"
                + " d a_L / d a_1 (diagnostics.jacobian, jacobian.csv), pooled over the ok runs'"
                + " seeds and probe points: a line per depth after the last snapshot, dashed at"
                + " initialisation. Half-decade bins; the end points are the tails below 1e-4"
                + " (ReLU's exact zeros fall there) and from 1e2. A narrow peak at 0 is dynamical"
                + " isometry. "
                + used
                + " runs have a jacobian.csv (networks of one hidden layer have none). "
                + cov.sentence());
    XYChart c =
        TheoryChart.draw(
            set + ": Jacobian singular values",
            "log10 singular value",
            "fraction of singular values",
            measured,
            dashed,
            "at initialisation",
            false);
    wholeDecades(c);
    return FigureFiles.write(c, studyDir.resolve(ReportHtml.FIGURES_DIR), f);
  }

  /** The x axis from a decade below the lower tail to one above the upper: ticks on decades. */
  private static void wholeDecades(XYChart c) {
    c.getStyler().setXAxisMin(Math.floor(LO - STEP));
    c.getStyler().setXAxisMax(Math.ceil(HI + STEP));
  }

  private static void pool(List<Double> into, JacobianSnapshot s) {
    for (double[] probe : s.sv()) {
      for (double v : probe) {
        into.add(v);
      }
    }
  }

  /**
   * {@code signal-jacobian-<set>}: the histogram at initialisation per depth ({@code hist} by
   * depth, in {@link #bin}'s bins), over {@code draws} draws at each draw's first training point.
   */
  public static Figure drawSignal(Path dir, String set, Map<Integer, double[]> hist, int draws) {
    double[] x = centres();
    List<Curve> curves = new ArrayList<>();
    hist.forEach((depth, h) -> curves.add(new Curve("depth " + depth, x, h, null)));
    Figure f =
        new Figure(
            "signal-jacobian-" + SignalFigures.stem(set),
            "Jacobian spectra at initialisation, " + set,
            "Histogram of log10 of the singular values of the hidden stack's input-output Jacobian"
                + " d a_L / d a_1 at initialisation (signal_jacobian_hist.csv), over "
                + draws
                + " draws at each draw's first training point, a line per depth. Half-decade bins;"
                + " the end points are the tails below 1e-4 (exact zeros included) and from 1e2.");
    XYChart c =
        LineChart.draw(
            set + ": Jacobian singular values at initialisation (" + draws + " draws)",
            "log10 singular value",
            "fraction of singular values",
            curves,
            false,
            false);
    wholeDecades(c);
    return FigureFiles.write(c, dir, f);
  }
}
