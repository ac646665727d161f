package dev.depthlab.bench;

import dev.depthlab.bench.StepBench.Point;
import dev.depthlab.bench.StepBench.Timing;
import java.util.List;

/**
 * Where, in a bench's timings, a device backend first beats a host backend ({@link
 * StepBench.Timing#onHost}): of the points timed on both kinds where the device's median step is
 * faster, the one of least work per step ({@link #work}).
 *
 * @param point the first point the device wins; null unless {@code outcome} is {@code DEVICE_WINS}
 */
public record Crossover(Outcome outcome, Point point) {
  /** What the timings show. */
  public enum Outcome {
    /** No point was timed on both a host and a device backend. */
    NOT_COMPARED,
    /** At every point timed on both, the host was at least as fast. */
    HOST_ALWAYS_FASTER,
    /** The device was faster at {@link Crossover#point} and at no point of less work. */
    DEVICE_WINS
  }

  /** The crossover of {@code timings}; among points of equal work the first timed counts. */
  public static Crossover of(List<Timing> timings) {
    Timing best = null;
    boolean compared = false;
    for (Timing device : timings) {
      if (device.onHost()) {
        continue;
      }
      for (Timing host : timings) {
        if (host.onHost() && host.point().equals(device.point())) {
          compared = true;
          if (device.medianMicros() < host.medianMicros()
              && (best == null || work(device.point()) < work(best.point()))) {
            best = device;
          }
        }
      }
    }
    if (!compared) {
      return new Crossover(Outcome.NOT_COMPARED, null);
    }
    return best == null
        ? new Crossover(Outcome.HOST_ALWAYS_FASTER, null)
        : new Crossover(Outcome.DEVICE_WINS, best.point());
  }

  /**
   * What "least work" orders by: depth x width^2 x batch x replicas, about the multiply-adds of a
   * step's hidden layers, a size read off the shape alone.
   */
  static double work(Point p) {
    return (double) p.depth() * p.width() * p.width() * p.batch() * p.replicas();
  }
}
