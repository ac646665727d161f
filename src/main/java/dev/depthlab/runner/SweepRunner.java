package dev.depthlab.runner;

import dev.depthlab.backend.Backend;
import dev.depthlab.backend.registry.BackendRegistry;
import dev.depthlab.common.BackendOption;
import dev.depthlab.common.UserError;
import dev.depthlab.config.ConfigYaml;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.report.StudyIndex;
import dev.depthlab.report.StudyReport;
import dev.depthlab.signal.SignalStudy;
import dev.depthlab.sweep.Preflight;
import dev.depthlab.sweep.ResourceCheck;
import dev.depthlab.sweep.Shards;
import dev.depthlab.sweep.Stop;
import dev.depthlab.sweep.StudyLock;
import dev.depthlab.sweep.Sweep;
import dev.depthlab.sweep.Variant;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs the variants of a sweep or a phase grid: backend, locks, resume, preflight, progress, then
 * each variant's report. Shared by {@code sweep} and {@code phase} so both behave alike.
 */
public final class SweepRunner {
  /** How the preflight's divergences are taken: they stop a sweep, a phase grid only notes them. */
  public enum OnDivergence {
    STOP,
    REPORT
  }

  private SweepRunner() {}

  /** Checks what can be checked before anything is written; returns the backend to run on. */
  public static Backend prepare(
      List<Variant> variants, Path root, Integer jobsOption, PrintWriter err) {
    requireWritable(root);
    for (Variant v : variants) {
      Studies.requireNamesFit(v.dir());
      // a data set's label names its folder of runs (runs/<label>/depth-d/seed-s)
      for (var d : v.config().data().sets()) {
        Studies.requireNamesFit(v.dir().resolve("runs").resolve(d.label()));
      }
    }
    boolean multirun = variants.size() > 1 || !variants.get(0).label().isEmpty();
    if (multirun && Files.isRegularFile(root.resolve(StudyLock.FILE))) {
      throw new UserError(
          root
              + " holds a single study; a multirun writes one folder per "
              + "combination: choose another --out DIR");
    }
    String backendName = variants.get(0).config().backend();
    if (variants.stream().anyMatch(v -> !v.config().backend().equals(backendName))) {
      throw new UserError("backend cannot vary within a sweep; run one sweep per backend");
    }
    var options = variants.get(0).config().backendOptions();
    List<String> varying = new ArrayList<>();
    for (BackendOption o : BackendRegistry.standard().catalog().options()) {
      if (variants.stream()
          .anyMatch(v -> !v.config().backendOptions().value(o).equals(options.value(o)))) {
        varying.add(o.path());
      }
    }
    if (!varying.isEmpty()) {
      throw new UserError(
          String.join(" and ", varying) + " cannot vary within a sweep; run one sweep per setting");
    }
    Backend backend = BackendRegistry.standard(options).select(backendName, err::println);
    for (Variant v : variants) {
      Studies.requirePrecision(backend, v.config());
    }
    int jobs = jobsOption != null ? jobsOption : Sweep.defaultJobs(backend);
    ResourceCheck.requireSweepFits(backend, variants.stream().map(Variant::config).toList(), jobs);
    return backend;
  }

  /**
   * Locks every variant, trains what is not finished and writes each variant's report. {@code
   * preflight} null: the default rule ({@link Preflight#wantedFor}).
   */
  public static void run(
      List<Variant> variants,
      Path root,
      Backend backend,
      Integer jobsOption,
      Boolean preflight,
      OnDivergence onDivergence,
      boolean quiet,
      PrintWriter o) {
    run(variants, root, backend, jobsOption, preflight, onDivergence, quiet, null, o);
  }

