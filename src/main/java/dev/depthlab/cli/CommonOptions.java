package dev.depthlab.cli;

import dev.depthlab.common.UserError;
import dev.depthlab.config.DidYouMean;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Options shared by the commands that run a study config. */
public final class CommonOptions {
  @Option(
      names = "--backend",
      paramLabel = "BACKEND",
      completionCandidates = BackendNames.class,
      description =
          "Backend to compute on: ${COMPLETION-CANDIDATES} (default: the config's, auto)."
              + " reference is the plain fp64 network the others are checked against: slower,"
              + " for checks.")
  String backend;

  @Option(
      names = "--precision",
      paramLabel = "fp32|fp64",
      description = "Floating-point precision (default: the config's).")
  String precision;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "Override a config key, e.g. --set training.epochs=50 (repeatable).")
  List<String> sets = new ArrayList<>();

  @Option(
      names = {"-q", "--quiet"},
      description = "Plain log lines only, no progress bar.")
  boolean quiet;

  /**
   * The --set overrides, with --backend and --precision folded in as overrides too; a value those
   * two do not take is refused here, quoting the option as typed (not as a --set).
   */
  List<String> overrides() {
    List<String> all = new ArrayList<>(sets);
    List<String> backends = dev.depthlab.common.BackendCatalog.standard().choices();
    if (backend != null && !backends.contains(backend)) {
      throw new UserError(
          "--backend "
              + backend
              + ": must be one of "
              + String.join(", ", backends)
              + (backend.equalsIgnoreCase("gpu") && backends.contains("cuda")
                  ? " (did you mean 'cuda'?)"
                  : DidYouMean.of(backend, backends)));
    }
    if (precision != null && !List.of("fp32", "fp64").contains(precision)) {
      throw new UserError("--precision " + precision + ": must be fp32 or fp64");
    }
    if (backend != null) {
      all.add("backend=" + backend);
    }
    if (precision != null) {
      all.add("precision=" + precision);
    }
    return all;
  }
}
