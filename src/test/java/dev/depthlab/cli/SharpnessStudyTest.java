package dev.depthlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code diagnostics.sharpness} end to end: a sweep's summary.csv gains {@code sharpness_last}, the
 * last estimate of each run's epochs.csv, and the report draws {@code sharpness-<set>}; a study
 * without it has neither.
 */
class SharpnessStudyTest {
  @TempDir Path tmp;

  private static String config(String sharpness) {
    return """
        name: sharp
        data:
          sets: [circle]
          n_train: 64
          test: {n: 20, seed_offset: 100}
        model: {depths: [1, 2], width: 4}
        training: {epochs: 4, batch_size: 16, lr: 0.1}
        seeds: [0, 1]
        backend: cpu
        diagnostics:
          every: 1
        """
        + sharpness;
  }

  private Path sweep(String name, String yaml) throws Exception {
    return CliTestSupport.sweep(tmp, name, yaml);
  }

  @Test
  void summaryCarriesTheLastEstimateAndTheReportDrawsIt() throws Exception {
    Path study = sweep("on", config("  sharpness: {every: 3, iterations: 8}\n"));
    List<CSVRecord> rows = SweepCommandTest.csv(study.resolve("summary.csv"));
    assertEquals(4, rows.size());
    try (var dirs = Files.walk(study)) {
      List<Path> epochs = dirs.filter(p -> p.endsWith("epochs.csv")).toList();
      assertEquals(4, epochs.size());
      for (Path e : epochs) {
        List<CSVRecord> lines = SweepCommandTest.csv(e);
        // epochs 3 and 4 (the last) are estimated, 1 and 2 not
        assertEquals("", lines.get(0).get("sharpness"));
        assertEquals("", lines.get(1).get("sharpness"));
        double last = Double.parseDouble(lines.get(3).get("sharpness"));
        assertTrue(Double.isFinite(last) && last > 0, e + ": " + last);
        boolean matched =
            rows.stream().anyMatch(r -> Double.parseDouble(r.get("sharpness_last")) == last);
        assertTrue(matched, e + ": sharpness " + last + " is no run's sharpness_last");
      }
    }
    assertTrue(Files.exists(study.resolve("figures/sharpness-circle.png")));
    assertTrue(Files.exists(study.resolve("figures/sharpness-circle.svg")));
  }

  @Test
  void statisticsOverSeedsSummariseTheSharpnessPerDepth() throws Exception {
    Path study = sweep("stats", config("  sharpness: {every: 2, iterations: 8}\n"));
    List<CSVRecord> rows = SweepCommandTest.csv(study.resolve("summary.csv"));
    List<CSVRecord> stats = SweepCommandTest.csv(study.resolve("stats_depth.csv"));
    for (int depth : new int[] {1, 2}) {
      double sum = 0;
      int n = 0;
      for (CSVRecord r : rows) {
        if (Integer.parseInt(r.get("depth")) == depth) {
          sum += Double.parseDouble(r.get("sharpness_last"));
          n++;
        }
      }
      int d = depth;
      CSVRecord s =
          stats.stream()
              .filter(
                  r ->
                      r.get("metric").equals("sharpness_last")
                          && Integer.parseInt(r.get("depth")) == d)
              .findFirst()
              .orElseThrow(() -> new AssertionError("no sharpness_last row for depth " + d));
      assertEquals(2, n);
      assertEquals(n, Integer.parseInt(s.get("n")));
      assertEquals(sum / n, Double.parseDouble(s.get("mean")), 1e-12 * Math.abs(sum));
    }
    String md = Files.readString(study.resolve("report.md"));
    assertTrue(
        md.contains("| last sharpness [95% CI] | IQM [95% CI] |"),
        "headline table lacks sharpness");
    assertTrue(md.contains("| last sharpness | 1 vs 2 |"), "adjacent-depth table lacks sharpness");
  }

  @Test
  void offLeavesSummaryAndFiguresAsBefore() throws Exception {
    Path study = sweep("off", config(""));
    // a flagged run (a short study's constant predictor: collapsed) adds status_epoch last
    String header =
        Files.readAllLines(study.resolve("summary.csv")).get(0).replaceFirst(",status_epoch$", "");
    assertTrue(header.endsWith(",wall_s"), header);
    assertFalse(Files.exists(study.resolve("figures/sharpness-circle.png")));
    assertFalse(Files.readString(study.resolve("report.md")).contains("sharpness"));
    assertFalse(Files.readString(study.resolve("stats_depth.csv")).contains("sharpness"));
  }
}
