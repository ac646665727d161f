package dev.depthlab.report;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.cli.Main;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

/**
 * {@code sharpness-<set>} draws both gauges: per depth, its sharpness line and its batch-sharpness
 * line hold the mean over seeds of the {@code sharpness} and {@code batch_sharpness} columns of the
 * runs' epochs.csv (read here with commons-csv, averaged here), at the epochs they were estimated,
 * and the 2/lr line's legend names which gauge GD and SGD set against it.
 */
class SharpnessFigureTest {
  @TempDir Path tmp;

  @Test
  void seriesAreTheMeansOfTheEpochColumns() throws Exception {
    Path config = tmp.resolve("s.yaml");
    Files.writeString(
        config,
        """
        name: s
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
          sharpness: {every: 2, iterations: 8}
        """);
    Path study = tmp.resolve("s");
    StringWriter err = new StringWriter();
    int code =
        Main.run(
            new String[] {"sweep", config.toString(), "--out", study.toString(), "--quiet"},
            new PrintWriter(new StringWriter(), true),
            new PrintWriter(err, true));
    assertEquals(0, code, err.toString());

    // depth -> column -> epoch -> values over seeds, from the files alone
    Map<Integer, Map<String, Map<Integer, List<Double>>>> cells = new TreeMap<>();
    List<RunRecord> runs = new ArrayList<>();
    for (int depth : new int[] {1, 2}) {
      for (int seed : new int[] {0, 1}) {
        Path run = study.resolve("runs/circle/depth-" + depth + "/seed-" + seed);
        runs.add(RunReader.read(run));
        for (CSVRecord r : csv(run.resolve("epochs.csv"))) {
          for (String col : new String[] {"sharpness", "batch_sharpness"}) {
            if (!r.get(col).isEmpty()) {
              cells
                  .computeIfAbsent(depth, d -> new TreeMap<>())
                  .computeIfAbsent(col, k -> new TreeMap<>())
                  .computeIfAbsent(Integer.parseInt(r.get("epoch")), e -> new ArrayList<>())
                  .add(Double.parseDouble(r.get(col)));
            }
          }
        }
      }
    }
    assertTrue(runs.stream().allMatch(RunRecord::ok), "every run of this study finishes ok");

    XYChart c =
        SharpnessFigure.chart("circle", FigureCoverage.of(List.of(), runs), List.of(1, 2), 0.1);
    Map<String, XYSeries> series = c.getSeriesMap();
    for (int depth : new int[] {1, 2}) {
      String runsLabel = "depth " + depth + " (2 runs)";
      check(series.get(SharpnessFigure.fullLabel(runsLabel)), cells.get(depth).get("sharpness"));
      check(
          series.get(SharpnessFigure.batchLabel(runsLabel)),
          cells.get(depth).get("batch_sharpness"));
    }
    XYSeries edge = series.get(SharpnessFigure.edgeLabel(0.1));
    assertNotNull(edge, series.keySet().toString());
    assertAll(
        () -> assertArrayEquals(new double[] {20, 20}, edge.getYData(), 1e-12),
        () -> assertEquals("2/lr = 20.0 (GD: sharpness; SGD: batch sharpness)", edge.getName()),
        () ->
            assertEquals(
                5,
                series.keySet().stream().filter(n -> !n.isBlank() && !n.endsWith(" band")).count(),
                "two lines per depth and 2/lr (bands and the blank placeholder aside): "
                    + series.keySet()));
  }

  /** The series is the per-epoch mean of {@code byEpoch}, at its epochs (2 and 4 here). */
  private static void check(XYSeries s, Map<Integer, List<Double>> byEpoch) {
    assertNotNull(s, "a series is missing");
    assertNotNull(byEpoch, s.getName() + ": no column values");
    assertEquals(List.of(2, 4), new ArrayList<>(byEpoch.keySet()), s.getName());
    double[] x = new double[byEpoch.size()];
    double[] y = new double[byEpoch.size()];
    int k = 0;
    for (var e : byEpoch.entrySet()) {
      assertEquals(2, e.getValue().size(), s.getName() + " epoch " + e.getKey());
      x[k] = e.getKey();
      y[k] = (e.getValue().get(0) + e.getValue().get(1)) / 2;
      k++;
    }
    double scale = Math.max(Math.abs(y[0]), Math.abs(y[1]));
    assertArrayEquals(x, s.getXData(), 0.0, s.getName() + " epochs");
    assertArrayEquals(y, s.getYData(), 1e-12 * scale, s.getName() + " values");
  }

  private static List<CSVRecord> csv(Path file) throws Exception {
    try (Reader r = Files.newBufferedReader(file)) {
      return CSVFormat.DEFAULT
          .builder()
          .setHeader()
          .setSkipHeaderRecord(true)
          .build()
          .parse(r)
          .getRecords();
    }
  }
}
