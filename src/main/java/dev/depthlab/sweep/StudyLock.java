package dev.depthlab.sweep;

import dev.depthlab.common.AtomicFiles;
import dev.depthlab.common.Invocation;
import dev.depthlab.common.UserError;
import dev.depthlab.config.ConfigDiff;
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
    Invocation.Source src = Invocation.source();
    return "# depthlab study: the resolved protocol of every run in this folder.\n"
        + "# Runs of another protocol hash never mix in (the backend is not part of the hash).\n"
        + DESIGN
        // provenance, as comments: outside the protocol and its hash
        + "# made by: "
        + oneLine(Invocation.commandLine())
        + "\n"
        + "# source: "
        + src.describe()
        + "\n"
        + HASH_PREFIX
        + ConfigYaml.hash(cfg)
        + "\n"
        + ConfigYaml.toYaml(cfg);
  }

  /**
   * Locks {@code dir} to {@code cfg}: writes study.yaml, or checks the one there. The caller holds
   * the folder's {@link WriterLock}, so no other writer runs between the check and the write; the
   * file is still created only if absent (create-new), never replaced.
   */
  public static void acquire(Path dir, StudyConfig cfg) {
    String wanted = ConfigYaml.hash(cfg);
    Optional<String> stored = storedHash(dir);
    if (stored.isEmpty() && AtomicFiles.writeNew(dir.resolve(FILE), text(cfg))) {
      return;
    }
    String there = storedHash(dir).orElseThrow();
    if (!there.equals(wanted)) {
      throw refusal(dir, read(dir), cfg);
    }
  }

  /** The most changed keys a refusal lists before "and N more". */
  static final int SHOWN_CHANGES = 6;

  /**
   * The one-line refusal for a folder locked to {@code stored}: each changed protocol key with its
   * old and new value, and a folder to write the new protocol into instead.
   */
  public static UserError refusal(Path dir, StudyConfig stored, StudyConfig wanted) {
    List<ConfigDiff.Change> changes = ConfigDiff.changes(stored, wanted);
    StringBuilder what = new StringBuilder();
    for (int i = 0; i < changes.size() && i < SHOWN_CHANGES; i++) {
      what.append(i == 0 ? "" : ", ").append(changes.get(i));
    }
    if (changes.size() > SHOWN_CHANGES) {
      what.append(" and ").append(changes.size() - SHOWN_CHANGES).append(" more");
    }
    Path elsewhere =
        dir.resolveSibling(
            dir.getFileName() + "-" + shorten(ConfigYaml.hash(wanted)).substring(0, 8));
    return new UserError(
        oneLine(
            dir
                + " holds a study with protocol hash "
                + shorten(ConfigYaml.hash(stored))
                + "; this config (hash "
                + shorten(ConfigYaml.hash(wanted))
                + ") differs in "
                + (changes.isEmpty() ? "its hash only" : what)
                + "; write it elsewhere with --out "
                + elsewhere
                + ", or delete "
                + dir
                + " to start over"));
  }

  private static String oneLine(String s) {
    return s.replace('\n', ' ').replace('\r', ' ');
  }

  /**
   * The hash study.yaml records, if the folder has one, verified: the body must hash to its {@code
   * # hash:} line (a body edited under an unchanged line is refused, naming the file and line).
   */
  public static Optional<String> storedHash(Path dir) {
    Path file = dir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    return Optional.of(verified(file, readText(file)).hash());
  }

  /** The config a study folder is locked to, verified against its hash line. */
  public static StudyConfig read(Path dir) {
    Path file = dir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      throw new UserError(dir + " is not a study folder (no " + FILE + ")");
    }
    return verified(file, readText(file)).config();
  }

  private record Stored(StudyConfig config, String hash) {}

  /** The config study.yaml holds and its hash, refused when the body does not match the line. */
  private static Stored verified(Path file, String text) {
    StudyConfig cfg = ConfigLoader.parseRecorded(text, file.toString());
    String actual = ConfigYaml.hash(cfg);
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].startsWith(HASH_PREFIX)) {
        String recorded = lines[i].substring(HASH_PREFIX.length()).trim();
        if (!recorded.equals(actual)) {
          throw new UserError(
              file
                  + ":"
                  + (i + 1)
                  + ": the protocol below this line hashes to "
                  + shorten(actual)
                  + ", not the recorded "
                  + shorten(recorded)
                  + ": the file was edited after its runs were made; restore it, or start a new"
                  + " study folder",
              UserError.FAILURE);
        }
        return new Stored(cfg, recorded);
      }
    }
    // a hand-written study.yaml without the line: its config decides
    return new Stored(cfg, actual);
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
