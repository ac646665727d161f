package dev.depthlab.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.depthlab.common.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a finished run folder verifies: run.json names the run its folder is for (data set,
 * depth, seed; the variant is its {@code config_hash}, which the caller holds to study.yaml's), and
 * every file its {@code files} section lists has the recorded size and SHA-256. A run counts only
 * when it verifies: the sweep retrains one that does not, report and merge refuse it. A run.json
 * without the section (written before depthlab recorded checksums) does not verify either: its
 * files cannot be told from damaged ones, so it is retrained like them.
 */
public final class RunCheck {
  /** run.json's section of file sizes and checksums, by file name. */
  public static final String FILES = "files";

  private static final ObjectMapper JSON = new ObjectMapper();

  private RunCheck() {}

  /** The {@code files} entry of a written file: its size in bytes and its SHA-256. */
  static ObjectNode entry(Path file) {
    ObjectNode e = JSON.createObjectNode();
    try {
      e.put("bytes", Files.size(file));
    } catch (IOException ex) {
      throw new UserError("cannot read " + file + ": " + ex.getMessage(), UserError.FAILURE);
    }
    e.put("sha256", sha256(file));
    return e;
  }

  /** Why the finished run in {@code dir} does not verify as {@code spec}; empty when it does. */
  public static Optional<String> problem(Path dir, RunSpec spec) {
    JsonNode j;
    try {
      j = JSON.readTree(dir.resolve(RunFolder.RUN_JSON).toFile());
    } catch (IOException e) {
      return Optional.of(RunFolder.RUN_JSON + " cannot be read: " + firstLine(e.getMessage()));
    }
    String dataset = j.path("dataset").asText("?");
    String depth = j.path("depth").asText("?");
    String seed = j.path("seed").asText("?");
    if (!dataset.equals(spec.dataset().label())
        || !depth.equals(Integer.toString(spec.depth()))
        || !seed.equals(Long.toString(spec.seed()))) {
      return Optional.of(
          "run.json is the run "
              + dataset
              + " d"
              + depth
              + " s"
              + seed
              + ", not this folder's "
              + spec.shortName()
              + " (a folder moved or copied into place)");
    }
    JsonNode files = j.get(FILES);
    if (files == null || !files.isObject() || !files.has(RunFolder.EPOCHS_CSV)) {
      return Optional.of(
          "run.json records no file checksums (an older depthlab wrote it), so its files cannot"
              + " be verified");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = files.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      Path file = dir.resolve(f.getKey());
      if (!file.normalize().getParent().equals(dir.normalize()) || !Files.isRegularFile(file)) {
        return Optional.of(f.getKey() + " is missing");
      }
      long recorded = f.getValue().path("bytes").asLong(-1);
      long size;
      try {
        size = Files.size(file);
      } catch (IOException e) {
        return Optional.of(f.getKey() + " cannot be read: " + firstLine(e.getMessage()));
      }
      if (size != recorded) {
        return Optional.of(
            f.getKey() + " has " + size + " bytes, run.json recorded " + recorded + " (damaged)");
      }
      if (!sha256(file).equals(f.getValue().path("sha256").asText())) {
        return Optional.of(
            f.getKey() + "'s SHA-256 differs from the one run.json recorded (damaged)");
      }
    }
    return Optional.empty();
  }

  /** The SHA-256 of a file's bytes, in hex. */
  public static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException e) {
      throw new UserError("cannot read " + file + ": " + e.getMessage(), UserError.FAILURE);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e); // every JDK has SHA-256
    }
  }

  private static String firstLine(String m) {
    if (m == null) {
      return "";
    }
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
