package dev.depthlab.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.depthlab.common.UserError;
import dev.depthlab.config.ConfigLoader;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.data.DatasetSpec;
import dev.depthlab.plot.ChartStyle;
import dev.depthlab.plot.Figure;
import dev.depthlab.plot.FigureFiles;
import dev.depthlab.plot.MapGrid;
import dev.depthlab.plot.PaintedFigure;
import dev.depthlab.plot.ProbabilityMap;
import dev.depthlab.plot.SeriesChart;
import dev.depthlab.train.RunFolder;
import dev.depthlab.train.RunSchema;
import java.awt.BasicStroke;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.XYChart;

/**
 * One run's pictures, from its folder alone, into {@code <run>/figures/}: loss and accuracy per
 * epoch; with steps.csv, loss and batch accuracy per step; with step_weights.csv, the traced
 * layer's parameters per step (nn_scratch's weight-evolution plot); with boundary.csv, the final
 * decision boundary; unit deaths against loss spikes ({@link DeathSpikes}); and the two animations
 * ({@link RunAnimations}).
 */
public final class RunFigures {
  static final int WIDTH = 800;
  static final int HEIGHT = 500;

  private RunFigures() {}

  /** Draws every figure the run's files allow; returns them in drawing order. */
  public static List<Figure> draw(Path runDir) {
    return draw(runDir, studyConfig(runDir));
  }

  /**
   * As {@link #draw(Path)}, with the run's config known ({@code depthlab train}): the test points
   * over the boundary are drawn again from it and the seed; null: boundaries without points.
   */
  public static List<Figure> draw(Path runDir, StudyConfig cfg) {
    ProbabilityMap.Points points = testPoints(runDir, cfg);
    Path out = runDir.resolve("figures");
    String name = runName(runDir);
    List<Figure> figs = new ArrayList<>();
    CsvColumns epochs = CsvColumns.read(runDir.resolve(RunFolder.EPOCHS_CSV));
    double[] e = epochs.get(RunSchema.Epochs.EPOCH.key());
    figs.add(lossPerEpoch(out, name, epochs, e));
    figs.add(accuracyPerEpoch(out, name, epochs, e));
    Path steps = runDir.resolve(RunFolder.STEPS_CSV);
    if (Files.isRegularFile(steps)) {
      CsvColumns s = CsvColumns.read(steps);
      double[] k = stepIndex(s.rows());
      figs.add(
          steps(
              out,
              new Figure(
                  "step-loss",
                  "Loss per step: " + name,
                  "Each SGD step's batch loss (mean binary cross-entropy over the batch, before the"
                      + " step's update) against the step number over the whole run."),
              k,
              s.get(RunSchema.Steps.LOSS.key()),
              "batch loss (BCE)"));
      figs.add(
          steps(
              out,
              new Figure(
                  "step-accuracy",
                  "Batch accuracy per step: " + name,
                  "Each SGD step's accuracy on its own batch (threshold 0.5), before the step's"
                      + " update, against the step number over the whole run."),
              k,
              s.get(RunSchema.Steps.ACCURACY.key()),
              "batch accuracy (fraction)"));
    }
    Path weights = runDir.resolve(RunFolder.STEP_WEIGHTS_CSV);
    if (Files.isRegularFile(weights)) {
      figs.add(weights(out, name, weights));
    }
    List<BoundaryCsv.Snapshot> snaps = BoundaryCsv.read(runDir);
    if (!snaps.isEmpty()) {
      BoundaryCsv.Snapshot last = snaps.get(snaps.size() - 1);
      Figure fig =
          new Figure(
              "boundary",
              "Decision boundary: " + name,
              "Predicted probability of class 1 after epoch "
                  + last.epoch()
                  + " (blue 0, white 0.5, red 1; black line p = 0.5) over the input square, with"
                  + " the test set coloured by label.");
      figs.add(
          PaintedFigure.write(
              RunAnimations.boundaryPainter(fig.title(), last, points),
              MapGrid.width(1),
              MapGrid.height(1),
              out,
              fig));
    }
    figs.add(DeathSpikes.drawRun(out, name, runDir));
    RunAnimations.write(runDir, name, points);
    return figs;
  }

