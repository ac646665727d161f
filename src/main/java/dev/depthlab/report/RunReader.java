package dev.depthlab.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.depthlab.common.UserError;
import dev.depthlab.train.RunFolder;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/** Reads a finished run folder back into a {@link RunRecord}. */
public final class RunReader {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RunReader() {}

  public static RunRecord read(Path runDir) {
    try {
      JsonNode j = JSON.readTree(runDir.resolve(RunFolder.RUN_JSON).toFile());
      JsonNode s = j.path("summary");
      JsonNode deadNode = s.path("dead_fraction");
      double[] dead = new double[deadNode.size()];
      for (int i = 0; i < dead.length; i++) {
        dead[i] = deadNode.get(i).asDouble(Double.NaN);
      }
      Path epochs = runDir.resolve(RunFolder.EPOCHS_CSV);
      return new RunRecord(
          j.path("dataset").asText(),
          j.path("depth").asInt(),
          j.path("seed").asLong(),
          j.path("config_hash").asText(),
          j.path("backend").asText(),
          j.path("precision").asText(),
          j.path("status").asText(),
          j.path("epochs").asInt(),
          s.path("train_acc").asDouble(Double.NaN),
          s.path("test_acc").asDouble(Double.NaN),
          s.path("train_loss").asDouble(Double.NaN),
          s.path("test_loss").asDouble(Double.NaN),
          s.path("grad_norm_mean").asDouble(Double.NaN),
          s.path("grad_norm_std").asDouble(Double.NaN),
          s.path("grad_norm_cv").asDouble(Double.NaN),
          dead,
          j.path("timings").path("wall_s").asDouble(Double.NaN),
          CurveMetrics.of(column(epochs, "batch_loss")),
          column(epochs, "grad_norm_mean"));
    } catch (IOException e) {
      throw new UserError(
          "cannot read run folder " + runDir + ": " + e.getMessage(), UserError.FAILURE);
    }
  }

  /** A numeric column of an epochs.csv, epoch 1 first. */
  static double[] column(Path epochsCsv, String name) throws IOException {
    List<Double> values = new ArrayList<>();
    try (Reader r = Files.newBufferedReader(epochsCsv, StandardCharsets.UTF_8)) {
      for (CSVRecord rec :
          CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(r)) {
        values.add(Double.parseDouble(rec.get(name)));
      }
    }
    double[] out = new double[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }
}
