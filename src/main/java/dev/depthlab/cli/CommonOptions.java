package dev.depthlab.cli;

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

  /** The --set overrides, with --backend and --precision folded in as overrides too. */
  List<String> overrides() {
    List<String> all = new ArrayList<>(sets);
    if (backend != null) {
      all.add("backend=" + backend);
    }
    if (precision != null) {
      all.add("precision=" + precision);
    }
    return all;
  }
}
