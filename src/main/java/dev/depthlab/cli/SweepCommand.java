package dev.depthlab.cli;

import dev.depthlab.backend.Backend;
import dev.depthlab.runner.Studies;
import dev.depthlab.runner.SweepRunner;
import dev.depthlab.sweep.Grid;
import dev.depthlab.sweep.Shards;
import dev.depthlab.sweep.Variant;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
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
      "Rerunning skips finished runs. A folder locked to another protocol hash is refused.",
      "The study folder is --out DIR (default: results/<name>/)."
    })
final class SweepCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "CONFIG",
      description = "Study config (YAML); none runs the built-in quick study.")
  Path config;

  @Mixin OutOption out;

  @Mixin JobsOption jobs;

  @Mixin PreflightOption preflight;

  @Option(names = "--force", description = "Sweep even when the preflight finds a divergence.")
  boolean force;

  @Option(
      names = "--shard",
      paramLabel = "I/N",
      description =
          "Run only shard I of N (I from 0; a cluster array task each, see docs/cluster.md) "
              + "into <out>/shard-I-of-N; `depthlab merge` joins the shards.")
  String shard;

  @Mixin CommonOptions common;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter o = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Integer jobs = this.jobs.value();
    List<String> sets = common.overrides();
    Path root =
        out.or(() -> Path.of("results", Studies.load(config, "quick", Grid.firstOf(sets)).name()));
    Shards.Shard part = shard == null ? null : Shards.Shard.parse(shard);
    if (part != null) {
      root = root.resolve(part.folderName());
    }
    List<Variant> variants = Grid.variants(sets, root, ov -> Studies.load(config, "quick", ov));
    Backend backend = SweepRunner.prepare(variants, root, jobs, err);
    try (var lock = Locks.hold(spec, SweepRunner.folders(variants, root))) {
      SweepRunner.run(
          variants,
          root,
          backend,
          jobs,
          preflight.value(),
          force ? SweepRunner.OnDivergence.REPORT : SweepRunner.OnDivergence.STOP,
          common.quiet,
          part,
          o);
    }
    return 0;
  }
}
