package dev.depthlab.report;

import dev.depthlab.common.MeanStd;
import dev.depthlab.common.Parallel;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.plot.BandChart;
import dev.depthlab.plot.ChartStyle;
import dev.depthlab.plot.Curve;
import dev.depthlab.plot.ErrorBarChart;
import dev.depthlab.plot.Figure;
import dev.depthlab.plot.FigureFiles;
import dev.depthlab.plot.HeatMap;
import dev.depthlab.sweep.Grid;
import dev.depthlab.train.RunSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * The figures of a study folder, drawn from its run files into {@code <study>/figures/}: per data
 * set, loss and gradient norm per epoch, accuracy and gradient statistics against depth, the
 * per-layer gradient profile and dead units. Means and spreads are over the {@code ok} runs only;
 * every caption says how many runs of how many that is and names the others. Names and meanings:
 * docs/report.md, "Figures".
 */
public final class StudyFigures {
  public static final String DIR = "figures";

  private StudyFigures() {}

  /** Draws every figure of the study; returns them in the order a page shows them. */
  public static List<Figure> draw(Path studyDir, StudyConfig cfg, List<RunRecord> runs) {
    List<Figure> figures = new ArrayList<>();
    for (List<Figure> set : Parallel.map(perSet(studyDir, cfg, runs), Parallel.cores())) {
      figures.addAll(set);
    }
    return figures;
  }

  /**
   * The drawing of each data set's figures as a task of its own (they share nothing), in the order
   * a page shows them.
   */
  static List<Callable<List<Figure>>> perSet(Path studyDir, StudyConfig cfg, List<RunRecord> runs) {
    Path out = studyDir.resolve(DIR);
    Map<String, List<RunSpec>> plannedBySet = new LinkedHashMap<>();
    for (RunSpec s : Grid.runs(cfg)) {
      plannedBySet.computeIfAbsent(s.dataset().label(), k -> new ArrayList<>()).add(s);
    }
    List<Callable<List<Figure>>> tasks = new ArrayList<>();
    plannedBySet.forEach(
        (set, planned) -> {
          List<RunRecord> mine = runs.stream().filter(r -> r.dataset().equals(set)).toList();
          tasks.add(() -> drawSet(out, set, planned, mine, cfg));
        });
    return tasks;
  }

  private static List<Figure> drawSet(
      Path out, String set, List<RunSpec> planned, List<RunRecord> runs, StudyConfig cfg) {
    FigureCoverage cov = FigureCoverage.of(planned, runs);
    List<Integer> depths =
        new ArrayList<>(new TreeSet<>(planned.stream().map(RunSpec::depth).toList()));
    if (depths.stream().allMatch(d -> cov.okAt(d).isEmpty())) {
      return List.of(); // nothing of this data set finished ok (yet): nothing to draw
    }
    String n = " " + cov.sentence();
    String band = "Line: mean over seeds; band: +- one std over seeds.";
    List<Figure> f = new ArrayList<>();

    List<Curve> loss = perEpoch(cov, depths, r -> r.curves().batchLoss());
    f.add(
        write(
            out,
            epochChart("Training loss per epoch, " + set, "mean batch loss (BCE)", loss, false),
            new Figure(
                "loss-" + set,
                "Training loss per epoch (" + set + ")",
                "Mean batch loss of each epoch, one line per depth. " + band + n)));
    f.add(
        write(
            out,
            epochChart(
                "Training loss per epoch, log scale, " + set,
                "mean batch loss (BCE), log",
                loss,
                true),
            new Figure(
                "loss-log-" + set,
                "Training loss per epoch, log y (" + set + ")",
                "As loss-"
                    + set
                    + " on a log y axis: late-training gains and plateaus. "
                    + band
                    + n)));
    f.add(
        write(
            out,
            epochChart(
                "Gradient norm per epoch, " + set,
                "mean weight-gradient L2 norm, log",
                perEpoch(cov, depths, RunRecord::epochGradNorm),
                true),
            new Figure(
                "gradnorm-" + set,
                "Gradient norm per epoch (" + set + ")",
                "Per-epoch mean of the global weight-gradient L2 norm (biases excluded), one line per"
                    + " depth. "
                    + band
                    + n)));
    f.add(
        write(
            out,
            ErrorBarChart.draw(
                "Gradient-norm mean against depth, " + set,
                "depth (hidden layers)",
                "gradient-norm mean over epochs",
                List.of(perDepth(cov, depths, "gradient-norm mean", RunRecord::gradNormMean))),
            new Figure(
                "gradnorm-vs-depth-" + set,
                "Gradient-norm mean against depth (" + set + ")",
                "Each run's mean of its per-epoch gradient norm over its statistics window; points:"
                    + " mean over seeds, bars: +- one std over seeds. Its coefficient of variation"
                    + " has a chart of its own (gradnorm-cv-vs-depth), not a second axis here."
                    + n)));
    f.add(
        write(
            out,
            ErrorBarChart.draw(
                "Gradient-norm CV against depth, " + set,
                "depth (hidden layers)",
                "CV over epochs (std / mean)",
                List.of(perDepth(cov, depths, "gradient-norm CV", RunRecord::gradNormCv))),
            new Figure(
                "gradnorm-cv-vs-depth-" + set,
                "Gradient-norm CV against depth (" + set + ")",
                "Each run's coefficient of variation (std / mean) of its per-epoch gradient norm"
                    + " over its statistics window; points: mean over seeds, bars: +- one std over"
                    + " seeds."
                    + n)));
    f.add(
        write(
            out,
            accuracyChart(
                "Accuracy against depth, " + set,
                List.of(
                    perDepth(cov, depths, "train", RunRecord::trainAcc),
                    perDepth(cov, depths, "test", RunRecord::testAcc))),
            new Figure(
                "accuracy-vs-depth-" + set,
                "Train and test accuracy against depth (" + set + ")",
                "Accuracy after the last epoch (threshold 0.5); points: mean over seeds, bars: +- one"
                    + " std over seeds. "
                    + ACCURACY_AXIS
                    + n)));
    XYChart perLayer =
        BandChart.draw(
            "Gradient norm per layer, " + set,
            "weight layer (1 = first hidden, last = output)",
            "time-averaged layer gradient L2 norm, log",
            perLayer(cov, depths),
            true);
    ChartStyle.integerXTicks(perLayer);
    f.add(
        write(
            out,
            perLayer,
            new Figure(
                "gradnorm-per-layer-" + set,
                "Per-layer gradient-norm profile (" + set + ")",
                "Each weight layer's gradient norm averaged over every epoch, one line per depth:"
                    + " a line falling towards layer 1 shows vanishing gradients, rising shows"
                    + " exploding ones. "
                    + band
                    + n)));
    if (depths.get(depths.size() - 1) > 0) {
      // a study of depth 0 alone (logistic regression) has no hidden layer to map
      f.add(writeHeatmap(out, set, cov, depths, n));
    }
    f.add(
        write(
            out,
            epochChart(
                "Dead units per epoch, " + set,
                "dead fraction (mean over hidden layers)",
                perEpoch(cov, depths, StudyFigures::meanDead),
                false),
            new Figure(
                "dead-units-" + set,
                "Dead-unit fraction over epochs (" + set + ")",
                "Fraction of hidden units inactive on every training sample, averaged over the hidden"
                    + " layers, one line per depth; drawn at each diagnostic epoch. "
                    + band
                    + n)));
    if (cfg.diagnostics().sharpness().on()) {
      f.add(SharpnessFigure.write(out, set, cov, depths, cfg.training().lr(), band + n));
    }
    return f;
  }

