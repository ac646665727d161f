package dev.depthlab.bench;

import dev.depthlab.bench.StepBench.Point;
import dev.depthlab.common.UserError;
import dev.depthlab.model.Precision;
import java.util.ArrayList;
import java.util.List;

/**
 * The shapes {@code depthlab bench} times: depths, widths, batches, replica counts and precisions,
 * every combination of them. Two named grids ({@link #named}): {@code seed}, the seed study's
 * shapes, and {@code full}, which grows width, batch and replicas far enough to find where a GPU
 * starts to pay; any list can be replaced from the command line ({@link #withOverrides}).
 */
public record BenchGrid(
    List<Integer> depths,
    List<Integer> widths,
    List<Integer> batches,
    List<Integer> replicas,
    List<Precision> precisions) {
  /** The values are the command's options, so the messages name them. */
  public BenchGrid {
    depths = atLeast("--depths", depths, 0);
    widths = atLeast("--widths", widths, 1);
    batches = atLeast("--batches", batches, 1);
    replicas = atLeast("--replicas", replicas, 1);
    precisions = List.copyOf(precisions);
  }

  /** {@code seed} (default) or {@code full}; a user error otherwise. */
  public static BenchGrid named(String name) {
    List<Precision> both = List.of(Precision.FP64, Precision.FP32);
    return switch (name) {
      case "seed" ->
          new BenchGrid(List.of(1, 2, 4, 6, 8), List.of(16), List.of(32), List.of(1), both);
      case "full" ->
          new BenchGrid(
              List.of(1, 4, 8),
              List.of(16, 64, 256, 1024),
              List.of(32, 256, 4096),
              List.of(1, 10, 50),
              both);
      default -> throw new UserError("--grid must be seed or full, got '" + name + "'");
    };
  }

  /** This grid with each list that is given (not null, not empty) in place of its own. */
  public BenchGrid withOverrides(
      List<Integer> depths,
      List<Integer> widths,
      List<Integer> batches,
      List<Integer> replicas,
      List<Precision> precisions) {
    return new BenchGrid(
        or(depths, this.depths),
        or(widths, this.widths),
        or(batches, this.batches),
        or(replicas, this.replicas),
        or(precisions, this.precisions));
  }

  /**
   * Every point, depth varying fastest, then width, batch, replicas and precision: a table read
   * top-down shows each setting's depth series together.
   */
  public List<Point> points() {
    List<Point> out = new ArrayList<>();
    for (Precision p : precisions) {
      for (int r : replicas) {
        for (int b : batches) {
          for (int w : widths) {
            for (int d : depths) {
              out.add(new Point(d, w, b, r, p));
            }
          }
        }
      }
    }
    return out;
  }

  private static <T> List<T> or(List<T> given, List<T> own) {
    return given == null || given.isEmpty() ? own : given;
  }

  private static List<Integer> atLeast(String option, List<Integer> values, int min) {
    for (int x : values) {
      if (x < min) {
        throw new UserError(option + " values must be >= " + min + ", got " + x);
      }
    }
    return List.copyOf(values);
  }
}
