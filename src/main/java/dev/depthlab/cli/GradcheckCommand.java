package dev.depthlab.cli;

import dev.depthlab.backend.Availability;
import dev.depthlab.backend.Backend;
import dev.depthlab.backend.Gradients;
import dev.depthlab.backend.ReplicaSetup;
import dev.depthlab.backend.registry.BackendRegistry;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.model.OutputGradient;
import dev.depthlab.model.Precision;
import dev.depthlab.train.GradCheck;
import dev.depthlab.train.RunSpec;
import dev.depthlab.train.Trainer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code depthlab gradcheck}: every usable backend's gradients against central finite differences,
 * in both precisions, and the backends against each other.
 */
@Command(
    name = "gradcheck",
    mixinStandardHelpOptions = true,
    description = {
      "Check each usable backend's gradients against central finite differences "
          + "(fp64 and fp32) and against each other, at the initial parameters of a study's runs.",
      "With --backend cpu|cuda|reference that backend must be usable (exit 1 with the reason "
          + "if not); a backend's unsupported precision (reference: fp32) is left out.",
      "Error: norm-wise relative error per layer, max over layers; parameters whose finite "
          + "difference crosses a ReLU kink are excluded and counted."
    })
final class GradcheckCommand implements Callable<Integer> {
  static final double FP64_TOLERANCE = 1e-6;
  static final double FP32_TOLERANCE = 1e-3;
  static final double CROSS_TOLERANCE_FP64 = 1e-10;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "CONFIG",
      description = "Study config (default: the built-in seed-study).")
  Path config;

  @Option(names = "--seeds", description = "How many of the study's seeds to check (default 3).")
  int seeds = 3;

  @Option(names = "--batch", description = "Samples in the checked batch (default 16).")
  int batch = 16;

  @Mixin CommonOptions common;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    StudyConfig cfg = Studies.load(config, "seed-study", common.overrides());
    if (seeds < 1 || batch < 1) {
      throw new dev.depthlab.common.UserError("--seeds and --batch must be >= 1");
    }
    BackendRegistry registry = BackendRegistry.standard();
    if (common.backend != null && !"auto".equals(common.backend)) {
      // a named backend must be usable (exit 1 with its reason otherwise), as for train and sweep
      registry.select(common.backend, s -> {});
    }
    List<Backend> usable = new ArrayList<>();
    for (Backend b : registry.all()) {
      Availability av = b.availability();
      if (av.usable()) {
        usable.add(b);
      } else {
        out.println(b.name() + " skipped: " + av.reason());
      }
    }
    OutputGradient rule = cfg.training().outputGradient();
    out.println(
        "output gradient "
            + rule.key()
            + ": finite differences of "
            + (rule == OutputGradient.FUSED
                ? "the unclipped BCE (p - y is its exact gradient)"
                : "the clipped BCE continued beyond each clip bound by its tangent line"));
    out.printf(
        "%-14s %-6s %-5s %-5s %-12s %-12s %s%n",
        "dataset", "depth", "seed", "backend", "fp64 vs FD", "fp32 vs FD", "excluded (kinks)");
    boolean ok = true;
    double worst64 = 0;
    double worst32 = 0;
    double worstCross = 0;
    var ds = cfg.data().sets().get(0);
    for (int depth : RunSpec.depthsOf(cfg)) {
      for (int si = 0; si < Math.min(seeds, cfg.seeds().size()); si++) {
        RunSpec run = new RunSpec(cfg, ds, depth, cfg.seeds().get(si));
        ReplicaSetup setup = Trainer.setupFor(run);
        int n = Math.min(batch, setup.train().size());
        int[] idx = new int[n];
        for (int k = 0; k < n; k++) {
          idx[k] = k;
        }
        Gradients reference = null;
        for (Backend b : usable) {
          double[] err = new double[2];
          int excluded = 0;
          Gradients g64 = null;
          boolean fp32 = b.traits().supports(Precision.FP32);
          for (Precision p : Precision.values()) {
            if (!b.traits().supports(p)) {
              continue;
            }
            Gradients g =
                GradCheck.backendGradients(
                    b, run.net(), p, setup.initial(), setup.train(), setup.test(), idx);
            GradCheck.Result r =
                GradCheck.check(
                    run.net(), setup.initial(), setup.train(), idx, g.weights()[0], g.biases()[0]);
            err[p == Precision.FP64 ? 0 : 1] = r.maxRelError();
            excluded = r.excluded();
            if (p == Precision.FP64) {
              g64 = g;
            }
          }
          ok &= err[0] < FP64_TOLERANCE && (!fp32 || err[1] < FP32_TOLERANCE);
          worst64 = Math.max(worst64, err[0]);
          worst32 = fp32 ? Math.max(worst32, err[1]) : worst32;
          if (reference == null) {
            reference = g64;
          } else {
            double cross =
                GradCheck.maxRelDifference(
                    reference.weights()[0],
                    reference.biases()[0],
                    g64.weights()[0],
                    g64.biases()[0]);
            worstCross = Math.max(worstCross, cross);
            ok &= cross < CROSS_TOLERANCE_FP64;
          }
          out.printf(
              "%-14s %-6d %-5d %-5s %-12.3e %-12s %d%n",
              ds.label(),
              depth,
              run.seed(),
              b.name(),
              err[0],
              fp32 ? String.format("%.3e", err[1]) : "(fp64 only)",
              excluded);
        }
      }
    }
    out.printf(
        "max error: fp64 %.3e (tolerance %.0e), fp32 %.3e (tolerance %.0e)%n",
        worst64, FP64_TOLERANCE, worst32, FP32_TOLERANCE);
    if (usable.size() > 1) {
      out.printf(
          "backends vs each other (fp64): %.3e (tolerance %.0e)%n",
          worstCross, CROSS_TOLERANCE_FP64);
    } else {
      out.println("backends vs each other: only one usable backend here, nothing to compare");
    }
    out.println(ok ? "gradcheck passed" : "gradcheck FAILED");
    return ok ? 0 : 1;
  }
}