  private static Figure lossPerEpoch(Path out, String name, CsvColumns c, double[] e) {
    double[] batch = c.get(RunSchema.Epochs.BATCH_LOSS.key());
    double[] train = c.get(RunSchema.Epochs.TRAIN_LOSS.key());
    double[] test = c.get(RunSchema.Epochs.TEST_LOSS.key());
    XYChart chart = SeriesChart.of("Loss per epoch: " + name, "epoch", "loss (BCE)", WIDTH, HEIGHT);
    boolean log = SeriesChart.spansDecades(batch, train, test);
    chart.getStyler().setYAxisLogarithmic(log);
    SeriesChart.line(chart, "mean batch loss", e, batch);
    SeriesChart.line(chart, "train loss", e, train);
    SeriesChart.line(chart, "test loss", e, test);
    return FigureFiles.write(
        chart,
        out,
        new Figure(
            "loss",
            chart.getTitle(),
            "Mean batch loss of each epoch (during training) and the loss on the full train and"
                + " test sets after it (epochs with a diagnostic pass)"
                + (log ? "; log scale: the values span more than two decades." : ".")));
  }

  private static Figure accuracyPerEpoch(Path out, String name, CsvColumns c, double[] e) {
    XYChart chart =
        SeriesChart.of(
            "Accuracy per epoch: " + name, "epoch", "accuracy (fraction)", WIDTH, HEIGHT);
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
    SeriesChart.line(chart, "train accuracy", e, c.get(RunSchema.Epochs.TRAIN_ACC.key()));
    SeriesChart.line(chart, "test accuracy", e, c.get(RunSchema.Epochs.TEST_ACC.key()));
    return FigureFiles.write(
        chart,
        out,
        new Figure(
            "accuracy",
            chart.getTitle(),
            "Accuracy (threshold 0.5) on the full train and test sets after each epoch with a"
                + " diagnostic pass."));
  }

  private static Figure steps(Path out, Figure fig, double[] k, double[] y, String yTitle) {
    XYChart chart =
        SeriesChart.of(fig.title(), "step (SGD updates since the start)", yTitle, WIDTH, HEIGHT);
    chart.getStyler().setLegendVisible(false);
    SeriesChart.line(chart, yTitle, k, y);
    return FigureFiles.write(chart, out, fig);
  }

  /** One line per parameter of the traced layer (w[row,col], then b[col]) against the step. */
  private static Figure weights(Path out, String name, Path file) {
    XYChart chart = weightsChart(name, file);
    int layer = (int) CsvColumns.read(file).get("layer")[0];
    return FigureFiles.write(
        chart,
        out,
        new Figure(
            "weights",
            chart.getTitle(),
            "Every weight w[input unit, unit] and bias b[unit] of weight layer "
                + layer
                + " against the step (step 0: the initial values), from step_weights.csv: the"
                + " nn_scratch weight-evolution plot. One colour per unit; solid, dashed,"
                + " dash-dot... for its weights from input 0, 1, 2..., dotted for its bias. Flat"
                + " lines are parameters that stopped moving."));
  }

  /** Dash patterns of a unit's weights from input 0, 1, 2, ... (solid first). */
  private static final float[][] DASHES = {
    null, {8, 5}, {10, 4, 2, 4}, {3, 3}, {14, 4, 2, 4, 2, 4}
  };

