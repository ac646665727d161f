package dev.depthlab.runner;

import dev.depthlab.backend.Backend;
import dev.depthlab.common.UserError;
import dev.depthlab.config.ConfigLoader;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.data.DatasetSpec;
import dev.depthlab.data.Datasets;
import dev.depthlab.model.Precision;
import dev.depthlab.sweep.ResourceCheck;
import java.nio.file.Path;
import java.util.List;

/** Loads a study config for a command and checks what the config loader leaves to others. */
public final class Studies {
  private Studies() {}

  /** The config at {@code path}, or the built-in {@code fallback} study when path is null. */
  public static StudyConfig load(Path path, String fallback, List<String> overrides) {
    StudyConfig cfg =
        path == null
            ? ConfigLoader.builtIn(fallback, overrides)
            : ConfigLoader.load(path, overrides);
    for (DatasetSpec d : cfg.data().sets()) {
      Datasets.validate(d);
      Datasets.validateNoise(d, cfg.data().noise());
      if (d.csv() != null) { // the file's rows against the test rule: enough to train on
        Datasets.forRun(d, cfg.data().nTrain(), cfg.data().test(), cfg.data().noise(), 0);
      }
      if (cfg.precision() == Precision.FP32 && Datasets.largestCoordinate(d) > Float.MAX_VALUE) {
        throw new UserError(
            "data set '"
                + (d.csv() != null ? d.label() : d.kind())
                + "': its points may reach "
                + String.format(java.util.Locale.ROOT, "%.2g", Datasets.largestCoordinate(d))
                + ", beyond fp32's 3.4e38 (precision fp32); use precision fp64 or smaller"
                + " parameters");
      }
    }
    ResourceCheck.requireHost(cfg);
    return cfg;
  }

  /** The longest file name most file systems take, in bytes (Linux NAME_MAX). */
  public static final int NAME_MAX = 255;

  /** The longest path, in bytes, left for the files under a folder (Linux PATH_MAX is 4096). */
  public static final int PATH_MAX = 3800;

  /**
   * Refuses (exit 2), before anything is written, a folder whose path the file system would refuse
   * ("File name too long"): a name of more than {@value #NAME_MAX} bytes, or a path of more than
   * {@value #PATH_MAX} bytes (the rest of PATH_MAX is left for the files depthlab writes in it).
   */
  public static void requireNamesFit(Path dir) {
    Path abs = dir.toAbsolutePath().normalize();
    for (Path name : abs) {
      int bytes = name.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      if (bytes > NAME_MAX) {
        throw new UserError(
            "cannot write "
                + dev.depthlab.config.Limits.shortened(dir.toString())
                + ": a folder name of "
                + bytes
                + " bytes ("
                + dev.depthlab.config.Limits.shortened(name.toString())
                + "), beyond the file system's "
                + NAME_MAX
                + "; choose a shorter --out or fewer --set lists");
      }
    }
    int bytes = abs.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    if (bytes > PATH_MAX) {
      throw new UserError(
          "cannot write "
              + dev.depthlab.config.Limits.shortened(dir.toString())
              + ": its path is "
              + bytes
              + " bytes, beyond "
              + PATH_MAX
              + " (the file system's limit less room for the files in it); choose a shorter --out");
    }
  }

  /**
   * Refuses (exit 2), before anything is written, a study whose precision the backend does not
   * compute in (the reference backend: fp64 only).
   */
  public static void requirePrecision(Backend backend, StudyConfig cfg) {
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
