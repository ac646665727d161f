package dev.depthlab.report;

import dev.depthlab.common.UserError;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * A numeric CSV of a run folder (epochs.csv, steps.csv) as columns by header name; an empty cell
 * (an epoch without a diagnostic pass) or a text cell reads as NaN, which the figures leave out.
 */
record CsvColumns(Map<String, double[]> columns, int rows) {
  static CsvColumns read(Path file) {
    return read(file, name -> true);
  }

  /**
   * As {@link #read(Path)}, the columns {@code keep} accepts only: the others are not parsed (most
   * of a run file's reading is parsing its numbers).
   */
  static CsvColumns read(Path file, Predicate<String> keep) {
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      var parser =
          CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(r);
      List<String> names = parser.getHeaderNames().stream().filter(keep).toList();
      List<CSVRecord> records = parser.getRecords();
      Map<String, double[]> cols = new LinkedHashMap<>();
      for (String n : names) {
        cols.put(n, new double[records.size()]);
      }
      for (int i = 0; i < records.size(); i++) {
        CSVRecord rec = records.get(i);
        for (String n : names) {
          String v = rec.get(n);
          cols.get(n)[i] = number(v);
        }
      }
      return new CsvColumns(cols, records.size());
    } catch (IOException e) {
      throw new UserError("cannot read " + file + ": " + e.getMessage(), UserError.FAILURE);
    }
  }

  /** A cell as a number; empty or text (a column such as step_weights.csv's param) is NaN. */
  private static double number(String v) {
    try {
      return v.isEmpty() ? Double.NaN : Double.parseDouble(v);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  boolean has(String name) {
    return columns.containsKey(name);
  }

  double[] get(String name) {
    double[] c = columns.get(name);
    if (c == null) {
      throw new UserError("no column '" + name + "'", UserError.FAILURE);
    }
    return c;
  }

  List<String> names() {
    return new ArrayList<>(columns.keySet());
  }
}
