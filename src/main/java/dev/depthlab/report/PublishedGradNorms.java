package dev.depthlab.report;

import dev.depthlab.common.UserError;
import dev.depthlab.config.DiagnosticsConfig.GradStats;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * A published table of gradient statistics, {@code config/published/<name>.csv} (packed into the
 * jar): per data set and depth, the epochs the numbers were taken over, the published mean, std and
 * CV, how they were measured and where they were published. Lines starting with '#' are comments.
 */
record PublishedGradNorms(String name, List<Row> rows) {

  static final List<String> COLUMNS =
      List.of(
          "dataset", "depth", "from_epoch", "to_epoch", "mean", "std", "cv", "protocol", "source");

  /** One published cell: data set label, depth, window (epochs, 1-based, inclusive), numbers. */
  record Row(
      String dataset,
      int depth,
      int fromEpoch,
      int toEpoch,
      double mean,
      double std,
      double cv,
      String protocol,
      String source) {}

  PublishedGradNorms {
    rows = List.copyOf(rows);
  }

  /** The table named {@code name}; a missing or malformed file is a one-line error. */
  static PublishedGradNorms load(String name) {
    String resource = GradStats.publishedResource(name);
    try (InputStream in = PublishedGradNorms.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new UserError("no published table '" + name + "' (" + resource.substring(1) + ")");
      }
      return parse(name, new InputStreamReader(in, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UserError("cannot read " + resource.substring(1) + ": " + e.getMessage(), 1);
    }
  }

  static PublishedGradNorms parse(String name, Reader text) throws IOException {
    CSVFormat format =
        CSVFormat.DEFAULT
            .builder()
            .setCommentMarker('#')
            .setHeader()
            .setSkipHeaderRecord(true)
            .build();
    List<Row> rows = new ArrayList<>();
    var parser = format.parse(text);
    if (!parser.getHeaderNames().equals(COLUMNS)) {
      throw new UserError(
          "published table '"
              + name
              + "': columns must be "
              + COLUMNS
              + ", got "
              + parser.getHeaderNames());
    }
    for (CSVRecord r : parser) {
      try {
        rows.add(
            new Row(
                r.get("dataset"),
                Integer.parseInt(r.get("depth")),
                Integer.parseInt(r.get("from_epoch")),
                Integer.parseInt(r.get("to_epoch")),
                Double.parseDouble(r.get("mean")),
                Double.parseDouble(r.get("std")),
                Double.parseDouble(r.get("cv")),
                r.get("protocol"),
                r.get("source")));
      } catch (IllegalArgumentException e) {
        throw new UserError(
            "published table '"
                + name
                + "', record "
                + r.getRecordNumber()
                + ": "
                + e.getMessage());
      }
    }
    return new PublishedGradNorms(name, rows);
  }

  /** The rows of one data set, in the file's order. */
  List<Row> of(String dataset) {
    return rows.stream().filter(r -> r.dataset().equals(dataset)).toList();
  }
}
