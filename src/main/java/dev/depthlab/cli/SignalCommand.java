package dev.depthlab.cli;

import dev.depthlab.common.UserError;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.plot.Figure;
import dev.depthlab.report.BornDeadFigure;
import dev.depthlab.report.JacobianFigures;
import dev.depthlab.report.SignalCsv;
import dev.depthlab.report.SignalFigures;
import dev.depthlab.runner.Studies;
import dev.depthlab.signal.BornDead;
import dev.depthlab.signal.JacobianStudy;
import dev.depthlab.signal.SignalStudy;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code depthlab signal}: per hidden layer, the variance of pre-activations and of back-propagated
 * gradients at initialisation beside the mean-field prediction.
 */
@Command(
    name = "signal",
    mixinStandardHelpOptions = true,
    description = {
      "Signal propagation at initialisation: for every data set and depth of a study, draw "
          + "networks as its runs do, push a batch of the first training points forward and "
          + "the loss gradient back, and write per hidden layer the mean square of the "
          + "pre-activations and of dL/dz beside the mean-field prediction (length map).",
      "Writes signal.csv, signal_map.csv, signal_jacobian.csv, signal_jacobian_hist.csv and the "
          + "figures signal-forward-<data set>, signal-backward-<data set> and "
          + "signal-jacobian-<data set> (PNG, SVG). Computed on the host in fp64.",
      "With --gaussian-vs-orthogonal: signal_jacobian_inits.csv and signal-isometry-<data set>"
          + " only.",
      "Writes into --out DIR (default: results/<name>-signal/, beside the study folder, never into it)."
    })