  /** As above, only the runs of {@code shard} ({@link Shards}); null: every run. */
  public static void run(
      List<Variant> variants,
      Path root,
      Backend backend,
      Integer jobsOption,
      Boolean preflight,
      OnDivergence onDivergence,
      boolean quiet,
      Shards.Shard shard,
      PrintWriter o) {
    boolean multirun = variants.size() > 1 || !variants.get(0).label().isEmpty();
    for (Variant v : variants) {
      StudyLock.acquire(v.dir(), v.config());
    }
    Sweep.Plan plan = Sweep.plan(variants);
    if (shard != null) {
      plan = Shards.restrict(plan, shard);
      o.printf("shard %s: %d of the study's runs%n", shard, plan.total());
    }
    int jobs = jobsOption != null ? jobsOption : Sweep.defaultJobs(backend);
    int threads = Sweep.threadsFor(plan, backend, jobs);
    String name = variants.get(0).config().name();
    if (multirun) {
      o.printf(
          "sweep %s: %s in %s, %d variants (a study folder each)%n",
          name, runs(plan.total()), root, variants.size());
    } else {
      o.printf(
          "sweep %s (protocol %s): %s in %s%n",
          name, ConfigYaml.shortHash(variants.get(0).config()), runs(plan.total()), root);
    }
    if (plan.skipped() > 0) {
      o.printf("resume: %d of %s already finished, skipped%n", plan.skipped(), runs(plan.total()));
    }
    for (Sweep.Damaged d : plan.damaged()) {
      o.printf("retrain %s: %s%n", d.job().name(), d.reason());
    }
    Sweep.Outcome outcome = new Sweep.Outcome(0, 0, "");
    if (!plan.todo().isEmpty()) {
      boolean check = preflight != null ? preflight : Preflight.wantedFor(plan);
      if (check) {
        preflight(plan, backend, jobs, threads, onDivergence, quiet, o);
      }
      long start = System.nanoTime();
      Stop stop = new Stop(Stop.DEFAULT_GRACE_SECONDS);
      try (StopOnSignal signals = StopOnSignal.install(stop);
          SweepProgress progress = SweepProgress.open(plan.todo().size(), quiet, o)) {
        // printed once a signal stops the sweep cleanly (a watcher may wait for this line)
        o.printf(
            "training %s on %s (%s), %d thread%s%n",
            runs(plan.todo().size()),
            backend.name(),
            variants.get(0).config().precision().key(),
            threads,
            threads == 1 ? "" : "s");
        outcome = Sweep.execute(plan, backend, fallback(variants, backend), stop, jobs, progress);
        if (signals.stopped()) {
          o.flush();
          // the reports wait for the rerun: a stop should be quick, and the rerun writes them
          throw new UserError(
              "stopped: "
                  + (plan.skipped() + outcome.finished())
                  + " of "
                  + runs(plan.total())
                  + " done; rerun the same command to resume",
              signals.exitCode());
        }
      } catch (UserError e) {
        if (e.exitCode() != UserError.FAILURE) {
          throw e;
        }
        // a write failed (full disk, folder gone): every file is whole, finished runs are kept
        throw new UserError(
            e.getMessage() + "; finished runs are kept: fix it, then rerun the same command",
            UserError.FAILURE);
      }
      o.printf(
          Locale.ROOT,
          "trained %s in %s%n",
          runs(outcome.finished()),
          SweepProgress.clock((System.nanoTime() - start) / 1e9));
    }
    if (shard == null) {
      int done = plan.skipped() + outcome.finished();
      String stopped =
          "stopped: "
              + done
              + " of "
              + runs(plan.total())
              + " done; rerun the same command to resume";
      for (Variant v : variants) {
        // a signal here stops as one during training does: the rerun writes the reports. The
        // signal analysis (diagnostics.signal) writes its files first; the report only reads them
        StudyReport.Built b =
            StopOnSignal.stage(
                stopped,
                stop -> {
                  SignalStudy.writeInto(v.dir(), v.config());
                  return StudyReport.write(v.dir(), stop);
                });
        o.printf("report: %s (%d of %s)%n", b.report(), b.runs(), runs(b.planned()));
        o.printf("page: %s%n", b.html());
      }
      if (multirun) {
        o.printf("index: %s%n", StudyIndex.write(root));
      }
    } else {
      // a shard holds part of the study: its report is the merged study's (depthlab merge)
      o.printf("shard %s done: `depthlab merge` of the shards writes the report%n", shard);
    }
    if (outcome.failed() > 0) {
      // after the reports: they list the failed runs; exit 1 so a script sees the sweep is not done
      throw new UserError(
          outcome.failed()
              + " of "
              + runs(plan.todo().size())
              + " failed ("
              + outcome.firstReason()
              + "); rerun the same command to retry them",
          UserError.FAILURE);
    }
  }

