package dev.depthlab.data;

import dev.depthlab.common.UserError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the CSV files of a {@code csv} data set: a header line of column names, then one row per
 * point, comma-separated, every used value a finite number and every label 0 or 1. Each refusal is
 * one line naming the file, the line and the column. A file's rows are read once per content hash
 * and kept (a few files) for the runs of a study.
 */
public final class CsvData {
  /** The fewest training rows a set may have (as {@code data.n_train}). */
  public static final int MIN_TRAIN = 2;

  private static final int KEPT = 4;
  private static final Map<String, DataSet> CACHE =
      new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, DataSet> e) {
          return size() > KEPT;
        }
      };

  private CsvData() {}

  /** SHA-256 (hex) of a file's bytes; a missing file is a one-line user error. */
  public static String sha256(Path file) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(Files.readAllBytes(file)));
    } catch (NoSuchFileException e) {
      throw new UserError("data file not found: " + file);
    } catch (IOException e) {
      throw new UserError("cannot read data file " + file + ": " + e.getMessage());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** The column names on a file's first line. */
  public static List<String> header(Path file) {
    List<String> lines = lines(file);
    if (lines.isEmpty() || lines.get(0).isBlank()) {
      throw new UserError(file + ":1: expected a header line of column names, got an empty file");
    }
    return fields(lines.get(0));
  }

  /** The rows of the set's main file (all of them: train and, without a test file, test). */
  public static DataSet main(CsvSource s) {
    return read(s, s.path(), s.sha256());
  }

  /** The rows of the set's test file; the set must have one. */
  public static DataSet test(CsvSource s) {
    return read(s, s.testPath(), s.testSha256());
  }

  /**
   * The run's train and test sets: the test file when given, else the file split by {@code test}:
   * the last {@code fraction} of its rows ({@code {fraction: f}}), or its last {@code n} rows
   * ({@code {n: N}}). The rows are taken in the file's order for every seed.
   */
  public static Split split(CsvSource s, TestSplit test) {
    DataSet all = main(s);
    if (s.testPath() != null) {
      requireTrain(s, all.size(), all.size(), "");
      DataSet rows = test(s);
      if (rows.size() == 0) {
        throw new UserError(
            "data set '" + s.name() + "': too few rows: " + s.testPath() + " has none");
      }
      return new Split(all, rows);
    }
    int rows = all.size();
    int cut = test.isSplit() ? (int) Math.round(rows * (1.0 - test.fraction())) : rows - test.n();
    String rule = test.isSplit() ? "test fraction " + test.fraction() : "test n " + test.n();
    requireTrain(s, rows, cut, rule);
    if (cut >= rows) {
      throw new UserError(
          "data set '"
              + s.name()
              + "': too few rows: "
              + s.path()
              + " has "
              + rows
              + " and "
              + rule
              + " leaves no test rows");
    }
    return new Split(all.slice(0, cut), all.slice(cut, rows));
  }

  private static void requireTrain(CsvSource s, int rows, int train, String rule) {
    if (train < MIN_TRAIN) {
      throw new UserError(
          "data set '"
              + s.name()
              + "': too few rows: "
              + s.path()
              + " has "
              + rows
              + (rule.isEmpty()
                  ? ""
                  : " and " + rule + " leaves " + Math.max(train, 0) + " to train on")
              + "; at least "
              + MIN_TRAIN
              + " training rows are needed");
    }
  }

  /** The largest magnitude of any feature value in the set's files. */
  public static double largestValue(CsvSource s) {
    double max = largest(main(s));
    return s.testPath() == null ? max : Math.max(max, largest(test(s)));
  }

  private static double largest(DataSet d) {
    double max = 0;
    for (double v : d.x()) {
      max = Math.max(max, Math.abs(v));
    }
    return max;
  }

  private static DataSet read(CsvSource s, String path, String sha) {
    synchronized (CACHE) {
      DataSet kept = CACHE.get(sha + "|" + s);
      if (kept != null) {
        return kept;
      }
    }
    Path file = Path.of(path);
    String actual = sha256(file);
    if (!actual.equals(sha)) {
      throw new UserError(
          file
              + " changed since this study was recorded (sha256 "
              + actual.substring(0, 12)
              + ", recorded "
              + sha.substring(0, Math.min(12, sha.length()))
              + "): restore the file, or start a new study folder");
    }
    DataSet d = parse(s, file);
    synchronized (CACHE) {
      CACHE.put(sha + "|" + s, d);
    }
    return d;
  }

  private static DataSet parse(CsvSource s, Path file) {
    List<String> lines = lines(file);
    List<String> head = header(file);
    int label = column(head, s.labelColumn(), file, "label");
    int[] cols = new int[s.features().size()];
    for (int k = 0; k < cols.length; k++) {
      cols[k] = column(head, s.features().get(k), file, "feature");
      if (cols[k] == label) {
        throw new UserError(
            file + ": column '" + s.labelColumn() + "' is both the label and a feature");
      }
    }
    List<double[]> rows = new ArrayList<>();
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      List<String> f = fields(line);
      String where = file + ":" + (i + 1) + ": ";
      if (f.size() != head.size()) {
        throw new UserError(
            where + "expected " + head.size() + " values (the header's columns), got " + f.size());
      }
      double[] row = new double[cols.length + 1];
      for (int k = 0; k < cols.length; k++) {
        row[k] = finite(f.get(cols[k]), where, head.get(cols[k]));
      }
      double y = finite(f.get(label), where, head.get(label));
      if (y != 0.0 && y != 1.0) {
        throw new UserError(
            where
                + "label column '"
                + head.get(label)
                + "' is "
                + f.get(label)
                + "; labels must be 0 or 1");
      }
      row[cols.length] = y;
      rows.add(row);
    }
    int n = rows.size();
    double[] x = new double[n * cols.length];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(rows.get(i), 0, x, i * cols.length, cols.length);
      y[i] = rows.get(i)[cols.length];
    }
    return new DataSet(s.name(), cols.length, x, y);
  }

  private static double finite(String text, String where, String column) {
    double v;
    try {
      v = Double.parseDouble(text);
    } catch (NumberFormatException e) {
      v = Double.NaN;
    }
    if (!Double.isFinite(v)) {
      throw new UserError(where + "column '" + column + "' is '" + text + "', not a finite number");
    }
    return v;
  }

  private static int column(List<String> head, String name, Path file, String role) {
    int i = head.indexOf(name);
    if (i < 0) {
      throw new UserError(
          file
              + ": no "
              + role
              + " column '"
              + name
              + "'; its columns: "
              + String.join(", ", head));
    }
    return i;
  }

  /** A line's comma-separated fields, trimmed, one pair of surrounding double quotes removed. */
  static List<String> fields(String line) {
    List<String> out = new ArrayList<>();
    for (String f : line.split(",", -1)) {
      String t = f.strip();
      if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
        t = t.substring(1, t.length() - 1);
      }
      out.add(t);
    }
    return out;
  }

  private static List<String> lines(Path file) {
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      if (text.startsWith("\uFEFF")) {
        text = text.substring(1);
      }
      return List.of(text.split("\r?\n", -1));
    } catch (NoSuchFileException e) {
      throw new UserError("data file not found: " + file);
    } catch (IOException e) {
      throw new UserError("cannot read data file " + file + ": " + e.getMessage());
    }
  }
}
