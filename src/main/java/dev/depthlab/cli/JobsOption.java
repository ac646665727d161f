package dev.depthlab.cli;

import dev.depthlab.common.UserError;
import picocli.CommandLine.Option;

/** {@code --jobs N} of the commands that train many groups (sweep, phase), with its check. */
public final class JobsOption {
  @Option(
      names = "--jobs",
      paramLabel = "N",
      description =
          "Threads training groups in parallel (CPU: a run each; CUDA: a replica group "
              + "each, on its own stream). Default: the cores, at most the backend's limit "
              + "(`depthlab backends` lists it).")
  Integer jobs;

  /** The number given, or null for the backend's default; below 1 is refused (exit 2). */
  Integer value() {
    if (jobs != null && jobs < 1) {
      throw new UserError("--jobs must be at least 1, got " + jobs);
    }
    return jobs;
  }
}
