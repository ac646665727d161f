package dev.depthlab.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --set KEY=VALUE} alone, for the commands that read a study config but neither compute on a
 * backend nor print progress ({@code data}, {@code signal}): they do not list options that would
 * not apply ({@link CommonOptions} has the full set).
 */
public final class SetOption {
  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "Override a config key, e.g. --set training.epochs=50 (repeatable).")
  List<String> sets = new ArrayList<>();

  /** The overrides, in order. */
  List<String> overrides() {
    return List.copyOf(sets);
  }
}