  private static Figure writeHeatmap(
      Path out, String set, FigureCoverage cov, List<Integer> depths, String n) {
    int maxDepth = depths.get(depths.size() - 1);
    List<String> cols = new ArrayList<>();
    for (int h = 1; h <= maxDepth; h++) {
      cols.add(String.valueOf(h));
    }
    List<String> rows = new ArrayList<>();
    double[][] v = new double[depths.size()][maxDepth];
    for (int i = 0; i < depths.size(); i++) {
      int d = depths.get(i);
      rows.add(String.valueOf(d));
      List<RunRecord> at = cov.okAt(d);
      for (int h = 0; h < maxDepth; h++) {
        final int layer = h;
        v[i][h] =
            h < d
                ? MeanStd.ofFinite(
                        at,
                        r -> layer < r.deadFraction().length ? r.deadFraction()[layer] : Double.NaN)
                    .mean()
                : Double.NaN;
      }
    }
    return write(
        out,
        HeatMap.draw(
            "Dead-unit fraction after the last epoch, " + set,
            "hidden layer",
            cols,
            "depth (hidden layers)",
            rows,
            v,
            0,
            HeatMap.fittedMax(max(v), 1),
            "dead fraction"),
        new Figure(
            "dead-units-heatmap-" + set,
            "Dead-unit fraction by depth and layer (" + set + ")",
            "Fraction of each hidden layer's units inactive on every training sample after the last"
                + " epoch, mean over seeds; empty cells: layers that depth does not have; the"
                + " colour scale runs from 0 to a round number at or above the largest value."
                + n));
  }

  /** The rule of every accuracy-against-depth axis, as its caption states it. */
  static final String ACCURACY_AXIS =
      "The y axis runs from 0.5 (chance on two balanced classes) to 1, lower only when a bar"
          + " reaches below 0.5, so a gap of a few points looks as small as it is; the statistics"
          + " figures (interval-, paired-) show the differences with their intervals.";

