package dev.depthlab.data;

import dev.depthlab.common.CsvFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVPrinter;

/**
 * Writes data sets as CSV ({@code x1,x2,label}, plus {@code split} for a train/test pair). Files
 * are written beside the target and renamed into place, so a reader never sees half a file.
 */
public final class DataExport {
  private DataExport() {}

  /** Writes one set: header {@code x1,x2,label}. */
  public static void write(DataSet data, Path file) {
    CsvFiles.write(file, header(data.features(), false), csv -> printRows(csv, data, null));
  }

  /** Writes train then test rows, header {@code x1,x2,label,split}, split {@code train|test}. */
  public static void write(Split split, Path file) {
    CsvFiles.write(
        file,
        header(split.train().features(), true),
        csv -> {
          printRows(csv, split.train(), "train");
          printRows(csv, split.test(), "test");
        });
  }

  private static List<String> header(int features, boolean withSplit) {
    List<String> header = new ArrayList<>();
    for (int j = 0; j < features; j++) {
      header.add("x" + (j + 1));
    }
    header.add("label");
    if (withSplit) {
      header.add("split");
    }
    return header;
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
}
