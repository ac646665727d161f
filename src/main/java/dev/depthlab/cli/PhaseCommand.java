package dev.depthlab.cli;

import dev.depthlab.backend.Backend;
import dev.depthlab.phase.Axis;
import dev.depthlab.phase.PhaseDiagram;
import dev.depthlab.phase.PhaseGrid;
import dev.depthlab.runner.StopOnSignal;
import dev.depthlab.runner.Studies;
import dev.depthlab.runner.SweepRunner;
import dev.depthlab.sweep.Grid;
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

/** {@code depthlab phase}: a two-key grid run as a sweep multirun, then phase.csv and heatmaps. */
@Command(
    name = "phase",
    mixinStandardHelpOptions = true,
    description = {
      "Run a grid over two config keys as a sweep (lock, resume, progress), then write "
          + "phase.csv and heatmaps of final test accuracy, final train loss, fraction diverged "
          + "and fraction with a dead layer, per data set.",
      "An axis is key=a,b,c or key=lo:hi:log:n or key=lo:hi:lin:n. model.depths as an axis is "
          + "the study's depth list; any other key makes one study folder per value.",
      "Writes into --out DIR (default: results/<name>-phase/)."
    })
final class PhaseCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "CONFIG",
      description = "Study config (YAML); none uses the built-in quick study.")
  Path config;

  @Option(
      names = "--x",
      required = true,
      paramLabel = "KEY=SPEC",
      description = "The x axis, e.g. model.depths=1,2,4,8.")
  String x;

  @Option(
      names = "--y",
      required = true,
      paramLabel = "KEY=SPEC",
      description = "The y axis, e.g. training.lr=1e-3:1:log:4.")
  String y;

  @Mixin OutOption out;

  @Mixin JobsOption jobs;

  @Mixin PreflightOption preflight;

  @Mixin CommonOptions common;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter o = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Integer jobs = this.jobs.value();
    PhaseGrid grid = PhaseGrid.of(Axis.parse("--x", x), Axis.parse("--y", y), common.overrides());
    List<String> sets = grid.overrides();
    Path root =
        out.or(
            () ->
                Path.of(
                    "results",
                    Studies.load(config, "quick", Grid.firstOf(sets)).name() + "-phase"));
    List<Variant> variants = Grid.variants(sets, root, ov -> Studies.load(config, "quick", ov));
    grid.check(variants);
    Backend backend = SweepRunner.prepare(variants, root, jobs, err);
    PhaseDiagram.Built b;
    try (var lock = Locks.hold(spec, SweepRunner.folders(variants, root))) {
      SweepRunner.run(
          variants,
          root,
          backend,
          jobs,
          Boolean.TRUE.equals(preflight.value()), // off unless asked: divergence is a result here
          SweepRunner.OnDivergence.REPORT,
          common.quiet,
          o);
      b =
          StopOnSignal.stage(
              "stopped: the phase diagram of " + root + " is not finished; rerun the same command",
              stop -> PhaseDiagram.write(root, grid, variants));
    }
    o.printf("phase table: %s (%d cells)%n", b.csv(), b.cells().size());
    o.printf("heatmaps: %s (%d)%n", root.resolve(PhaseDiagram.FIGURES), b.figures().size());
    return 0;
  }
}
