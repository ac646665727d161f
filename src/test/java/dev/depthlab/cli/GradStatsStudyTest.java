package dev.depthlab.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code diagnostics.grad_stats} end to end: the summary's gradient statistics are over the window,
 * a window past the last epoch is refused before anything runs, and the report sets a published
 * table beside the study's own numbers, each cell over its own epochs.
 */
class GradStatsStudyTest {
  @TempDir Path tmp;

  /** 2 data sets x 2 depths x 2 seeds, 12 epochs, statistics over epochs 5-12. */
  static final String WINDOWED =
      """
      name: windowed
      data:
        sets: [circle, nested_rings]
        n_train: 96
        test: {n: 40, seed_offset: 100}
      model: {depths: [1, 3], width: 8}
      training: {epochs: 12, batch_size: 16, lr: 0.01}
      seeds: [0, 1]
      backend: cpu
      diagnostics:
        grad_stats: {from_epoch: 5}
      """;

  /**
   * The seed's windows on a small scale: 2000 epochs of one step, depths 1 and 2, three seeds, the
   * seed's published table beside them (circle over epochs 1-1000, nested_rings 1001-2000).
   */
  static final String PUBLISHED =
      """
      name: published
      data:
        sets: [circle, nested_rings]
        n_train: 32
        test: {n: 10, seed_offset: 100}
      model: {depths: [1, 2], width: 4}
      training: {epochs: 2000, batch_size: 32, lr: 0.001}
      seeds: [0, 1, 2]
      backend: cpu
      diagnostics:
        every: 1000
        grad_stats: {from_epoch: 1001, published: nn-depth-study-gradnorm}
      """;

  private Path sweep(String yaml, String... more) throws IOException {
    Path config = tmp.resolve("study.yaml");
    Files.writeString(config, yaml);
    Path study = tmp.resolve("out");
    List<String> args =
        new ArrayList<>(List.of("sweep", config.toString(), "--out", study.toString(), "--quiet"));
    args.addAll(List.of(more));
    CliTestSupport.Outcome o = CliTestSupport.run(args.toArray(String[]::new));
    assertEquals(0, o.code(), o.err());
    return study;
  }

  /** The grad_norm_mean column of a run's epochs.csv, epoch 1 first. */
  private static double[] epochMeans(Path study, String dataset, String depth, String seed)
      throws IOException {
    Path f = study.resolve("runs/" + dataset + "/depth-" + depth + "/seed-" + seed + "/epochs.csv");
    return SweepCommandTest.csv(f).stream()
        .mapToDouble(r -> Double.parseDouble(r.get("grad_norm_mean")))
        .toArray();
  }

  /** Mean, population std and CV of epochs from..to (1-based, inclusive), written out plainly. */
  private static double[] windowStats(double[] g, int from, int to) {
    double[] w = Arrays.copyOfRange(g, from - 1, to);
    double mean = Arrays.stream(w).average().orElseThrow();
    double var = Arrays.stream(w).map(x -> (x - mean) * (x - mean)).average().orElseThrow();
    return new double[] {mean, Math.sqrt(var), Math.sqrt(var) / mean};
  }

  @Test
  void summaryStatisticsAreOverTheWindow() throws IOException {
    Path study = sweep(WINDOWED);
    List<CSVRecord> rows = SweepCommandTest.csv(study.resolve("summary.csv"));
    assertEquals(8, rows.size());
    ObjectMapper json = new ObjectMapper();
    for (CSVRecord row : rows) {
      String where = row.get("dataset") + " d" + row.get("depth") + " s" + row.get("seed");
      double[] g = epochMeans(study, row.get("dataset"), row.get("depth"), row.get("seed"));
      assertEquals(12, g.length, where);
      double[] expected = windowStats(g, 5, 12);
      double[] everyEpoch = windowStats(g, 1, 12);
      JsonNode run =
          json.readTree(
              study
                  .resolve(
                      "runs/"
                          + row.get("dataset")
                          + "/depth-"
                          + row.get("depth")
                          + "/seed-"
                          + row.get("seed")
                          + "/run.json")
                  .toFile());
      assertAll(
          where,
          () -> assertEquals(expected[0], d(row, "grad_norm_mean"), 1e-12 * expected[0]),
          () -> assertEquals(expected[1], d(row, "grad_norm_std"), 1e-12 * expected[1]),
          () -> assertEquals(expected[2], d(row, "grad_norm_cv"), 1e-12 * expected[2]),
          // the window matters: over every epoch the numbers differ
          () -> assertNotEquals(everyEpoch[0], d(row, "grad_norm_mean"), 1e-9 * everyEpoch[0]),
          () -> assertEquals(5, run.path("summary").path("grad_norm_epochs").path("from").asInt()),
          () -> assertEquals(12, run.path("summary").path("grad_norm_epochs").path("to").asInt()),
          () ->
              assertEquals(
                  d(row, "grad_norm_mean"), run.path("summary").path("grad_norm_mean").asDouble()));
    }
    String md = Files.readString(study.resolve("report.md"));
    assertTrue(
        md.contains(
            "Gradient statistics over epochs 5-12 of every run"
                + " (diagnostics.grad_stats.from_epoch 5)"),
        md);
    assertTrue(md.contains("its mean, std and CV over epochs 5-12)"), md);
    assertFalse(md.contains("beside the published table"), md);
  }

