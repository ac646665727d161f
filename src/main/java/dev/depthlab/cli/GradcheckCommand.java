package dev.depthlab.cli;

import dev.depthlab.backend.Availability;
import dev.depthlab.backend.Backend;
import dev.depthlab.backend.registry.BackendRegistry;
import dev.depthlab.common.UserError;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.model.OutputGradient;
import dev.depthlab.runner.Studies;
import dev.depthlab.train.GradcheckRun;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
          + "if not); a precision a backend does not compute in (reference: fp32) is left out.",
      "Error: norm-wise relative error per layer, max over layers; parameters whose finite "
          + "difference crosses a ReLU kink are excluded and counted."
    })
final class GradcheckCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "CONFIG",
      description = "Study config (default: the built-in quick study, as every command).")
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
    StudyConfig cfg = Studies.load(config, "quick", common.overrides());
    if (seeds < 1 || batch < 1) {
      throw new UserError("--seeds and --batch must be >= 1");
    }
    List<Backend> usable = usableBackends(out);
    OutputGradient rule = cfg.training().outputGradient();
    out.println(
        "output gradient "
            + rule.key()
            + ": finite differences of "
            + GradcheckRun.objective(rule));
    out.printf(
        "%-14s %-6s %-5s %-9s %-12s %-12s %s%n",
        "dataset", "depth", "seed", "backend", "fp64 vs FD", "fp32 vs FD", "excluded (kinks)");
    GradcheckRun.Outcome outcome = GradcheckRun.run(cfg, usable, seeds, batch);
    for (GradcheckRun.Row r : outcome.rows()) {
      out.printf(
          "%-14s %-6d %-5d %-9s %-12.3e %-12s %d%n",
          r.dataset(),
          r.depth(),
          r.seed(),
          r.backend(),
          r.fp64Error(),
          r.fp32Checked() ? String.format(Locale.ROOT, "%.3e", r.fp32Error()) : "(fp64 only)",
          r.excluded());
    }
    GradcheckRun.Verdict v = outcome.verdict();
    out.printf(
        "max error: fp64 %.3e (tolerance %.0e), fp32 %.3e (tolerance %.0e)%n",
        v.worstFp64(), v.fp64Tolerance(), v.worstFp32(), v.fp32Tolerance());
    if (v.compared()) {
      out.printf(
          "backends vs each other (fp64): %.3e (tolerance %.0e)%n",
          v.worstCross(), v.crossTolerance());
    } else {
      out.println("backends vs each other: only one usable backend here, nothing to compare");
    }
    out.println(v.passed() ? "gradcheck passed" : "gradcheck FAILED");
    return v.passed() ? 0 : 1;
  }

  /** Every usable backend, saying why any other is skipped; a named one must be usable. */
  private List<Backend> usableBackends(PrintWriter out) {
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
    return usable;
  }
}
