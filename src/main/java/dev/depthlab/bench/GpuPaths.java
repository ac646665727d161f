package dev.depthlab.bench;

import dev.depthlab.backend.Availability;
import dev.depthlab.backend.Backend;
import dev.depthlab.backend.Group;
import dev.depthlab.backend.GroupSpec;
import dev.depthlab.backend.ReplicaSetup;
import dev.depthlab.backend.Traits;
import dev.depthlab.bench.StepBench.Point;
import dev.depthlab.bench.StepBench.Timing;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The CUDA per-layer path's two ways of enqueueing a step, as bench rows: {@link #STEPS} (every
 * kernel and cuBLAS call from the host, {@code cuda.graphs: off}) and {@link #GRAPHS} (an epoch's
 * calls captured once and launched as one CUDA graph per epoch, {@code cuda.graphs: on}); for each
 * timed point, the host calls per step and the host's CPU microseconds per step of both.
 */
public final class GpuPaths {
  /** The row of the step-by-step per-layer path. */
  public static final String STEPS = "cuda";

  /** The row of the graph path. */
  public static final String GRAPHS = "cuda-graphs";

  private GpuPaths() {}

  /**
   * Host calls (kernel launches, cuBLAS calls, graph launches) per step of a network of {@code
   * depth} hidden layers, once the epoch's graph is captured: step by step {@code 5 (depth + 1) +
   * 2} (CudaGroup's class comment, checked on the emulated device by EmulatedGraphsTest), with
   * graphs one launch per epoch of {@link StepBench#STEPS_PER_EPOCH} steps.
   */
  public static double hostCallsPerStep(String row, int depth) {
    return switch (row) {
      case STEPS -> 5.0 * (depth + 1) + 2;
      case GRAPHS -> 1.0 / StepBench.STEPS_PER_EPOCH;
      default -> throw new IllegalArgumentException("not a GPU path row: " + row);
    };
  }

  /** {@code backend} under another row name (every call but {@link Backend#name} forwarded). */
  public static Backend named(Backend backend, String row) {
    return new Backend() {
      @Override
      public String name() {
        return row;
      }

      @Override
      public Availability availability() {
        return backend.availability();
      }

      @Override
      public Traits traits() {
        return backend.traits();
      }

      @Override
      public Group createGroup(GroupSpec spec, List<ReplicaSetup> replicas) {
        return backend.createGroup(spec, replicas);
      }
    };
  }

  /**
   * One line per point timed on a GPU path row: its host calls per step and host CPU microseconds
   * per step (and wall-clock, for scale), both paths side by side where both were timed.
   */
  public static List<String> lines(List<Timing> timings) {
    List<String> out = new ArrayList<>();
    List<Point> seen = new ArrayList<>();
    for (Timing t : timings) {
      if (!isGpuPath(t.backend()) || seen.contains(t.point())) {
        continue;
      }
      Point p = t.point();
      seen.add(p);
      StringBuilder line =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "%s depth %d width %d batch %d R %d:",
                  p.precision().key(),
                  p.depth(),
                  p.width(),
                  p.batch(),
                  p.replicas()));
      for (Timing u : timings) {
        if (isGpuPath(u.backend()) && u.point().equals(p)) {
          line.append(
              String.format(
                  Locale.ROOT,
                  "  %s %.2f calls/step, %.2f host us/step (%.2f us/step wall)",
                  u.backend(),
                  hostCallsPerStep(u.backend(), p.depth()),
                  u.cpuMicros(),
                  u.medianMicros()));
        }
      }
      out.add(line.toString());
    }
    return out;
  }

  private static boolean isGpuPath(String row) {
    return row.equals(STEPS) || row.equals(GRAPHS);
  }
}
