package dev.depthlab.data;

import dev.depthlab.common.UserError;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Writes data sets as CSV ({@code x1,x2,label}, plus {@code split} for a train/test pair). Files
 * are written beside the target and renamed into place, so a reader never sees half a file.
 */
public final class DataExport {
  private DataExport() {}

  /** Writes one set: header {@code x1,x2,label}. */
  public static void write(DataSet data, Path file) {
    writeAtomically(
        file,
        out -> {
          try (CSVPrinter csv = new CSVPrinter(out, format(data.features(), false))) {
            printRows(csv, data, null);
          }
        });
  }

  /** Writes train then test rows, header {@code x1,x2,label,split}, split {@code train|test}. */
  public static void write(Split split, Path file) {
    writeAtomically(
        file,
        out -> {
          try (CSVPrinter csv = new CSVPrinter(out, format(split.train().features(), true))) {
            printRows(csv, split.train(), "train");
            printRows(csv, split.test(), "test");
          }
        });
  }

  private static CSVFormat format(int features, boolean withSplit) {
    String[] header = new String[features + (withSplit ? 2 : 1)];
    for (int j = 0; j < features; j++) {
      header[j] = "x" + (j + 1);
    }
    header[features] = "label";
    if (withSplit) {
      header[features + 1] = "split";
    }
    return CSVFormat.DEFAULT.builder().setHeader(header).setRecordSeparator('\n').build();
  }

  private static void printRows(CSVPrinter csv, DataSet data, String splitName) throws IOException {
    int f = data.features();
    double[] x = data.x();
    double[] y = data.y();
    for (int i = 0; i < data.size(); i++) {
      for (int j = 0; j < f; j++) {
        // Double.toString is the shortest text that parses back to the same double
        csv.print(Double.toString(x[i * f + j]));
      }
      csv.print(y[i] == 1.0 ? "1" : "0");
      if (splitName != null) {
        csv.print(splitName);
      }
      csv.println();
    }
  }

  private interface Body {
    void writeTo(Writer out) throws IOException;
  }

  private static void writeAtomically(Path file, Body body) {
    Path target = file.toAbsolutePath();
    Path tmp = null;
    try {
      Path dir = target.getParent();
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
      try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        body.writeTo(out);
      }
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw new UserError("cannot write " + file + ": " + e, UserError.FAILURE);
    }
  }

  private static void deleteQuietly(Path tmp) {
    if (tmp == null) {
      return;
    }
    try {
      Files.deleteIfExists(tmp);
    } catch (IOException ignored) {
      // the write already failed; that error is the one to report
    }
  }
}
