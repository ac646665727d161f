package dev.depthlab.cli;

import dev.depthlab.backend.Backend;
import dev.depthlab.backend.registry.BackendRegistry;
import dev.depthlab.common.UserError;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.data.DatasetSpec;
import dev.depthlab.report.RunFigures;
import dev.depthlab.sweep.ResourceCheck;
import dev.depthlab.train.EpochRecord;
import dev.depthlab.train.RunRecorder;
import dev.depthlab.train.RunResult;
import dev.depthlab.train.RunSpec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
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
    description = "Train one run (one data set, depth and seed of a study) and write its folder.")
final class TrainCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "CONFIG", description = "Study config (YAML).")
  Path config;

  @Option(names = "--dataset", description = "Data set of the study (default: its first).")
  String dataset;

  @Option(names = "--depth", description = "Hidden layers (default: the study's first depth).")
  Integer depth;

  @Option(names = "--seed", description = "Run seed (default: the study's first seed).")
  Long seed;

  @Option(names = "--out", description = "Run folder (default: results/<study>/runs/...).")
  Path out;

  @Mixin CommonOptions common;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter o = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    StudyConfig cfg = Studies.load(config, null, common.overrides());
    RunSpec run = new RunSpec(cfg, pickDataset(cfg), pickDepth(cfg), pickSeed(cfg));
    Path dir = out != null ? out : Path.of("results", cfg.name()).resolve(run.relativeDir());
    Studies.requireNamesFit(dir);
    Backend backend =
        BackendRegistry.standard(cfg.cuda().graphs(), cfg.cuda().kernel())
            .select(cfg.backend(), err::println);
    Studies.requirePrecision(backend, cfg);
    ResourceCheck.requireFits(backend, cfg, false);
    o.printf(
        "training %s on %s (%s): %s, %d epochs -> %s%n",
        run.shortName(),
        backend.name(),
        cfg.precision().key(),
        run.net(),
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
    return depth;
  }

  private long pickSeed(StudyConfig cfg) {
    return seed != null ? seed : cfg.seeds().get(0);
  }
}
