package dev.depthlab.sweep;

import dev.depthlab.backend.Backend;
import dev.depthlab.config.DiagnosticsConfig;
import dev.depthlab.config.ResourceEstimate;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.config.TrainingConfig;
import dev.depthlab.data.DatasetSpec;
import dev.depthlab.train.EpochRecord;
import dev.depthlab.train.RunResult;
import dev.depthlab.train.RunSpec;
import dev.depthlab.train.TrainListener;
import dev.depthlab.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The seed's first lesson: check that every depth trains before the full sweep. A few epochs of
 * every (variant, data set, depth) on the first seed, in memory (nothing is written), looking for
 * divergence (a non-finite loss, or a loss that rises) and dead layers.
 */
public final class Preflight {
  /** Above this many runs to do, the preflight is on by default. */
  public static final int AUTO_RUNS = 20;

  /** ... or above this many SGD steps in all. */
  public static final long AUTO_STEPS = 200_000;

  /** A loss that ends more than this factor above its first epoch counts as rising. */
  static final double RISE = 1.01;

  /** A hidden layer with more than this fraction dead is reported. */
  static final double MOSTLY_DEAD = 0.5;

  private Preflight() {}

  /** One (variant, data set, depth) checked. */
  public record Row(
      String variant,
      String dataset,
      int depth,
      long seed,
      int epochs,
      double firstLoss,
      double lastLoss,
      double[] deadFraction,
      boolean diverged,
      String verdict) {}

  /** Whether the preflight runs by default for a plan. */
  public static boolean wantedFor(Sweep.Plan plan) {
    return plan.todo().size() > AUTO_RUNS || plan.steps() > AUTO_STEPS;
  }

  /** 5% of the study's epochs, at least 3 (and at most all of them). */
  public static int epochsFor(int epochs) {
    return Math.min(epochs, Math.max(3, (int) Math.ceil(0.05 * epochs)));
  }

  /** The most seconds the automatic preflight should take, at the assumed rates. */
  public static final double BUDGET_SECONDS = 120;

