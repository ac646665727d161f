package dev.depthlab.sweep;

import dev.depthlab.common.AtomicFiles;
import dev.depthlab.common.UserError;
import dev.depthlab.config.ConfigLoader;
import dev.depthlab.config.ConfigYaml;
import dev.depthlab.config.StudyConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The protocol lock: {@code study.yaml} holds a study folder's resolved config under a comment line
 * {@code # hash: <sha256>}; it stays a valid config file ({@code depthlab sweep <study>/study.yaml}
 * reruns the study). A folder holding another hash is refused, so results of two protocols never
 * mix.
 */
public final class StudyLock {
  public static final String FILE = "study.yaml";
  private static final String HASH_PREFIX = "# hash: ";

  /**
   * The study's design, stated beside its protocol (a comment: not part of the hash). The report's
   * paired analysis rests on it (docs/metrics.md).
   */
  public static final String DESIGN =
      "# design: paired by seed. At one seed every depth gets the same data, batch order and first\n"
          + "# layers' initial weights (common random numbers); adjacent depths are compared seed by"
          + " seed.\n";

  private StudyLock() {}

  /** The text of study.yaml for a config. */
  public static String text(StudyConfig cfg) {
    return "# depthlab study: the resolved protocol of every run in this folder.\n"
        + "# Runs of another protocol hash never mix in (the backend is not part of the hash).\n"
        + DESIGN
        + HASH_PREFIX
        + ConfigYaml.hash(cfg)
        + "\n"
        + ConfigYaml.toYaml(cfg);
  }

  /** Locks {@code dir} to {@code cfg}: writes study.yaml, or checks the one there. */
  public static void acquire(Path dir, StudyConfig cfg) {
    String wanted = ConfigYaml.hash(cfg);
    Optional<String> stored = storedHash(dir);
    if (stored.isPresent()) {
      if (!stored.get().equals(wanted)) {
        throw refusal(dir, stored.get(), wanted);
      }
      return;
    }
    AtomicFiles.writeString(dir.resolve(FILE), text(cfg));
  }

  /** The hash study.yaml records, if the folder has one. */
  public static Optional<String> storedHash(Path dir) {
    Path file = dir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    String text = readText(file);
    for (String line : text.split("\n")) {
      if (line.startsWith(HASH_PREFIX)) {
        return Optional.of(line.substring(HASH_PREFIX.length()).trim());
      }
    }
    // a hand-written study.yaml without the line: its config decides
    return Optional.of(ConfigYaml.hash(ConfigLoader.parse(text, file.toString(), List.of())));
  }

  /** The config a study folder is locked to. */
  public static StudyConfig read(Path dir) {
    Path file = dir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      throw new UserError(dir + " is not a study folder (no " + FILE + ")");
    }
    return ConfigLoader.parse(readText(file), file.toString(), List.of());
  }

  /** The one-line refusal for a folder locked to another protocol. */
  public static UserError refusal(Path dir, String stored, String wanted) {
    return new UserError(
        dir
            + " holds a study with protocol hash "
            + shorten(stored)
            + " but this config hashes to "
            + shorten(wanted)
            + "; write it elsewhere with --out DIR, or delete "
            + dir
            + " to start over");
  }

  static String shorten(String hash) {
    return hash.length() > 16 ? hash.substring(0, 16) : hash;
  }

  private static String readText(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UserError("cannot read " + file + ": " + e.getMessage(), UserError.FAILURE);
    }
  }
}
