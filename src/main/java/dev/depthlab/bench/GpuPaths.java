package dev.depthlab.bench;

import dev.depthlab.bench.StepBench.Point;
import dev.depthlab.bench.StepBench.Timing;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The device rows of a bench (for CUDA its paths: {@code cuda-layered} step by step, {@code
 * cuda-graphs}, {@code cuda-fused}, each a backend of its own, {@link
 * dev.depthlab.backend.Backend#benchRows}) side by side: for each timed point, the host calls per
 * step (the backend's own count, {@link dev.depthlab.backend.Backend#launchesPerStep}) and the
 * host's CPU microseconds per step of each, and where an emulator counted the kernel at that shape
 * ({@link dev.depthlab.backend.Backend#countsPerStep}) a line of its counts.
 */
public final class GpuPaths {
  private GpuPaths() {}

  /**
   * One line per point timed on a device row (one that runs off the host and counts its launches):
   * its host calls per step and host CPU microseconds per step (and wall-clock, for scale), every
   * device row timed at that point side by side.
   */
  public static List<String> lines(List<Timing> timings) {
    List<String> out = new ArrayList<>();
    List<Point> seen = new ArrayList<>();
    for (Timing t : timings) {
      if (!isDevice(t) || seen.contains(t.point())) {
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
        if (isDevice(u) && u.point().equals(p)) {
          line.append(
              String.format(
                  Locale.ROOT,
                  "  %s %.2f calls/step, %.2f host us/step (%.2f us/step wall)",
                  u.backend(),
                  u.launchesPerStep(),
                  u.cpuMicros(),
                  u.medianMicros()));
        }
      }
      out.add(line.toString());
      for (Timing u : timings) {
        if (isDevice(u) && u.point().equals(p) && u.counts() != null) {
          out.add("    " + u.backend() + " kernel, emulator counts: " + u.counts());
        }
      }
    }
    return out;
  }

  private static boolean isDevice(Timing t) {
    return !t.onHost() && !Double.isNaN(t.launchesPerStep());
  }
}
