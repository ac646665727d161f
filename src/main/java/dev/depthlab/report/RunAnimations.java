package dev.depthlab.report;

import dev.depthlab.plot.AnimatedGif;
import dev.depthlab.plot.MapGrid;
import dev.depthlab.plot.PaintedFigure;
import dev.depthlab.plot.ProbabilityMap;
import dev.depthlab.plot.SeriesChart;
import dev.depthlab.train.RunFolder;
import dev.depthlab.train.RunSchema;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;

/**
 * A run's two animated GIFs in {@code <run>/figures/}: boundary.gif (the decision boundary at each
 * snapshot of boundary.csv) and training.gif (loss and accuracy curves drawing themselves, as
 * nn_scratch's training_animation.gif: per step when steps.csv exists, else per epoch).
 */
public final class RunAnimations {
  public static final String BOUNDARY_GIF = "boundary.gif";
  public static final String TRAINING_GIF = "training.gif";

  /** Longer runs are sampled evenly (the last frame always kept): a GIF stays small and quick. */
  static final int MAX_FRAMES = 120;

  private RunAnimations() {}

  /** Writes the GIFs the run's files allow ({@code name} in their titles); returns their paths. */
  public static List<Path> write(Path runDir, String name, ProbabilityMap.Points points) {
    Path out = runDir.resolve("figures");
    List<Path> written = new ArrayList<>();
    List<BoundaryCsv.Snapshot> snaps = BoundaryCsv.read(runDir);
    if (!snaps.isEmpty()) {
      List<BufferedImage> frames = new ArrayList<>();
      boolean atChance = snaps.stream().allMatch(s -> oneClass(s.grid()));
      String title =
          "Decision boundary: "
              + name
              + (atChance ? " (stayed at chance: one class everywhere)" : "");
      for (int i : frameIndices(snaps.size())) {
        BoundaryCsv.Snapshot s = snaps.get(i);
        frames.add(
            PaintedFigure.image(
                boundaryPainter(title, s, points), MapGrid.width(1), MapGrid.height(1)));
      }
      Path gif = out.resolve(BOUNDARY_GIF);
      AnimatedGif.write(frames, 250, 2000, gif);
      written.add(gif);
    }
    Path gif = out.resolve(TRAINING_GIF);
    AnimatedGif.write(trainingFrames(runDir, name), 125, 2000, gif);
    written.add(gif);
    return written;
  }

  /** One snapshot as a single labelled panel, the epoch in its column label. */
  static PaintedFigure.Painter boundaryPainter(
      String title, BoundaryCsv.Snapshot s, ProbabilityMap.Points points) {
    MapGrid.Panel[][] panel = {{MapGrid.Panel.of(s.grid(), points)}};
    String when =
        (s.epoch() == 0 ? "before training" : "after epoch " + s.epoch())
            + (oneClass(s.grid()) ? ": one class everywhere" : "");
    return MapGrid.painter(title, List.of(""), List.of(when), panel, "x1", "x2");
  }

  /**
   * Whether the network predicts one class over the whole square (every grid value on one side of
   * 0.5): a classifier at chance, whose boundary frames all look alike, so the frame says so.
   */
  static boolean oneClass(ProbabilityMap.Grid grid) {
    boolean below = false;
    boolean above = false;
    for (double p : grid.p()) {
      below |= p < 0.5;
      above |= p >= 0.5;
    }
    return !(below && above);
  }

  /** training.gif's frames: few enough for a small file and a loop of about six seconds. */
  static final int TRAINING_FRAMES = 48;

  /**
   * The last point each training.gif frame draws up to: {@code TRAINING_FRAMES} (or n - 1) of them
   * evenly spread, the first at least at point 1, so the first frame shows a line (a frame of one
   * point drew empty axes), the last at n - 1.
   */
  static List<Integer> trainingEnds(int n) {
    List<Integer> ends = new ArrayList<>();
    if (n < 2) {
      ends.add(Math.max(0, n - 1));
      return ends;
    }
    int f = Math.min(TRAINING_FRAMES, n - 1);
    for (int k = 1; k <= f; k++) {
      ends.add((int) Math.round((double) k * (n - 1) / f));
    }
    return ends;
  }

  /** Indices 0..n-1, or MAX_FRAMES of them evenly spread, first and last included. */
  static List<Integer> frameIndices(int n) {
    List<Integer> idx = new ArrayList<>();
    if (n <= MAX_FRAMES) {
      for (int i = 0; i < n; i++) {
        idx.add(i);
      }
      return idx;
    }
    for (int f = 0; f < MAX_FRAMES; f++) {
      idx.add((int) Math.round((double) f * (n - 1) / (MAX_FRAMES - 1)));
    }
    return idx;
  }