  /**
   * The weight-evolution chart of step_weights.csv: every parameter of the traced layer against the
   * step, the lines of unit k in colour k (a palette of distinct colours, not XChart's cycle) and
   * told apart within the unit by their dash: solid, dashed, dash-dot... for the weights from input
   * 0, 1, 2..., dotted and thin for the bias.
   */
  static XYChart weightsChart(String name, Path file) {
    CsvColumns c = CsvColumns.read(file);
    double[] step = c.get("step");
    double[] row = c.get("row");
    double[] col = c.get("col");
    double[] value = c.get("value");
    List<String> raw = readParamColumn(file);
    int layer = (int) c.get("layer")[0];
    Map<String, List<double[]>> lines = new LinkedHashMap<>();
    Map<String, int[]> unitAndInput = new LinkedHashMap<>();
    for (int i = 0; i < c.rows(); i++) {
      boolean bias = raw.get(i).equals("b");
      String key =
          bias ? "b[" + (int) col[i] + "]" : "w[" + (int) row[i] + "," + (int) col[i] + "]";
      lines.computeIfAbsent(key, x -> new ArrayList<>()).add(new double[] {step[i], value[i]});
      unitAndInput.putIfAbsent(key, new int[] {(int) col[i], bias ? -1 : (int) row[i]});
    }
    XYChart chart =
        SeriesChart.of(
            "Layer " + layer + " parameters per step: " + name,
            "step (SGD updates since the start)",
            "parameter value",
            WIDTH,
            HEIGHT);
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
    for (var entry : lines.entrySet()) {
      List<double[]> pts = entry.getValue();
      double[] x = new double[pts.size()];
      double[] y = new double[pts.size()];
      for (int i = 0; i < x.length; i++) {
        x[i] = pts.get(i)[0];
        y[i] = pts.get(i)[1];
      }
      if (SeriesChart.line(chart, entry.getKey(), x, y)) {
        int[] ui = unitAndInput.get(entry.getKey());
        var s = chart.getSeriesMap().get(entry.getKey());
        s.setLineColor(ChartStyle.category(ui[0]));
        s.setLineStyle(
            ui[1] < 0
                ? new BasicStroke(
                    1.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 1, new float[] {1, 4}, 0)
                : DASHES[ui[1] % DASHES.length] == null
                    ? ChartStyle.line()
                    : new BasicStroke(
                        2f,
                        BasicStroke.CAP_BUTT,
                        BasicStroke.JOIN_ROUND,
                        1,
                        DASHES[ui[1] % DASHES.length],
                        0));
      }
    }
    return chart;
  }

  /** The param column (w or b) of step_weights.csv: text, not a number. */
  private static List<String> readParamColumn(Path file) {
    try {
      List<String> lines = Files.readAllLines(file);
      List<String> header = List.of(lines.get(0).split(","));
      int at = header.indexOf("param");
      List<String> out = new ArrayList<>(lines.size());
      for (String line : lines.subList(1, lines.size())) {
        out.add(line.split(",")[at]);
      }
      return out;
    } catch (IOException e) {
      throw new UserError("cannot read " + file + ": " + e.getMessage(), UserError.FAILURE);
    }
  }

  /** 1, 2, ...: steps.csv numbers steps within their epoch; the run's step count is the row. */
  static double[] stepIndex(int rows) {
    double[] k = new double[rows];
    for (int i = 0; i < rows; i++) {
      k[i] = i + 1;
    }
    return k;
  }

  /** The study.yaml of the study folder around a run (runs/<set>/depth-<d>/seed-<s>), or null. */
  private static StudyConfig studyConfig(Path runDir) {
    Path abs = runDir.toAbsolutePath().normalize();
    Path study =
        abs.getNameCount() >= 4 ? abs.getParent().getParent().getParent().getParent() : null;
    Path yaml = study == null ? null : study.resolve("study.yaml");
    if (yaml == null || !Files.isRegularFile(yaml)) {
      return null;
    }
    return ConfigLoader.loadRecorded(yaml);
  }

  /** The run's test set from the config and run.json's data set and seed; none without both. */
  private static ProbabilityMap.Points testPoints(Path runDir, StudyConfig cfg) {
    if (cfg == null) {
      return ProbabilityMap.Points.NONE;
    }
    try {
      JsonNode j = new ObjectMapper().readTree(runDir.resolve(RunFolder.RUN_JSON).toFile());
      String label = j.path("dataset").asText();
      for (DatasetSpec set : cfg.data().sets()) {
        if (set.label().equals(label)) {
          return BoundaryFigures.testPoints(cfg, set, j.path("seed").asLong());
        }
      }
      return ProbabilityMap.Points.NONE;
    } catch (IOException e) {
      return ProbabilityMap.Points.NONE;
    }
  }

  /** "circle, depth 2, seed 0" from run.json; the folder name when it cannot be read. */
  static String runName(Path runDir) {
    try {
      JsonNode j = new ObjectMapper().readTree(runDir.resolve(RunFolder.RUN_JSON).toFile());
      return j.path("dataset").asText()
          + ", depth "
          + j.path("depth").asInt()
          + ", seed "
          + j.path("seed").asLong();
    } catch (IOException e) {
      return runDir.getFileName().toString();
    }
  }
}
