package dev.depthlab.cli;

import dev.depthlab.backend.Backend;
import dev.depthlab.common.UserError;
import dev.depthlab.config.ConfigLoader;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.data.DatasetSpec;
import dev.depthlab.data.Datasets;
import dev.depthlab.sweep.ResourceCheck;
import java.nio.file.Path;
import java.util.List;

/** Loads a study config for a command and checks what the config loader leaves to others. */
final class Studies {
  private Studies() {}

  /** The config at {@code path}, or the built-in {@code fallback} study when path is null. */
  static StudyConfig load(Path path, String fallback, List<String> overrides) {
    StudyConfig cfg =
        path == null
            ? ConfigLoader.builtIn(fallback, overrides)
            : ConfigLoader.load(path, overrides);
    for (DatasetSpec d : cfg.data().sets()) {
      Datasets.validate(d);
      Datasets.validateNoise(d, cfg.data().noise());
    }
    ResourceCheck.requireHost(cfg);
    return cfg;
  }

  /**
   * Refuses (exit 2), before anything is written, a study whose precision the backend does not
   * compute in (the reference backend: fp64 only).
   */
  static void requirePrecision(Backend backend, StudyConfig cfg) {
    if (!backend.traits().supports(cfg.precision())) {
      throw new UserError(
          "the "
              + backend.name()
              + " backend does not compute in "
              + cfg.precision().key()
              + "; use --precision fp64");
    }
  }
}
