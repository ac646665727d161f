package dev.depthlab.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.depthlab.common.UserError;
import dev.depthlab.train.RunFolder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where and how a study's runs were made, read from their run.json files for report.html: one
 * {@link Run} per finished run, in the order given.
 */
public record ReportHtmlProvenance(List<Run> runs) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One run's identity and provenance as its run.json records them ("" where absent). */
  public record Run(
      String dataset,
      int depth,
      long seed,
      String backend,
      String precision,
      String device,
      String depthlabVersion,
      String javaVersion,
      String status,
      int epochs,
      double wallSeconds) {}

  /** Reads the run.json of every run folder. */
  public static ReportHtmlProvenance read(List<Path> runDirs) {
    List<Run> runs = new ArrayList<>();
    for (Path dir : runDirs) {
      Path file = dir.resolve(RunFolder.RUN_JSON);
      try {
        JsonNode j = JSON.readTree(file.toFile());
        runs.add(
            new Run(
                j.path("dataset").asText(),
                j.path("depth").asInt(),
                j.path("seed").asLong(),
                j.path("backend").asText(),
                j.path("precision").asText(),
                j.path("device").asText(),
                j.path("versions").path("depthlab").asText(),
                j.path("versions").path("java").asText(),
                j.path("status").asText(),
                j.path("epochs").asInt(),
                j.path("timings").path("wall_s").asDouble(Double.NaN)));
      } catch (IOException e) {
        throw new UserError("cannot read " + file + ": " + e.getMessage(), UserError.FAILURE);
      }
    }
    return new ReportHtmlProvenance(List.copyOf(runs));
  }
}