  /** Frame f shows the curves up to its point, on axes fixed to the whole run. */
  private static List<BufferedImage> trainingFrames(Path runDir, String name) {
    Path stepsCsv = runDir.resolve(RunFolder.STEPS_CSV);
    double[] x;
    double[] loss;
    double[] acc;
    String xTitle;
    String accName;
    if (Files.isRegularFile(stepsCsv)) {
      CsvColumns s = CsvColumns.read(stepsCsv);
      x = RunFigures.stepIndex(s.rows());
      loss = s.get(RunSchema.Steps.LOSS.key());
      acc = s.get(RunSchema.Steps.ACCURACY.key());
      xTitle = "step";
      accName = "batch accuracy";
    } else {
      CsvColumns e = CsvColumns.read(runDir.resolve(RunFolder.EPOCHS_CSV));
      x = e.get(RunSchema.Epochs.EPOCH.key());
      loss = e.get(RunSchema.Epochs.BATCH_LOSS.key());
      acc = e.get(RunSchema.Epochs.TRAIN_ACC.key());
      xTitle = "epoch";
      accName = "train accuracy";
    }
    // as the loss figure: a log axis when the loss spans decades, else the late curve is flat
    boolean logLoss = SeriesChart.spansDecades(loss);
    Range lossRange = logLoss ? Range.ofLog(loss) : Range.of(loss);
    Range accRange = Range.of(acc);
    List<BufferedImage> frames = new ArrayList<>();
    for (int end : trainingEnds(x.length)) {
      int n = end + 1;
      XYChart l = SeriesChart.of("Loss: " + name, xTitle, "batch loss (BCE)", 400, 290);
      XYChart a = SeriesChart.of("Accuracy: " + name, xTitle, accName + " (fraction)", 400, 290);
      for (XYChart c : List.of(l, a)) {
        c.getStyler().setLegendVisible(false);
        c.getStyler().setXAxisMin(x[0]);
        c.getStyler().setXAxisMax(x[x.length - 1] > x[0] ? x[x.length - 1] : x[0] + 1);
      }
      l.getStyler().setYAxisLogarithmic(logLoss);
      lossRange.apply(l);
      accRange.apply(a);
      SeriesChart.line(l, "loss", prefix(x, n), prefix(loss, n));
      SeriesChart.line(a, "accuracy", prefix(x, n), prefix(acc, n));
      BufferedImage left = BitmapEncoder.getBufferedImage(l);
      BufferedImage right = BitmapEncoder.getBufferedImage(a);
      BufferedImage frame =
          new BufferedImage(
              left.getWidth() + right.getWidth(), left.getHeight(), BufferedImage.TYPE_INT_RGB);
      Graphics2D g = frame.createGraphics();
      g.drawImage(left, 0, 0, null);
      g.drawImage(right, left.getWidth(), 0, null);
      g.dispose();
      frames.add(frame);
    }
    return frames;
  }

  private static double[] prefix(double[] v, int n) {
    return java.util.Arrays.copyOf(v, n);
  }

  /** A fixed y range over a whole series, with a margin, so the axes do not jump between frames. */
  private record Range(double lo, double hi) {
    static Range of(double[] v) {
      double lo = Double.POSITIVE_INFINITY;
      double hi = Double.NEGATIVE_INFINITY;
      for (double d : v) {
        if (Double.isFinite(d)) {
          lo = Math.min(lo, d);
          hi = Math.max(hi, d);
        }
      }
      if (!(lo <= hi)) {
        return new Range(0, 1);
      }
      double pad = Math.max((hi - lo) * 0.05, 1e-3);
      return new Range(lo - pad, hi + pad);
    }

    /** The positive values' range widened by a factor each way, for a log axis. */
    static Range ofLog(double[] v) {
      double lo = Double.POSITIVE_INFINITY;
      double hi = 0;
      for (double d : v) {
        if (Double.isFinite(d) && d > 0) {
          lo = Math.min(lo, d);
          hi = Math.max(hi, d);
        }
      }
      return hi > 0 ? new Range(lo / 1.3, hi * 1.3) : new Range(1e-3, 1);
    }

    void apply(XYChart c) {
      c.getStyler().setYAxisMin(lo);
      c.getStyler().setYAxisMax(hi);
    }
  }
}
