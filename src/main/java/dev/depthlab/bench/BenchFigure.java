package dev.depthlab.bench;

import dev.depthlab.bench.StepBench.Point;
import dev.depthlab.bench.StepBench.Timing;
import dev.depthlab.plot.Curve;
import dev.depthlab.plot.Figure;
import dev.depthlab.plot.FigureFiles;
import dev.depthlab.plot.LineChart;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToIntFunction;

/**
 * The figures of a benchmark, beside its CSV: median time per step against each of width, batch,
 * depth and replicas that the grid varies (against width alone, one point a line, when it varies
 * none), so every figure but that last one draws lines, not single dots; one line per backend and
 * precision on log-log axes, so where a device line crosses below the host line is visible. The
 * other shape parameters are held at their most measured value (the largest on a tie), named in the
 * caption.
 */
public final class BenchFigure {
  private BenchFigure() {}

  /** One axis of the grid a figure can be drawn against. */
  private record Axis(String key, String label, ToIntFunction<Point> of) {}

  private static final List<Axis> AXES =
      List.of(
          new Axis("width", "hidden width (units)", Point::width),
          new Axis("batch", "batch size (samples)", Point::batch),
          new Axis("depth", "depth (hidden layers)", Point::depth),
          new Axis("replicas", "replicas per group", Point::replicas));

  /** Draws the figures of {@code timings} next to {@code csv}; none when there is no timing. */
  public static List<Figure> draw(Path csv, List<Timing> timings) {
    List<Figure> out = new ArrayList<>();
    if (timings.isEmpty()) {
      return out;
    }
    Path dir = csv.toAbsolutePath().getParent();
    String stem = stem(csv.getFileName().toString());
    for (Axis axis : AXES) {
      long distinct =
          timings.stream().mapToInt(t -> axis.of().applyAsInt(t.point())).distinct().count();
      if (distinct >= 2) {
        out.add(drawAgainst(dir, stem, axis, timings));
      }
    }
    if (out.isEmpty()) {
      // one shape measured: still a figure, its points the backends side by side
      out.add(drawAgainst(dir, stem, AXES.get(0), timings));
    }
    return out;
  }

  private static Figure drawAgainst(Path dir, String stem, Axis axis, List<Timing> timings) {
    // the other axes held at one value each, so every line is one shape family
    Map<String, Integer> held = new LinkedHashMap<>();
    for (Axis other : AXES) {
      if (other != axis) {
        held.put(other.key(), modal(timings, other.of()));
      }
    }
    Map<String, TreeMap<Integer, Double>> lines = new LinkedHashMap<>();
    for (Timing t : timings) {
      boolean keep = true;
      for (Axis other : AXES) {
        if (other != axis && other.of().applyAsInt(t.point()) != held.get(other.key())) {
          keep = false;
        }
      }
      if (keep) {
        String label = t.backend() + " " + t.point().precision().key();
        lines
            .computeIfAbsent(label, k -> new TreeMap<>())
            .put(axis.of().applyAsInt(t.point()), t.medianMicros());
      }
    }
    List<Curve> curves = new ArrayList<>();
    lines.forEach(
        (label, pts) -> {
          double[] x = pts.keySet().stream().mapToDouble(Integer::doubleValue).toArray();
          double[] y = pts.values().stream().mapToDouble(Double::doubleValue).toArray();
          curves.add(new Curve(label, x, y, null));
        });
    List<String> fixed = new ArrayList<>();
    held.forEach((k, v) -> fixed.add(k + " " + v));
    String fixedText = String.join(", ", fixed);
    Figure f =
        new Figure(
            stem + "-" + axis.key(),
            "Time per training step against " + axis.key(),
            "Median wall time of one lockstep SGD step (all replicas), one line per backend and"
                + " precision, log-log; "
                + fixedText
                + ". Where a device line falls below a host line the device wins.");
    return FigureFiles.write(
        LineChart.draw(
            "Time per step against " + axis.key() + " (" + fixedText + ")",
            axis.label(),
            "median time per step (microseconds)",
            curves,
            true,
            true),
        dir,
        f);
  }

  /** The value of {@code axis} most timings have; the largest of those on a tie. */
  private static int modal(List<Timing> timings, ToIntFunction<Point> axis) {
    Map<Integer, Integer> count = new TreeMap<>();
    for (Timing t : timings) {
      count.merge(axis.applyAsInt(t.point()), 1, Integer::sum);
    }
    int best = 0;
    int bestCount = -1;
    for (Map.Entry<Integer, Integer> e : count.entrySet()) {
      if (e.getValue() >= bestCount) {
        best = e.getKey();
        bestCount = e.getValue();
      }
    }
    return best;
  }

  /**
   * A figure stem from a CSV file name without its extension ({@link Figure#stem}), "bench" when
   * nothing is left.
   */
  static String stem(String fileName) {
    return Figure.stem(fileName.replaceFirst("\\.[^.]*$", ""), "bench");
  }
}
