package dev.depthlab.cli;

import dev.depthlab.runner.Studies;
import java.nio.file.Path;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/**
 * {@code --out DIR}, the folder a command writes, for every command that writes one (train, sweep,
 * phase, signal, slurm); each command's description says its default, and {@link #or} applies it.
 * The path's checks (names that fit, a writable folder) are the writer's: {@code SweepRunner} for a
 * sweep's or phase's folders, {@link Studies#requireNamesFit} for a run folder.
 */
public final class OutOption {
  @Option(
      names = "--out",
      paramLabel = "DIR",
      description =
          "The folder this command writes (default: under results/, named after the study, as the"
              + " description above says).")
  Path dir;

  /** {@code --out} if given, else the command's default (computed only when needed). */
  Path or(Supplier<Path> fallback) {
    return dir != null ? dir : fallback.get();
  }
}
