package dev.depthlab.cli;

import dev.depthlab.sweep.Preflight;
import picocli.CommandLine.Option;

/**
 * {@code --[no-]preflight} of the commands that train many runs (sweep, phase): a few epochs of
 * every data set and depth before the runs. Unset, each command has its own default.
 */
public final class PreflightOption {
  @Option(
      names = "--preflight",
      negatable = true,
      description =
          "A few epochs of every data set and depth first. sweep: on by default above "
              + Preflight.AUTO_RUNS
              + " runs or "
              + Preflight.AUTO_STEPS
              + " steps, and a divergence stops it (unless --force); phase: off by default,"
              + " divergences are printed, never stop the grid (divergence is a result there).")
  Boolean preflight;

  /** True or false as given; null when neither {@code --preflight} nor its negation was. */
  Boolean value() {
    return preflight;
  }
}