  private static double d(CSVRecord row, String column) {
    return Double.parseDouble(row.get(column));
  }

  @Test
  void aWindowPastTheLastEpochIsRefusedBeforeAnythingRuns() throws IOException {
    Path config = tmp.resolve("study.yaml");
    Files.writeString(config, WINDOWED);
    Path study = tmp.resolve("out");
    CliTestSupport.Outcome o =
        CliTestSupport.run(
            "sweep",
            config.toString(),
            "--out",
            study.toString(),
            "--set",
            "diagnostics.grad_stats.from_epoch=13");
    assertEquals(2, o.code(), o.err());
    assertEquals(
        "depthlab: --set diagnostics.grad_stats.from_epoch=13: diagnostics.grad_stats.from_epoch:"
            + " must be <= training.epochs (12), got 13\n",
        o.err());
    assertFalse(Files.exists(study), "nothing is written");
  }

  @Test
  void reportSetsThePublishedTableBesideEachCellsOwnWindow() throws IOException {
    Path study = sweep(PUBLISHED);
    String md = Files.readString(study.resolve("report.md"));
    // dataset -> the seed's window and published (mean, std, cv) at depths 1 and 2
    Object[][] published = {
      {
        "circle",
        1,
        1000,
        new double[][] {
          {2.526392599739542, 0.40771973746286655, 0.16138415601157965},
          {4.067540827364371, 0.3210284126511252, 0.07892444754122868}
        }
      },
      {
        "nested_rings",
        1001,
        2000,
        new double[][] {
          {14.486515248474717, 0.7935083280157993, 0.05477565269531247},
          {25.675921537012673, 3.1488650420964497, 0.1226388325559127}
        }
      }
    };
    String[] labels = {"mean", "std", "CV"};
    String[] formats = {"%.4g", "%.4g", "%.4f"};
    for (Object[] set : published) {
      String dataset = (String) set[0];
      int from = (int) set[1];
      int to = (int) set[2];
      String section = md.substring(md.indexOf("## " + dataset));
      section = section.substring(section.indexOf("### Gradient norm beside the published table"));
      section = section.substring(0, section.indexOf("### Loss curve"));
      assertTrue(section.contains("khoanguyen-blip/nn-depth-study@7b6ef5d"), section);
      for (int depth = 1; depth <= 2; depth++) {
        // the statistic over the seed's window, per seed, then mean and population std over seeds
        double[][] perSeed = new double[3][];
        for (int seed = 0; seed < 3; seed++) {
          perSeed[seed] = windowStats(epochMeans(study, dataset, "" + depth, "" + seed), from, to);
        }
        for (int k = 0; k < 3; k++) {
          double[] v = {perSeed[0][k], perSeed[1][k], perSeed[2][k]};
          double mean = Arrays.stream(v).average().orElseThrow();
          double std =
              Math.sqrt(Arrays.stream(v).map(x -> (x - mean) * (x - mean)).average().orElseThrow());
          double pub = ((double[][]) set[3])[depth - 1][k];
          double z = (pub - mean) / std;
          String row =
              String.format(
                  Locale.ROOT,
                  "| %d | %d-%d | %s | %s | %s +- %s | %s | %.2f | %s |",
                  depth,
                  from,
                  to,
                  labels[k],
                  String.format(Locale.ROOT, formats[k], pub),
                  String.format(Locale.ROOT, formats[k], mean),
                  String.format(Locale.ROOT, formats[k], std),
                  String.format(Locale.ROOT, formats[k], std / Math.sqrt(2)),
                  z,
                  Math.abs(z) <= 2 ? "yes" : "no");
          assertTrue(section.contains(row + "\n"), dataset + ": no row " + row + " in\n" + section);
        }
      }
      assertTrue(
          section.contains("The published value lies within 2 std of the seeds here in "), section);
      assertTrue(section.contains(" of 6 cells"), section);
    }
    // the study's own table and summary stay over its own window (epochs 1001-2000)
    assertTrue(md.contains("its mean, std and CV over epochs 1001-2000)"), md);
  }
}
