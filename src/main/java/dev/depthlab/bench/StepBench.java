package dev.depthlab.bench;

import dev.depthlab.backend.Backend;
import dev.depthlab.backend.Group;
import dev.depthlab.backend.GroupSpec;
import dev.depthlab.backend.ReplicaSetup;
import dev.depthlab.common.Rng;
import dev.depthlab.common.UserError;
import dev.depthlab.data.DataSet;
import dev.depthlab.model.Activation;
import dev.depthlab.model.Init;
import dev.depthlab.model.Initializer;
import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.Precision;
import dev.depthlab.model.Reduction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Times one lockstep SGD step (forward, loss, backward, update, step diagnostics, for all R
 * replicas) on a backend at one shape. Steps run in epochs of {@link #STEPS_PER_EPOCH}, each ending
 * with the epoch's diagnostics read-back, as in training. The result is the median of several timed
 * rounds after a warm-up that lets the JIT (or the GPU) settle.
 */
public final class StepBench {
  static final int STEPS_PER_EPOCH = 50;
  static final int ROUNDS = 5;

  private static final java.lang.management.ThreadMXBean THREADS =
      java.lang.management.ManagementFactory.getThreadMXBean();

  private StepBench() {}

  /** One benchmark point. */
  public record Point(int depth, int width, int batch, int replicas, Precision precision) {
    /** Floating-point operations of one lockstep step: three GEMMs per layer, 2 flops each. */
    public double flops() {
      int[] sizes = NetworkSpec.of(2, depth, width, Activation.RELU, 0, Reduction.SUM, 0).sizes();
      double macs = 0;
      for (int l = 0; l + 1 < sizes.length; l++) {
        macs += (double) sizes[l] * sizes[l + 1];
      }
      return 6.0 * macs * batch * replicas;
    }
  }

  /**
   * A measured point: median and min wall-clock microseconds per lockstep step, and the median CPU
   * time of the calling thread per step (robust when other processes share the cores; for a GPU it
   * counts only the host's work, its host microseconds per step), the backend's device launches per
   * step ({@link Backend#launchesPerStep}; NaN on the host) and its kernel's counts per step
   * ({@link Backend#countsPerStep}; null where none were counted).
   */
  public record Timing(
      String backend,
      boolean onHost,
      Point point,
      double medianMicros,
      double minMicros,
      double cpuMicros,
      double launchesPerStep,
      String counts) {
    /** A timing without a launch count (host backends). */
    public Timing(
        String backend,
        boolean onHost,
        Point point,
        double medianMicros,
        double minMicros,
        double cpuMicros) {
      this(backend, onHost, point, medianMicros, minMicros, cpuMicros, Double.NaN);
    }

    /** A timing without counts ({@link Backend#countsPerStep}: null). */
    public Timing(
        String backend,
        boolean onHost,
        Point point,
        double medianMicros,
        double minMicros,
        double cpuMicros,
        double launchesPerStep) {
      this(backend, onHost, point, medianMicros, minMicros, cpuMicros, launchesPerStep, null);
    }

    public double microsPerReplica() {
      return medianMicros / point.replicas();
    }

    /** Achieved GFLOP/s: the point's {@link Point#flops} over the median step time. */
    public double gflops() {
      return point.flops() / (medianMicros * 1e3);
    }
  }

  /** What {@link #timeGrid} tells its caller, point by point, as it goes. */
  public interface GridListener {
    /** A point was timed. */
    void onTimed(Timing timing);

    /**
     * A point was left out, for the reason given in words: the backend does not compute in the
     * point's precision, or it is a host backend that would take too long on it.
     */
    void onSkipped(String backend, Point point, String why);

    /**
     * The rounds of a timed point disagree by more than {@link #UNSTEADY} (slowest over fastest,
     * less one): the machine was busy or the code not yet warm; called after {@link #onTimed}.
     */
    default void onUnsteady(Timing timing, double slowestMicros) {}
  }

  /** The spread of a point's rounds ((slowest - fastest) / fastest) that earns a warning. */
  public static final double UNSTEADY = 0.20;

  /** Whether rounds from {@code fastest} to {@code slowest} us/step disagree by over 20%. */
  public static boolean unsteady(double fastest, double slowest) {
    return slowest > fastest * (1 + UNSTEADY);
  }

  /**
   * Times every point of {@code grid} on each backend in turn, {@code secondsPerPoint} each, except
   * the points a host backend ({@link dev.depthlab.backend.Traits#onHost}) would spend more than
   * {@code hostMaxGflop} GFLOP a step on (one core would need seconds per step there) and the
   * points in a precision the backend does not compute in. Returns the timings in the order taken.
   */
  public static List<Timing> timeGrid(
      List<Backend> backends,
      BenchGrid grid,
      double secondsPerPoint,
      double hostMaxGflop,
      GridListener listener) {
    List<Timing> all = new ArrayList<>();
    for (Backend b : backends) {
      java.util.Set<dev.depthlab.model.Precision> warm = new java.util.HashSet<>();
      for (Point pt : grid.points()) {
        if (!b.traits().supports(pt.precision())) {
          listener.onSkipped(
              b.name(), pt, "the backend does not compute in " + pt.precision().key());
          continue;
        }
        if (b.traits().onHost() && pt.flops() > hostMaxGflop * 1e9) {
          listener.onSkipped(
              b.name(),
              pt,
              String.format(
                  Locale.ROOT,
                  "%.1f GFLOP per step > --cpu-max-gflop %.1f",
                  pt.flops() / 1e9,
                  hostMaxGflop));
          continue;
        }
        // a backend's first point in each precision also waits for the JIT to compile that
        // precision's kernels (fp32 and fp64 are separate code): on a pinned core the compiler
        // threads share that core, and C2 takes a while over Vector API code. Every other point
        // is warmed too, for up to half a second, before its rounds are timed.
        double warmup =
            !warm.contains(pt.precision())
                ? Math.min(FIRST_WARMUP_SECONDS, 10 * secondsPerPoint)
                : Math.min(0.5, secondsPerPoint);
        Timing t;
        double[] slowest = new double[1];
        try {
          t = time(b, pt, secondsPerPoint, warmup, slowest);
        } catch (UserError e) {
          // a backend that cannot take the shape (cuda-fused past its widths): a row that says so
          listener.onSkipped(b.name(), pt, e.getMessage());
          continue;
        }
        warm.add(pt.precision());
        all.add(t);
        listener.onTimed(t);
        if (unsteady(t.minMicros(), slowest[0])) {
          listener.onUnsteady(t, slowest[0]);
        }
      }
    }
    return all;
  }

  /** Warm-up before a backend's first point, in seconds (at most ten times a point's time). */
  static final double FIRST_WARMUP_SECONDS = 2.0;

  /** Times one point on one backend, after a warm-up of at most half a second. */
  public static Timing time(Backend backend, Point pt, double secondsPerPoint) {
    return time(backend, pt, secondsPerPoint, Math.min(0.5, secondsPerPoint), new double[1]);
  }

  /** Times one point on one backend after a warm-up of {@code warmupSeconds}. */
  static Timing time(Backend backend, Point pt, double secondsPerPoint, double warmupSeconds) {
    return time(backend, pt, secondsPerPoint, warmupSeconds, new double[1]);
  }

  /** As above; {@code slowest[0]} receives the slowest round's microseconds per step. */
  static Timing time(
      Backend backend, Point pt, double secondsPerPoint, double warmupSeconds, double[] slowest) {
    NetworkSpec net =
        NetworkSpec.of(2, pt.depth(), pt.width(), Activation.RELU, 0.01, Reduction.SUM, 1e-8);
    int n = pt.batch() * 4;
    List<ReplicaSetup> setups = new ArrayList<>();
    Rng rng = new Rng(42);
    for (int r = 0; r < pt.replicas(); r++) {
      setups.add(
          new ReplicaSetup(
              Initializer.draw(net, Init.HE_NORMAL, 0.0, rng),
              randomData(n, rng),
              randomData(pt.batch(), rng)));
    }
    int[][] order = new int[pt.replicas()][n];
    for (int[] o : order) {
      for (int i = 0; i < n; i++) {
        o[i] = i;
      }
    }
    GroupSpec spec = new GroupSpec(net, pt.precision(), pt.batch(), STEPS_PER_EPOCH);
    try (Group g = backend.createGroup(spec, setups)) {
      // learning rate 0: the parameters never move, so every step does the same work
      runFor(g, order, n, pt.batch(), warmupSeconds, new long[1]);
      double[] rounds = new double[ROUNDS];
      double[] cpu = new double[ROUNDS];
      for (int k = 0; k < ROUNDS; k++) {
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        long[] steps = new long[1];
        rounds[k] = runFor(g, order, n, pt.batch(), secondsPerPoint / ROUNDS, steps);
        cpu[k] = (THREADS.getCurrentThreadCpuTime() - cpu0) / 1e3 / steps[0];
      }
      Arrays.sort(rounds);
      Arrays.sort(cpu);
      slowest[0] = rounds[ROUNDS - 1];
      return new Timing(
          backend.name(),
          backend.traits().onHost(),
          pt,
          rounds[ROUNDS / 2],
          rounds[0],
          cpu[ROUNDS / 2],
          backend.launchesPerStep(spec, STEPS_PER_EPOCH),
          backend.countsPerStep(spec));
    }
  }

  /** Runs whole epochs for at least {@code seconds}; returns microseconds per step. */
  private static double runFor(
      Group g, int[][] order, int n, int batch, double seconds, long[] stepsOut) {
    long start = System.nanoTime();
    long deadline = start + (long) (seconds * 1e9);
    long steps = 0;
    do {
      // the deadline is checked every step, so a point of very large steps stops early
      g.beginEpoch(order);
      int s = 0;
      do {
        g.step((s * batch) % (n - batch + 1), batch, 0.0);
        s++;
      } while (s < STEPS_PER_EPOCH && System.nanoTime() < deadline);
      g.endEpoch();
      steps += s;
    } while (System.nanoTime() < deadline);
    stepsOut[0] = steps;
    return (System.nanoTime() - start) / 1e3 / steps;
  }

  private static DataSet randomData(int n, Rng rng) {
    double[] x = new double[2 * n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[2 * i] = rng.uniform(-1, 1);
      x[2 * i + 1] = rng.uniform(-1, 1);
      y[i] = x[2 * i] * x[2 * i] + x[2 * i + 1] * x[2 * i + 1] < 0.25 ? 1 : 0;
    }
    return new DataSet("bench", 2, x, y);
  }
}