  /** Accuracy against depth on the fixed axis of {@link #ACCURACY_AXIS}. */
  static XYChart accuracyChart(String title, List<Curve> curves) {
    XYChart c =
        ErrorBarChart.draw(
            title, "depth (hidden layers)", "accuracy after the last epoch (fraction)", curves);
    double lo = 0.5;
    for (Curve cv : curves) {
      for (int k = 0; k < cv.y().length; k++) {
        double s = cv.spread() == null || !Double.isFinite(cv.spread()[k]) ? 0 : cv.spread()[k];
        if (Double.isFinite(cv.y()[k])) {
          lo = Math.min(lo, Math.floor((cv.y()[k] - s) * 10) / 10);
        }
      }
    }
    c.getStyler().setYAxisMin(Math.max(0, lo));
    c.getStyler().setYAxisMax(1.0);
    return c;
  }

  private static double max(double[][] v) {
    double m = Double.NEGATIVE_INFINITY;
    for (double[] row : v) {
      for (double x : row) {
        if (Double.isFinite(x)) {
          m = Math.max(m, x);
        }
      }
    }
    return m;
  }

  /** A curve per depth of {@code series} per epoch: mean and std over the depth's ok runs. */
  static List<Curve> perEpoch(
      FigureCoverage cov, List<Integer> depths, Function<RunRecord, double[]> series) {
    List<Curve> curves = new ArrayList<>();
    for (int d : depths) {
      List<double[]> ys = cov.okAt(d).stream().map(series).toList();
      int epochs = ys.stream().mapToInt(y -> y.length).max().orElse(0);
      double[] x = new double[epochs];
      double[] mean = new double[epochs];
      double[] std = new double[epochs];
      for (int e = 0; e < epochs; e++) {
        double[] at = new double[ys.size()];
        for (int k = 0; k < at.length; k++) {
          at[k] = e < ys.get(k).length ? ys.get(k)[e] : Double.NaN;
        }
        MeanStd m = MeanStd.ofFinite(at);
        x[e] = e + 1;
        mean[e] = m.mean();
        std[e] = m.std();
      }
      curves.add(new Curve(label(d, ys.size()), x, mean, std));
    }
    return curves;
  }

  /** One curve against depth of a per-run number: mean and std over each depth's ok runs. */
  private static Curve perDepth(
      FigureCoverage cov,
      List<Integer> depths,
      String label,
      java.util.function.ToDoubleFunction<RunRecord> value) {
    double[] x = new double[depths.size()];
    double[] mean = new double[depths.size()];
    double[] std = new double[depths.size()];
    for (int i = 0; i < x.length; i++) {
      MeanStd m = MeanStd.ofFinite(cov.okAt(depths.get(i)), value);
      x[i] = depths.get(i);
      mean[i] = m.mean();
      std[i] = m.std();
    }
    return new Curve(label, x, mean, std);
  }

  /** A curve per depth: each weight layer's gradient norm averaged over epochs, over seeds. */
  private static List<Curve> perLayer(FigureCoverage cov, List<Integer> depths) {
    List<Curve> curves = new ArrayList<>();
    for (int d : depths) {
      List<RunRecord> at = cov.okAt(d);
      double[] x = new double[d + 1];
      double[] mean = new double[d + 1];
      double[] std = new double[d + 1];
      for (int l = 0; l <= d; l++) {
        final int layer = l;
        MeanStd m =
            MeanStd.ofFinite(
                at,
                r ->
                    layer < r.curves().layerGradNorm().length
                        ? MeanStd.ofFinite(r.curves().layerGradNorm()[layer]).mean()
                        : Double.NaN);
        x[l] = l + 1;
        mean[l] = m.mean();
        std[l] = m.std();
      }
      curves.add(new Curve(label(d, at.size()), x, mean, std));
    }
    return curves;
  }

  /**
   * A run's dead fraction per epoch, averaged over its hidden layers (NaN off diagnostic epochs).
   */
  private static double[] meanDead(RunRecord r) {
    double[][] dead = r.curves().deadFraction();
    int epochs = r.curves().batchLoss().length;
    double[] out = new double[epochs];
    for (int e = 0; e < epochs; e++) {
      double[] at = new double[dead.length];
      for (int h = 0; h < dead.length; h++) {
        at[h] = e < dead[h].length ? dead[h][e] : Double.NaN;
      }
      out[e] = MeanStd.ofFinite(at).mean();
    }
    return out;
  }

  private static String label(int depth, int runs) {
    return "depth " + depth + " (" + runs + (runs == 1 ? " run)" : " runs)");
  }

  /** A per-epoch band chart; the axis starts at 0 and its ticks fall on round epochs. */
  static XYChart epochChart(String title, String yLabel, List<Curve> curves, boolean logY) {
    XYChart c = BandChart.draw(title, "epoch", yLabel, curves, logY);
    c.getStyler().setXAxisMin(0.0);
    ChartStyle.roundXTicks(c);
    return c;
  }

  static Figure write(Path out, Chart<?, ?> chart, Figure figure) {
    if (chart instanceof XYChart xy && xy.getSeriesMap().isEmpty()) {
      // XChart cannot lay out an empty chart; an explicit "nothing" entry keeps the figure
      xy.addSeries("no ok runs to draw", new double[] {0}, new double[] {1});
    }
    return FigureFiles.write(chart, out, figure);
  }
}
