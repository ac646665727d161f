package dev.depthlab.cli;

import dev.depthlab.backend.Backend;
import dev.depthlab.backend.registry.BackendRegistry;
import dev.depthlab.common.UserError;
import dev.depthlab.config.ConfigYaml;
import dev.depthlab.report.StudyReport;
import dev.depthlab.sweep.Grid;
import dev.depthlab.sweep.Preflight;
import dev.depthlab.sweep.StudyLock;
import dev.depthlab.sweep.Sweep;
import dev.depthlab.sweep.Variant;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code depthlab sweep}: every data set x depth x seed of a study, resumable, then its report. */
@Command(
    name = "sweep",
    mixinStandardHelpOptions = true,
    description = {
      "Run every data set x depth x seed of a study into its study folder, then write "
          + "summary.csv and report.md.",
      "A --set key=a,b,c list makes a multirun: one study folder per combination, "
          + "<out>/<key>=<value>,...",
      "Rerunning skips finished runs. A folder locked to another protocol hash is refused."
    })
final class SweepCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "CONFIG",
      description = "Study config (YAML); none runs the built-in quick study.")
  Path config;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Study folder (default: results/<name>/).")
  Path out;

  @Option(
      names = "--jobs",
      paramLabel = "N",
      description =
          "Threads training groups in parallel (CPU: a run each; CUDA: a replica group "
              + "each, on its own stream). Default: the cores, at most the backend's limit "
              + "(`depthlab backends` lists it).")
  Integer jobs;

  @Option(
      names = "--preflight",
      negatable = true,
      description =
          "A few epochs of every data set and depth first (default: on above "
              + Preflight.AUTO_RUNS
              + " runs or "
              + Preflight.AUTO_STEPS
              + " steps).")
  Boolean preflight;

  @Option(names = "--force", description = "Sweep even when the preflight finds a divergence.")
  boolean force;

  @Mixin CommonOptions common;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter o = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (jobs != null && jobs < 1) {
      throw new UserError("--jobs must be at least 1, got " + jobs);
    }
    List<String> sets = common.overrides();
    Path root =
        out != null
            ? out
            : Path.of("results", Studies.load(config, "quick", Grid.firstOf(sets)).name());
    List<Variant> variants = Grid.variants(sets, root, ov -> Studies.load(config, "quick", ov));
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
    Backend backend = BackendRegistry.standard().select(backendName, err::println);
    for (Variant v : variants) {
      Studies.requirePrecision(backend, v.config());
    }
    for (Variant v : variants) {
      StudyLock.acquire(v.dir(), v.config());
    }
    Sweep.Plan plan = Sweep.plan(variants);
    int jobs = this.jobs != null ? this.jobs : Sweep.defaultJobs(backend);
    int threads = Sweep.threadsFor(plan, backend, jobs);
    String name = variants.get(0).config().name();
    if (multirun) {
      o.printf(
          "sweep %s: %d runs in %s, %d variants (a study folder each)%n",
          name, plan.total(), root, variants.size());
    } else {
      o.printf(
          "sweep %s (protocol %s): %d runs in %s%n",
          name, ConfigYaml.shortHash(variants.get(0).config()), plan.total(), root);
    }
    if (plan.skipped() > 0) {
      o.printf("resume: %d of %d runs already finished, skipped%n", plan.skipped(), plan.total());
    }
    if (!plan.todo().isEmpty()) {
      boolean check = preflight != null ? preflight : Preflight.wantedFor(plan);
      if (check) {
        preflight(plan, backend, jobs, o);
      }
      o.printf(
          "training %d runs on %s (%s), %d thread%s%n",
          plan.todo().size(),
          backend.name(),
          variants.get(0).config().precision().key(),
          threads,
          threads == 1 ? "" : "s");
      long start = System.nanoTime();
      try (SweepProgress progress = SweepProgress.open(plan.todo().size(), common.quiet, o)) {
        Sweep.execute(plan, backend, jobs, progress);
      }
      o.printf(
          Locale.ROOT,
          "trained %d runs in %s%n",
          plan.todo().size(),
          SweepProgress.clock((System.nanoTime() - start) / 1e9));
    }
    for (Variant v : variants) {
      StudyReport.Built b = StudyReport.write(v.dir());
      o.printf("report: %s (%d of %d runs)%n", b.report(), b.runs(), b.planned());
      o.printf("page: %s%n", b.html());
    }
    return 0;
  }

  private void preflight(Sweep.Plan plan, Backend backend, int jobs, PrintWriter o) {
    var cfg = plan.variants().get(0).config();
    o.printf(
        "preflight: %d epochs of every data set and depth on seed %d%n",
        Preflight.epochsFor(cfg.training().epochs()), cfg.seeds().get(0));
    List<Preflight.Row> rows = Preflight.run(plan, backend, jobs);
    o.print(Preflight.table(rows));
    o.flush();
    if (Preflight.anyDiverged(rows)) {
      if (!force) {
        throw new UserError(
            "preflight: a depth diverged (see the table); fix the protocol "
                + "(e.g. a smaller training.lr) or sweep anyway with --force",
            UserError.FAILURE);
      }
      o.println("preflight: divergence found; sweeping anyway (--force)");
    }
  }
}
