package dev.depthlab.report;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.cli.Main;
import dev.depthlab.common.AtomicFiles;
import dev.depthlab.train.RunSchema.Epochs;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * epochs_long.csv and steps_long.csv: every run's rows with its identity, read back with the
 * project's CSV readers (and with pandas, in the docs' own lines, when python3 has it) and held to
 * each run's epochs.csv and steps.csv; none written from summary.csv alone.
 */
class LongTablesTest {
  /** 2 data sets x depths 1 and 3 x 2 seeds, 3 epochs, step records on. */
  private static final String TINY =
      """
      name: tidy
      data:
        sets: [circle, nested_rings]
        n_train: 48
        test: {n: 24, seed_offset: 100}
      model: {depths: [1, 3], width: 4}
      training: {epochs: 3, batch_size: 16, lr: 0.01}
      seeds: [0, 1]
      backend: cpu
      diagnostics: {steps: true}
      """;

  /** The fourth weight layer's gradient norm: only depth-3 runs have one. */
  private static final String L4 = Epochs.LAYER_GRAD_NORM_MEAN.of(4);

  private static final int RUNS = 8;
  private static final int EPOCHS = 3;
  private static final int STEPS_PER_EPOCH = 3; // 48 points in batches of 16

  @TempDir static Path tmp;
  static Path study;

  @BeforeAll
  static void sweep() throws IOException {
    Path config = tmp.resolve("tidy.yaml");
    Files.writeString(config, TINY);
    study = tmp.resolve("tidy");
    StringWriter err = new StringWriter();
    int code =
        Main.run(
            new String[] {"sweep", config.toString(), "--out", study.toString(), "--quiet"},
            new PrintWriter(new StringWriter(), true),
            new PrintWriter(err, true));
    assertEquals(0, code, err.toString());
  }

  @Test
  void everyRunsEpochsAreOneRowEachWithItsIdentity() throws IOException {
    Path table = study.resolve("epochs_long.csv");
    RunReader.Columns cols = RunReader.columns(table);
    assertEquals(RUNS * EPOCHS, cols.rows());
    List<CSVRecord> rows = records(table);
    List<String> header = rows.get(0).getParser().getHeaderNames();
    assertEquals(List.of("dataset", "depth", "seed", "epoch"), header.subList(0, 4));
    // a depth-3 run's value, found by its identity, equals its own epochs.csv's
    Path run = study.resolve("runs/nested_rings/depth-3/seed-1");
    RunReader.Columns own = RunReader.columns(run.resolve("epochs.csv"));
    int found = 0;
    for (CSVRecord r : rows) {
      if (r.get("dataset").equals("nested_rings")
          && r.get("depth").equals("3")
          && r.get("seed").equals("1")) {
        int e = Integer.parseInt(r.get("epoch"));
        for (String col : List.of("batch_loss", "grad_norm_mean", L4, Epochs.DEAD.of(3))) {
          assertEquals(own.get(col)[e - 1], Double.parseDouble(r.get(col)), 0, col + " epoch " + e);
        }
        found++;
      }
    }
    assertEquals(EPOCHS, found);
    // a depth-1 run has no fourth weight layer: empty there, read as NaN by the project's reader
    double[] l4 = cols.get(L4);
    double[] depth = cols.get("depth");
    for (int i = 0; i < l4.length; i++) {
      assertEquals(depth[i] == 1, Double.isNaN(l4[i]), "row " + i);
    }
  }

  @Test
  void stepRecordsGoToStepsLong() throws IOException {
    Path table = study.resolve("steps_long.csv");
    List<CSVRecord> rows = records(table);
    assertEquals(RUNS * EPOCHS * STEPS_PER_EPOCH, rows.size());
    List<CSVRecord> own = records(study.resolve("runs/circle/depth-1/seed-0/steps.csv"));
    List<CSVRecord> mine =
        rows.stream()
            .filter(
                r ->
                    r.get("dataset").equals("circle")
                        && r.get("depth").equals("1")
                        && r.get("seed").equals("0"))
            .toList();
    assertEquals(own.size(), mine.size());
    for (int i = 0; i < own.size(); i++) {
      assertEquals(own.get(i).get("loss"), mine.get(i).get("loss"), "step " + i);
    }
  }

  @Test
  void pandasLoadsItInTheDocsTwoLines() throws Exception {
    Assumptions.assumeTrue(
        hasPandas(), () -> skip("python3 with pandas is not installed; the CSV readers' test ran"));
    String docs = Files.readString(Path.of("docs/report.md"));
    int at = docs.indexOf("## Long-format tables");
    int start = docs.indexOf("```python\n", at) + "```python\n".length();
    String lines = docs.substring(start, docs.indexOf("```", start));
    assertEquals(2, lines.strip().lines().count(), "two lines: " + lines);
    String script =
        lines.replace("results/quick/epochs_long.csv", study.resolve("epochs_long.csv").toString())
            + "print(len(df), df.loc[(df.dataset == 'circle') & (df.depth == 3) & (df.seed == 0)"
            + " & (df.epoch == 2), 'batch_loss'].iloc[0])\n";
    Process p = new ProcessBuilder("python3", "-c", script).redirectErrorStream(true).start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertEquals(0, p.exitValue(), out);
    double expected =
        RunReader.columns(study.resolve("runs/circle/depth-3/seed-0/epochs.csv"))
            .get("batch_loss")[1];
    String[] parts = out.split(" ");
    assertEquals(RUNS * EPOCHS, Integer.parseInt(parts[0]), out);
    assertEquals(expected, Double.parseDouble(parts[1]), 0, out);
  }

  @Test
  void reportRebuildsTheSameBytesAndFromSummaryWritesNone() throws IOException {
    Path table = study.resolve("epochs_long.csv");
    byte[] first = Files.readAllBytes(table);
    int code = run("report", study.toString());
    assertEquals(0, code);
    assertEquals(new String(first), Files.readString(table));
    // a copy without run folders, as the committed studies are kept: no table, no failure
    Path kept = tmp.resolve("kept");
    Files.createDirectories(kept);
    try (Stream<Path> s = Files.list(study)) {
      for (Path f : s.filter(Files::isRegularFile).toList()) {
        if (!f.getFileName().toString().endsWith("_long.csv")
            && !f.getFileName().toString().startsWith(".")) {
          Files.copy(f, kept.resolve(f.getFileName()));
        }
      }
    }
    AtomicFiles.removeLeftovers(kept);
    assertEquals(0, run("report", "--from-summary", kept.toString()));
    assertAll(
        () -> assertFalse(Files.exists(kept.resolve("epochs_long.csv"))),
        () -> assertFalse(Files.exists(kept.resolve("steps_long.csv"))));
  }

  private static int run(String... args) {
    StringWriter err = new StringWriter();
    int code =
        Main.run(args, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
    assertEquals(0, code, err.toString());
    return code;
  }

  private static boolean hasPandas() {
    try {
      Process p = new ProcessBuilder("python3", "-c", "import pandas").start();
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private static String skip(String reason) {
    System.out.println("LongTablesTest skipped: " + reason);
    return reason;
  }

  private static List<CSVRecord> records(Path f) throws IOException {
    try (Reader in = Files.newBufferedReader(f)) {
      return CSVFormat.DEFAULT
          .builder()
          .setHeader()
          .setSkipHeaderRecord(true)
          .build()
          .parse(in)
          .getRecords();
    }
  }
}