  /**
   * The epochs each check trains: {@link #epochsFor} of the study's, lowered (to at least 3) when
   * the checks of {@code plan} would take more than {@link #BUDGET_SECONDS} on {@code threads}
   * threads at {@link ResourceCheck}'s assumed rates, estimated by {@link ResourceEstimate}.
   */
  public static int epochsWithin(Sweep.Plan plan, Backend backend, int threads) {
    int epochs = epochsFor(plan.variants().get(0).config().training().epochs());
    double seconds = seconds(plan, backend, threads, epochs);
    if (seconds <= BUDGET_SECONDS) {
      return epochs;
    }
    // the most epochs within the budget (seconds grow with epochs), at least 3 for a verdict
    int lo = 3;
    int hi = epochs;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (seconds(plan, backend, threads, mid) <= BUDGET_SECONDS) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /** Estimated seconds of the checks of {@code plan} at {@code epochs} epochs each. */
  public static double seconds(Sweep.Plan plan, Backend backend, int threads, int epochs) {
    double flops = 0;
    for (Variant v : plan.variants()) {
      StudyConfig cfg = shortened(v.config(), epochs);
      for (int depth : RunSpec.depthsOf(cfg)) {
        flops += cfg.data().sets().size() * ResourceEstimate.forGroup(cfg, 1, depth).runFlops();
      }
    }
    double rate =
        backend.traits().onHost()
            ? ResourceCheck.HOST_FLOPS * Math.max(1, threads)
            : ResourceCheck.DEVICE_FLOPS;
    return flops / rate * backend.slowdown();
  }

  /** Told after each epoch of each check: epochs done and the total, over every check. */
  @FunctionalInterface
  public interface Progress {
    void epochs(long done, long total);
  }

  /** Checks every data set and depth of the variants that still have runs to do. */
  public static List<Row> run(Sweep.Plan plan, Backend backend, int jobs) {
    return run(
        plan,
        backend,
        jobs,
        epochsFor(plan.variants().get(0).config().training().epochs()),
        (d, t) -> {});
  }

  /**
   * As above, {@code epochs} epochs a check (see {@link #epochsWithin}), telling {@code progress}
   * after every epoch (from the worker threads).
   */
  public static List<Row> run(
      Sweep.Plan plan, Backend backend, int jobs, int epochs, Progress progress) {
    List<RunSpec> checks = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    for (Variant v : plan.variants()) {
      if (plan.todo().stream().noneMatch(j -> j.variant() == v)) {
        continue;
      }
      StudyConfig cfg = shortened(v.config(), epochs);
      for (DatasetSpec d : cfg.data().sets()) {
        for (int depth : RunSpec.depthsOf(cfg)) {
          checks.add(new RunSpec(cfg, d, depth, cfg.seeds().get(0)));
          labels.add(v.label());
        }
      }
    }
    Row[] rows = new Row[checks.size()];
    List<Callable<Void>> tasks = new ArrayList<>();
    AtomicLong done = new AtomicLong();
    long total = (long) checks.size() * epochs;
    TrainListener counter =
        new TrainListener() {
          @Override
          public void onEpochDone(int epoch, int of) {
            progress.epochs(done.incrementAndGet(), total);
          }
        };
    for (int i = 0; i < checks.size(); i++) {
      int k = i;
      tasks.add(
          () -> {
            RunResult r = Trainer.train(backend, List.of(checks.get(k)), counter).get(0);
            rows[k] = judge(labels.get(k), r);
            return null;
          });
    }
    Sweep.runAll(tasks, jobs);
    return List.of(rows);
  }

  static StudyConfig shortened(StudyConfig c) {
    return shortened(c, epochsFor(c.training().epochs()));
  }

  static StudyConfig shortened(StudyConfig c, int epochs) {
    TrainingConfig t = c.training();
    return new StudyConfig(
        c.name(),
        c.data(),
        c.model(),
        t.withEpochs(epochs),
        c.seeds(),
        c.precision(),
        c.backend(),
        new DiagnosticsConfig(epochs, false));
  }

  static Row judge(String variant, RunResult r) {
    List<EpochRecord> e = r.epochs();
    double first = e.get(0).batchLoss();
    double last = e.get(e.size() - 1).batchLoss();
    double[] dead = e.get(e.size() - 1).deadFraction();
    boolean nonFinite = false;
    for (EpochRecord rec : e) {
      nonFinite |= !Double.isFinite(rec.batchLoss()) || !Double.isFinite(rec.gradNormMean());
    }
    List<String> verdict = new ArrayList<>();
    boolean diverged = false;
    if (nonFinite) {
      verdict.add("DIVERGED: non-finite loss");
      diverged = true;
    } else if (last > RISE * first) {
      verdict.add("DIVERGED: loss rising");
      diverged = true;
    }
    for (int h = 0; h < dead.length; h++) {
      if (dead[h] >= 1.0) {
        verdict.add("h" + (h + 1) + " fully dead");
      } else if (dead[h] > MOSTLY_DEAD) {
        verdict.add(String.format(Locale.ROOT, "h%d %.0f%% dead", h + 1, 100 * dead[h]));
      }
    }
    RunSpec s = r.spec();
    return new Row(
        variant,
        s.dataset().label(),
        s.depth(),
        s.seed(),
        e.size(),
        first,
        last,
        dead,
        diverged,
        verdict.isEmpty() ? "ok" : String.join(", ", verdict));
  }

  public static boolean anyDiverged(List<Row> rows) {
    return rows.stream().anyMatch(Row::diverged);
  }

  /** The rows as a short aligned table. */
  public static String table(List<Row> rows) {
    boolean variants = rows.stream().anyMatch(r -> !r.variant().isEmpty());
    int w = 7;
    for (Row r : rows) {
      w = Math.max(w, r.dataset().length() + (variants ? r.variant().length() + 3 : 0));
    }
    StringBuilder sb = new StringBuilder();
    String fmt = "%-" + w + "s %5s %10s %10s %8s  %s%n";
    sb.append(
        String.format(
            Locale.ROOT,
            fmt,
            "dataset",
            "depth",
            "loss first",
            "loss last",
            "max dead",
            "verdict"));
    for (Row r : rows) {
      double maxDead = 0;
      for (double d : r.deadFraction()) {
        maxDead = Math.max(maxDead, d);
      }
      String name = variants ? "[" + r.variant() + "] " + r.dataset() : r.dataset();
      sb.append(
          String.format(
              Locale.ROOT,
              fmt,
              name,
              r.depth(),
              String.format(Locale.ROOT, "%.4f", r.firstLoss()),
              String.format(Locale.ROOT, "%.4f", r.lastLoss()),
              r.deadFraction().length == 0 ? "-" : String.format(Locale.ROOT, "%.3f", maxDead),
              r.verdict()));
    }
    return sb.toString();
  }
}