final class SignalCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "CONFIG",
      description = "Study config (default: the built-in quick study, as every command).")
  Path config;

  @Option(names = "--draws", description = "Initialisations per data set and depth (default 50).")
  int draws = SignalStudy.DEFAULT_DRAWS;

  @Option(
      names = "--batch",
      description = "Training points pushed through each network (default 256, all if fewer).")
  int batch = SignalStudy.DEFAULT_BATCH;

  @Option(
      names = "--born-dead",
      paramLabel = "DRAWS",
      description =
          "Instead: over DRAWS initialisations per data set, depth and width, the fraction of "
              + "networks born with a hidden layer dead on the whole training set, beside "
              + "1 - (1 - 2^-N)^L (born_dead.csv, born-dead-<data set>).")
  int bornDead;

  @Option(
      names = "--gaussian-vs-orthogonal",
      description =
          "Instead: the hidden-stack Jacobian's singular values at initialisation under "
              + "model.init gaussian and orthogonal (the config's sigma_w, sigma_b), per data set "
              + "and depth >= 2, on the same draws (signal_jacobian_inits.csv, "
              + "signal-isometry-<data set>).")
  boolean initPair;

  @Option(
      names = "--widths",
      split = ",",
      paramLabel = "N",
      description = "With --born-dead: the widths (default: the config's model.width).")
  List<Integer> widths;

  @Mixin OutOption outDir;

  @Mixin SetOption common;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  /** Without --out: results/<name>-signal, beside the study folder, never inside a study. */
  static Path defaultDir(StudyConfig cfg) {
    return Path.of("results", cfg.name() + "-signal");
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    // the bounds of the config's diagnostics.signal (docs/config.md)
    if (draws < 1 || draws > 10_000 || batch < 1 || batch > 100_000) {
      throw new UserError("--draws must be in 1..10000 and --batch in 1..100000");
    }
    if (initPair && bornDead != 0) {
      throw new UserError("--gaussian-vs-orthogonal and --born-dead are two separate analyses");
    }
    if (initPair) {
      // loaded twice with model.init set, so sigma_w and sigma_b may be set under a named init
      return SignalInitPair.run(out, config, common.overrides(), draws, outDir);
    }
    StudyConfig cfg = Studies.load(config, "quick", common.overrides());
    Path dir = outDir.or(() -> defaultDir(cfg));
    if (bornDead != 0) {
      return bornDead(out, cfg, dir);
    }
    SignalCsv.Analysis r = SignalStudy.run(cfg, draws, batch);
    out.printf(
        "%d draws (run seeds %d..), batch %d; %s, %s init, %s%n",
        draws,
        r.firstSeed(),
        r.batch(),
        cfg.model().activation().key(),
        cfg.model().init().key(),
        cfg.model().init().parametrised()
            ? "sigma_w " + cfg.model().sigmaW() + ", sigma_b " + cfg.model().sigmaB()
            : "bias " + cfg.model().biasInit());
    out.printf(
        "length map: sigma_w^2 = %.4g, fixed point q* = %.6g, chi_1 there = %.6g%n",
        r.sigmaW2(), r.fixedPoint(), r.chi());
    out.printf(
        "correlation map: c* = %.6g, chi_c = %.6g; depth scales xi_q = %.4g, xi_c = %.4g%n",
        r.cStar(), r.chiC(), r.xiQ(), r.xiC());
    out.printf(
        "%-14s %-6s %-12s %-24s %-12s %-12s %-12s %-24s %-10s%n",
        "dataset",
        "depth",
        "fwd last",
        "median [q1, q3]",
        "fwd theory",
        "bwd layer 1",
        "bwd theory",
        "corr last median [q1,q3]",
        "theory");
    SignalCsv.Row first = null;
    for (SignalCsv.Row row : r.rows()) {
      first = row.layer() == 1 ? row : first;
      if (row.layer() == row.depth()) {
        out.printf(
            "%-14s %-6d %-12.4e %-24s %-12.4e %-12.4e %-12.4e %-24s %-10.4f%n",
            row.dataset(),
            row.depth(),
            row.forward(),
            String.format(
                Locale.ROOT,
                "%.3e [%.3e, %.3e]",
                row.forwardSpread().median(),
                row.forwardSpread().q1(),
                row.forwardSpread().q3()),
            row.forwardTheory(),
            first.backward(),
            first.backwardTheory(),
            String.format(
                Locale.ROOT,
                "%.4f [%.4f, %.4f]",
                row.corrSpread().median(),
                row.corrSpread().q1(),
                row.corrSpread().q3()),
            row.corrTheory());
      }
    }
    List<JacobianStudy.Row> jac = JacobianStudy.run(cfg, draws);
    if (!jac.isEmpty()) {
      out.printf(
          "hidden-stack Jacobian at init (first point of each draw): %-14s %-6s %-12s %-12s %-12s %-10s%n",
          "dataset", "depth", "sv max", "sv min", "max/min", "mean sv^2");
      for (JacobianStudy.Row j : jac) {
        out.printf(
            "%-14s %-6d %-12.4g %-12.4g %-12.4g %-10.4g%n",
            j.dataset(),
            j.depth(),
            j.svMax().median(),
            j.svMin().median(),
            j.ratio().median(),
            j.meanSquare());
      }
    }
    SignalCsv.write(dir, r);
    JacobianStudy.write(dir, jac);
    List<Figure> figures = new java.util.ArrayList<>(SignalFigures.draw(dir, r));
    Map<String, Map<Integer, double[]>> hist = new LinkedHashMap<>();
    for (JacobianStudy.Row j : jac) {
      hist.computeIfAbsent(j.dataset(), k -> new TreeMap<>()).put(j.depth(), j.histogram());
    }
    hist.forEach((set, h) -> figures.add(JacobianFigures.drawSignal(dir, set, h, draws)));
    out.println(
        "wrote "
            + dir.resolve(SignalCsv.CSV)
            + ", "
            + SignalCsv.MAP_CSV
            + ", "
            + JacobianStudy.FILE
            + " and "
            + JacobianStudy.HIST_FILE);
    for (Figure f : figures) {
      out.println("wrote " + dir.resolve(f.name() + ".png") + " (and .svg)");
    }
    return 0;
  }

  private int bornDead(PrintWriter out, StudyConfig cfg, Path dir) {
    List<Integer> ws = widths == null ? List.of(cfg.model().width()) : widths;
    if (bornDead < 1 || bornDead > 100_000 || ws.stream().anyMatch(w -> w < 1 || w > 4096)) {
      throw new UserError("--born-dead must be in 1..100000 and --widths in 1..4096");
    }
    List<BornDead.Row> rows = BornDead.run(cfg, ws, bornDead);
    out.printf(
        "%-14s %-6s %-6s %-22s %-14s %-12s%n",
        "dataset", "depth", "width", "born dead (set) +- se", "one point", "1-(1-2^-N)^L");
    Map<String, Map<Integer, Map<Integer, double[]>>> bySet = new LinkedHashMap<>();
    for (BornDead.Row r : rows) {
      out.printf(
          "%-14s %-6d %-6d %-22s %-14.4f %-12.4f%n",
          r.dataset(),
          r.depth(),
          r.width(),
          String.format(Locale.ROOT, "%.4f +- %.4f", r.fraction(), r.fractionSe()),
          r.pointFraction(),
          r.theory());
      bySet
          .computeIfAbsent(r.dataset(), k -> new LinkedHashMap<>())
          .computeIfAbsent(r.width(), k -> new TreeMap<>())
          .put(r.depth(), new double[] {r.fraction(), r.theory()});
    }
    BornDead.write(dir, rows);
    out.println("wrote " + dir.resolve(BornDead.FILE));
    bySet.forEach(
        (set, byWidth) -> {
          Figure f = BornDeadFigure.draw(dir, set, BornDeadFigure.lines(byWidth), bornDead);
          out.println("wrote " + dir.resolve(f.name() + ".png") + " (and .svg)");
        });
    return 0;
  }
}
