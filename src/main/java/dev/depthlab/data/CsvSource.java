package dev.depthlab.data;

import java.nio.file.Path;
import java.util.List;

/**
 * A data set read from a CSV file (data set kind {@code csv}): the file ({@code path}, absolute),
 * its label column, its feature columns in order (the network's inputs), an optional file of test
 * rows ({@code testPath}, or null: the config's test rule splits the file), and the SHA-256 of each
 * file's bytes, which the protocol hash covers instead of the paths. {@code name} labels the set in
 * folders and tables.
 */
public record CsvSource(
    String name,
    String path,
    String labelColumn,
    List<String> features,
    String testPath,
    String sha256,
    String testSha256) {
  public CsvSource {
    features = List.copyOf(features);
    if (features.isEmpty()) {
      throw new IllegalArgumentException("a CSV data set needs at least one feature column");
    }
  }

  /** The kind's name in configs. */
  public static final String KIND = "csv";

  /** The default name of a set read from {@code file}: its file name without extension. */
  public static String defaultName(Path file) {
    String stem = file.getFileName().toString();
    int dot = stem.lastIndexOf('.');
    if (dot > 0) {
      stem = stem.substring(0, dot);
    }
    String clean = stem.replaceAll("[^A-Za-z0-9._-]", "_");
    return clean.isEmpty() || clean.startsWith(".") ? "csv" + clean : clean;
  }
}