  /**
   * The folders a sweep of {@code variants} into {@code root} writes, for its {@link
   * dev.depthlab.sweep.WriterLock}: the root, then each variant's study folder.
   */
  public static List<Path> folders(List<Variant> variants, Path root) {
    List<Path> dirs = new java.util.ArrayList<>(List.of(root));
    for (Variant v : variants) {
      dirs.add(v.dir());
    }
    return dirs;
  }

  /**
   * Refuses (exit 2) a results folder that cannot be written, before anything is written: the
   * folder, or the nearest part of its path that exists, must be a writable folder.
   */
  private static void requireWritable(Path root) {
    Path p = root.toAbsolutePath().normalize();
    while (p != null && !Files.exists(p)) {
      p = p.getParent();
    }
    if (p == null) {
      return;
    }
    if (!Files.isDirectory(p)) {
      throw new UserError(
          "cannot write the results folder " + root + ": " + p + " is not a folder");
    }
    if (!Files.isWritable(p)) {
      throw new UserError(
          "cannot write the results folder " + root + ": " + p + " is not writable");
    }
  }

  /** The CPU backend when a variant asks failed groups to be retried there ({@code on_failure}). */
  private static Backend fallback(List<Variant> variants, Backend backend) {
    boolean wanted =
        variants.stream().anyMatch(v -> v.config().onFailure().equals(StudyConfig.ON_FAILURE_CPU));
    return wanted ? BackendRegistry.standard().retryBackend(backend) : null;
  }

  private static void preflight(
      Sweep.Plan plan,
      Backend backend,
      int jobs,
      int threads,
      OnDivergence onDivergence,
      boolean quiet,
      PrintWriter o) {
    var cfg = plan.variants().get(0).config();
    int wanted = Preflight.epochsFor(cfg.training().epochs());
    int epochs = Preflight.epochsWithin(plan, backend, threads);
    String head =
        String.format(
                Locale.ROOT,
                "preflight: %d epochs of every data set and depth on seed %d",
                epochs,
                cfg.seeds().get(0))
            + (epochs >= wanted
                ? ""
                // bounded in time: a huge study's 5% would itself take hours
                : String.format(
                    Locale.ROOT,
                    " (not %d, 5%% of the study's: that would take about %s)",
                    wanted,
                    dev.depthlab.config.ResourceEstimate.duration(
                        Preflight.seconds(plan, backend, threads, wanted))));
    PreflightProgress progress = new PreflightProgress(System::nanoTime);
    String stopped =
        "stopped: "
            + plan.skipped()
            + " of "
            + runs(plan.total())
            + " done; rerun the same command to resume";
    List<Preflight.Row> rows =
        StopOnSignal.stage(
            stopped,
            stop -> {
              // printed once the handlers are in place (a watcher may signal on this line)
              o.println(head);
              o.flush();
              return Preflight.run(
                  plan,
                  backend,
                  jobs,
                  epochs,
                  (done, total) -> {
                    // a signal ends the checks at their next epoch (they write nothing)
                    stop.check();
                    String line = progress.line(done, total);
                    if (line != null && !quiet) {
                      synchronized (o) {
                        o.println(line);
                        o.flush();
                      }
                    }
                  });
            });
    o.print(Preflight.table(rows));
    o.flush();
    if (Preflight.anyDiverged(rows)) {
      if (onDivergence == OnDivergence.STOP) {
        throw new UserError(
            "preflight: a depth diverged (see the table); fix the protocol "
                + "(e.g. a smaller training.lr) or sweep anyway with --force",
            UserError.FAILURE);
      }
      o.println("preflight: divergence found; sweeping anyway");
    }
  }

  /** "1 run", "2 runs": a count with its noun in the right number. */
  static String runs(long n) {
    return n + (n == 1 ? " run" : " runs");
  }
}
