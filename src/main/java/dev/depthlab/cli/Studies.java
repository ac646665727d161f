package dev.depthlab.cli;

import dev.depthlab.config.ConfigLoader;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.data.DatasetSpec;
import dev.depthlab.data.Datasets;
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
    return cfg;
  }
}
