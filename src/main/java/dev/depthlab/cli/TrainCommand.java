package dev.depthlab.cli;

import dev.depthlab.backend.Backend;
import dev.depthlab.backend.registry.BackendRegistry;
import dev.depthlab.common.UserError;
import dev.depthlab.config.ConfigYaml;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.data.DatasetSpec;
import dev.depthlab.report.RunFigures;
import dev.depthlab.runner.Studies;
import dev.depthlab.sweep.Grid;
import dev.depthlab.sweep.ResourceCheck;
import dev.depthlab.sweep.StudyLock;
import dev.depthlab.sweep.WriterLock;
import dev.depthlab.train.EpochRecord;
import dev.depthlab.train.RunRecorder;
import dev.depthlab.train.RunResult;
import dev.depthlab.train.RunSpec;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code depthlab train}: one run with live progress, written to a run folder. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Train one run (one data set, depth and seed of a study) and write its folder.",
      "The run folder is --out DIR (default: results/<study>/runs/...). Inside a study folder (one"
          + " above it holds study.yaml) only one of the study's runs, under its protocol, is"
          + " written."
    })
final class TrainCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "CONFIG", description = "Study config (YAML).")
  Path config;

  @Option(names = "--dataset", description = "Data set of the study (default: its first).")
  String dataset;

  @Option(names = "--depth", description = "Hidden layers (default: the study's first depth).")
  Integer depth;

  @Option(names = "--seed", description = "Run seed, >= 0 (default: the study's first seed).")
  Long seed;

  @Mixin OutOption out;

  @Mixin CommonOptions common;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter o = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    StudyConfig cfg = Studies.load(config, null, common.overrides());
    RunSpec run = new RunSpec(cfg, pickDataset(cfg), pickDepth(cfg), pickSeed(cfg));
    Path dir = out.or(() -> Path.of("results", cfg.name()).resolve(run.relativeDir()));
    Studies.requireNamesFit(dir);
    Backend backend =
        BackendRegistry.standard(cfg.backendOptions()).select(cfg.backend(), err::println);
    Studies.requirePrecision(backend, cfg);
    ResourceCheck.requireFits(backend, cfg, false);
    Optional<Path> study = studyOf(dir);
    // inside a study, the run is one of the study's, under its lock, so no sweep writes beside it
    try (WriterLock lock = study.isPresent() ? Locks.hold(spec, List.of(study.get())) : null) {
      study.ifPresent(s -> requireStudyRun(s, dir, cfg, run));
      return train(cfg, run, backend, dir, o);
    }
  }

  private int train(StudyConfig cfg, RunSpec run, Backend backend, Path dir, PrintWriter o) {
    o.printf(
        "training %s on %s (%s): %s, %d epochs -> %s%n",
        run.shortName(),
        backend.name(),
        cfg.precision().key(),
        run.net().describe(),
        cfg.training().epochs(),
        dir);
    RunResult result;
    try (Progress progress = Progress.open("train", cfg.training().epochs(), common.quiet, o)) {
      result =
          new RunRecorder(backend)
              .trainAndRecord(
                  List.of(run),
                  List.of(dir),
                  new RunRecorder.Listener() {
                    @Override
                    public void onEpoch(int replica, EpochRecord r) {
                      progress.epoch(r);
                    }
                  })
              .get(0);
    }
    var s = result.summary();
    var g = s.gradNorm();
    o.printf(
        "%s: train acc %.4f, test acc %.4f, test loss %.4f, grad norm %.4g +- %.3g (cv %.3f%s),"
            + " %.1f s%n",
        s.status(),
        s.trainAccuracy(),
        s.testAccuracy(),
        s.testLoss(),
        g.mean(),
        g.std(),
        g.cv(),
        g.fromEpoch() == 1 ? "" : ", epochs " + g.fromEpoch() + "-" + g.toEpoch(),
        result.wallSeconds());
    long drawStart = System.nanoTime();
    int figures = RunFigures.draw(dir, cfg).size();
    o.printf(
        "drew %d figures and 2 animations into %s (%.1f s)%n",
        figures, dir.resolve("figures"), (System.nanoTime() - drawStart) / 1e9);
    o.println("wrote " + dir);
    return 0;
  }

  /**
   * The study folder {@code dir} is inside: the nearest folder above it holding study.yaml. {@code
   * dir} itself holding one is refused: a run's files would land among the study's.
   */
  static Optional<Path> studyOf(Path dir) {
    Path abs = dir.toAbsolutePath().normalize();
    if (Files.isRegularFile(abs.resolve(StudyLock.FILE))) {
      throw new UserError(
          dir + " is a study folder; a run goes in its run folder, " + dir + "/runs/<set>/...");
    }
    for (Path p = abs.getParent(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve(StudyLock.FILE))) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /**
   * A run written inside a study must be one the study plans, at its place, under the study's
   * protocol: otherwise it would replace a finished run with one of another hash, or add a run the
   * study does not have (both then left out of its report, and the folder refused by its sweep).
   */
  private static void requireStudyRun(Path study, Path dir, StudyConfig cfg, RunSpec run) {
    StudyConfig locked = StudyLock.read(study);
    Path abs = dir.toAbsolutePath().normalize();
    boolean planned =
        Grid.runs(locked).stream()
            .anyMatch(
                r ->
                    study.resolve(r.relativeDir()).normalize().equals(abs)
                        && r.relativeDir().equals(run.relativeDir()));
    if (!planned) {
      throw new UserError(
          dir
              + " is inside the study "
              + study
              + ", which has no run "
              + run.shortName()
              + " there (data sets "
              + locked.data().sets().stream().map(DatasetSpec::label).toList()
              + ", depths "
              + RunSpec.depthsOf(locked)
              + ", seeds "
              + locked.seeds()
              + "); train it elsewhere with --out DIR");
    }
    String have = StudyLock.storedHash(study).orElseThrow();
    String want = ConfigYaml.hash(cfg);
    if (!have.equals(want)) {
      throw new UserError(
          "the study "
              + study
              + " holds protocol hash "
              + have.substring(0, Math.min(16, have.length()))
              + " but this config hashes to "
              + ConfigYaml.shortHash(cfg)
              + "; its runs are retrained with `depthlab train "
              + study.resolve(StudyLock.FILE)
              + " ...`, another protocol goes elsewhere with --out DIR");
    }
  }

  private DatasetSpec pickDataset(StudyConfig cfg) {
    if (dataset == null) {
      return cfg.data().sets().get(0);
    }
    for (DatasetSpec d : cfg.data().sets()) {
      if (d.label().equals(dataset) || d.kind().equals(dataset)) {
        return d;
      }
    }
    List<String> known = cfg.data().sets().stream().map(DatasetSpec::label).toList();
    throw new UserError(
        "--dataset "
            + dataset
            + ": not in the study's data.sets "
            + known
            + " (add it with --set data.sets=["
            + dataset
            + "])");
  }

  private int pickDepth(StudyConfig cfg) {
    List<Integer> depths = RunSpec.depthsOf(cfg);
    if (depth == null) {
      return depths.get(0);
    }
    if (cfg.model().explicitLayers()) {
      throw new UserError("--depth: the study lists its layers explicitly (model.layers)");
    }
    if (depth < 0) {
      throw new UserError("--depth must be >= 0, got " + depth);
    }
    if (!depths.contains(depth)) {
      // a depth the config does not list: what the config accepts as a depth, it accepts here
      // (the limit, depth 0 where the diagnostics need hidden layers)
      try {
        List<String> sets = new java.util.ArrayList<>(common.overrides());
        sets.add("model.depths=[" + depth + "]");
        Studies.load(config, null, sets);
      } catch (UserError e) {
        throw new UserError("--depth " + depth + ": " + e.getMessage());
      }
    }
    return depth;
  }

  private long pickSeed(StudyConfig cfg) {
    if (seed != null && seed < 0) {
      throw new UserError("--seed must be >= 0 (seeds name folders, seed-<s>), got " + seed);
    }
    return seed != null ? seed : cfg.seeds().get(0);
  }
}
