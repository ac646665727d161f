package dev.depthlab.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.depthlab.common.UserError;
import dev.depthlab.train.RunFolder;
import dev.depthlab.train.RunSchema.Epochs;
import dev.depthlab.train.RunSchema.Run;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/** Reads a finished run folder back into a {@link RunRecord}. */
public final class RunReader {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RunReader() {}

  public static RunRecord read(Path runDir) {
    try {
      JsonNode j = JSON.readTree(runDir.resolve(RunFolder.RUN_JSON).toFile());
      JsonNode s = j.path("summary");
      JsonNode deadNode = s.path(Run.DEAD_FRACTION.key());
      double[] dead = new double[deadNode.size()];
      for (int i = 0; i < dead.length; i++) {
        dead[i] = deadNode.get(i).asDouble(Double.NaN);
      }
      Path epochsCsv = runDir.resolve(RunFolder.EPOCHS_CSV);
      Columns cols = columns(epochsCsv);
      int depth = j.path("depth").asInt();
      int epochs = j.path("epochs").asInt();
      if (cols.rows() != epochs) {
        throw new UserError(
            epochsCsv
                + ": "
                + cols.rows()
                + " epochs, but run.json records "
                + epochs
                + " (the file is cut or damaged)",
            UserError.FAILURE);
      }
      return new RunRecord(
          j.path("dataset").asText(),
          depth,
          j.path("seed").asLong(),
          j.path("config_hash").asText(),
          j.path("backend").asText(),
          j.path("precision").asText(),
          j.path("status").asText(),
          j.path("epochs").asInt(),
          s.path(Run.TRAIN_ACC.key()).asDouble(Double.NaN),
          s.path(Run.TEST_ACC.key()).asDouble(Double.NaN),
          s.path(Run.TRAIN_LOSS.key()).asDouble(Double.NaN),
          s.path(Run.TEST_LOSS.key()).asDouble(Double.NaN),
          s.path(Run.GRAD_NORM_MEAN.key()).asDouble(Double.NaN),
          s.path(Run.GRAD_NORM_STD.key()).asDouble(Double.NaN),
          s.path(Run.GRAD_NORM_CV.key()).asDouble(Double.NaN),
          dead,
          j.path("timings").path("wall_s").asDouble(Double.NaN),
          CurveMetrics.of(column(cols, Epochs.BATCH_LOSS.key())),
          column(cols, Epochs.GRAD_NORM_MEAN.key()),
          curves(cols, depth),
          sharpness(cols, Epochs.SHARPNESS.key()),
          sharpness(cols, Epochs.BATCH_SHARPNESS.key()),
          j.path("status_epoch").asInt(0));
    } catch (IOException e) {
      throw new UserError(
          "cannot read run folder " + runDir + ": " + e.getMessage(), UserError.FAILURE);
    }
  }

  /**
   * A sharpness column (NaN on epochs without an estimate), empty when the run has none: {@code
   * sharpness} or {@code batch_sharpness}.
   */
  private static double[] sharpness(Columns cols, String key) {
    double[] v = cols.get(key);
    return v == null ? new double[0] : v.clone();
  }

  private static RunCurves curves(Columns cols, int depth) {
    double[][] layerGrad = new double[depth + 1][];
    for (int l = 0; l <= depth; l++) {
      layerGrad[l] = column(cols, Epochs.LAYER_GRAD_NORM_MEAN.of(l + 1));
    }
    double[][] dead = new double[depth][];
    for (int h = 0; h < depth; h++) {
      dead[h] = column(cols, Epochs.DEAD.of(h + 1));
    }
    return new RunCurves(column(cols, Epochs.BATCH_LOSS.key()), layerGrad, dead);
  }

  /** A column of an epochs.csv read by {@link #columns}; all NaN when the file lacks it. */
  static double[] column(Columns cols, String name) {
    double[] v = cols.get(name);
    if (v != null) {
      return v;
    }
    double[] nan = new double[cols.rows()];
    java.util.Arrays.fill(nan, Double.NaN);
    return nan;
  }

  /**
   * The columns of an epochs.csv by header name, epoch 1 first; an empty cell reads as NaN. A
   * column's numbers are parsed when first asked for: a report reads fewer than half of them, and
   * parsing is most of the time reading a run takes.
   */
  static final class Columns {
    private final Map<String, Integer> index = new LinkedHashMap<>();
    private final List<CSVRecord> records;
    private final Map<String, double[]> parsed = new HashMap<>();
    private final Path file;

    private Columns(Path file, List<String> header, List<CSVRecord> records) {
      this.file = file;
      for (int c = 0; c < header.size(); c++) {
        index.put(header.get(c), c);
      }
      this.records = records;
      for (CSVRecord r : records) {
        if (r.size() != header.size()) {
          throw new UserError(
              file
                  + ":"
                  + line(r)
                  + ": "
                  + r.size()
                  + " cells, the header has "
                  + header.size()
                  + " (the file is cut or damaged)",
              UserError.FAILURE);
        }
      }
    }

    /** A record's line in the file: the header is line 1, and no cell spans lines. */
    private static long line(CSVRecord r) {
      return r.getRecordNumber() + 1;
    }

    /** Epochs (rows) in the file; 0 without a header. */
    int rows() {
      return index.isEmpty() ? 0 : records.size();
    }

    /** The named column, or null when the file has none. */
    double[] get(String name) {
      Integer c = index.get(name);
      if (c == null) {
        return null;
      }
      return parsed.computeIfAbsent(
          name,
          k -> {
            double[] v = new double[records.size()];
            for (int e = 0; e < v.length; e++) {
              String cell = records.get(e).get(c);
              try {
                v[e] = cell.isEmpty() ? Double.NaN : Double.parseDouble(cell);
              } catch (NumberFormatException ex) {
                throw new UserError(
                    file + ":" + line(records.get(e)) + ": " + k + " is not a number: " + cell,
                    UserError.FAILURE);
              }
            }
            return v;
          });
    }
  }

  /** The columns of an epochs.csv ({@link Columns}). */
  static Columns columns(Path epochsCsv) throws IOException {
    try (Reader r = Files.newBufferedReader(epochsCsv, StandardCharsets.UTF_8)) {
      CSVParser p =
          CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(r);
      return new Columns(epochsCsv, p.getHeaderNames(), p.getRecords());
    } catch (java.io.UncheckedIOException | IllegalStateException | IllegalArgumentException e) {
      // commons-csv's own errors (an unclosed quote, a duplicate header) name a line, not the file
      throw new UserError(epochsCsv + ": " + e.getMessage(), UserError.FAILURE);
    }
  }
}
