package dev.depthlab.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.depthlab.config.ConfigLoader;
import dev.depthlab.config.ConfigYaml;
import dev.depthlab.sweep.StudyLock;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** {@code depthlab sweep} and {@code depthlab report} end to end through Main.run. */
class SweepCommandTest {
  /** 2 data sets x 2 depths x 3 seeds = 12 runs of 6 epochs on 96 points: well under a second. */
  static final String TINY =
      """
      name: tiny
      data:
        sets: [circle, nested_rings]
        n_train: 96
        test: {n: 40, seed_offset: 100}
      model: {depths: [1, 3], width: 8}
      training: {epochs: 6, batch_size: 16, lr: 0.01}
      seeds: [0, 1, 2]
      backend: cpu
      """;

  static final int RUNS = 12;

  @TempDir Path tmp;
  Path config;

  record Result(int code, String out, String err) {}

  @BeforeEach
  void writeConfig() throws IOException {
    config = tmp.resolve("tiny.yaml");
    Files.writeString(config, TINY);
  }

  /** Whether the run's train accuracy is the share of one class of its training set. */
  private static boolean oneClass(Path runDir, CSVRecord row) throws IOException {
    var json = new ObjectMapper().readTree(runDir.resolve("run.json").toFile());
    long seed = json.path("seed").asLong();
    var cfg = ConfigLoader.parse(TINY, "tiny.yaml", List.of());
    var split =
        dev.depthlab.data.Datasets.forRun(
            dev.depthlab.data.DatasetSpec.of(row.get("dataset")),
            cfg.data().nTrain(),
            cfg.data().test(),
            cfg.data().noise(),
            seed);
    int n = split.train().size();
    long correct = Math.round(Double.parseDouble(row.get("train_acc")) * n);
    int pos = split.train().positives();
    return correct == pos || correct == n - pos;
  }

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Result(code, out.toString(), err.toString());
  }

  Result sweep(Path study, String... more) {
    List<String> args =
        new ArrayList<>(List.of("sweep", config.toString(), "--out", study.toString(), "--quiet"));
    args.addAll(List.of(more));
    return run(args.toArray(String[]::new));
  }

  static List<CSVRecord> csv(Path file) throws IOException {
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

  private static double number(CSVRecord row, String column) {
    return Double.parseDouble(row.get(column));
  }

  static List<Path> files(Path dir, String name) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.getFileName().toString().equals(name)).sorted().toList();
    }
  }

  @Test
  void sweepWritesSummaryAndReport() throws IOException {
    Path study = tmp.resolve("study");
    Result r = sweep(study);
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("report: " + study.resolve("report.md")), r.out());
    List<CSVRecord> rows = csv(study.resolve("summary.csv"));
    assertEquals(RUNS, rows.size());
    for (CSVRecord row : rows) {
      Path runDir =
          study.resolve(
              "runs/"
                  + row.get("dataset")
                  + "/depth-"
                  + row.get("depth")
                  + "/seed-"
                  + row.get("seed"));
      List<CSVRecord> epochs = csv(runDir.resolve("epochs.csv"));
      CSVRecord last = epochs.get(epochs.size() - 1);
      // the gradient-norm statistics over epochs, recomputed from the per-epoch means
      double[] g =
          epochs.stream().mapToDouble(e -> Double.parseDouble(e.get("grad_norm_mean"))).toArray();
      double sum = 0;
      for (double v : g) {
        sum += v;
      }
      double mean = sum / g.length;
      double sq = 0;
      for (double v : g) {
        sq += (v - mean) * (v - mean);
      }
      double std = Math.sqrt(sq / g.length);
      double wall =
          new ObjectMapper()
              .readTree(runDir.resolve("run.json").toFile())
              .at("/timings/wall_s")
              .asDouble();
      List<Executable> checks = new ArrayList<>();
      String status =
          new ObjectMapper().readTree(runDir.resolve("run.json").toFile()).path("status").asText();
      checks.add(() -> assertEquals(status, row.get("status"), "run.json's status"));
      // 6 epochs: a run may end still predicting one class (collapsed, docs/sweep.md); then its
      // train accuracy is the share of one class, counted here from the run's own data
      checks.add(
          () ->
              assertTrue(
                  status.equals("ok") || (status.equals("collapsed") && oneClass(runDir, row)),
                  status));
      checks.add(() -> assertEquals("cpu", row.get("backend")));
      checks.add(() -> assertEquals("fp64", row.get("precision")));
      checks.add(() -> assertEquals(6, epochs.size()));
      checks.add(() -> assertEquals("6", row.get("epochs")));
      for (String c : List.of("train_acc", "test_acc", "train_loss", "test_loss")) {
        checks.add(() -> assertEquals(last.get(c), row.get(c), c + " is the last epoch's"));
      }
      checks.add(() -> assertEquals(mean, number(row, "grad_norm_mean"), 1e-12 * mean));
      checks.add(() -> assertEquals(std, number(row, "grad_norm_std"), 1e-12 * mean));
      checks.add(() -> assertEquals(std / mean, number(row, "grad_norm_cv"), 1e-11));
      checks.add(() -> assertEquals(wall, number(row, "wall_s"), 0.0, "run.json's wall_s"));
      checks.add(() -> assertEquals(row.get("depth").equals("1"), row.get("dead_h3").isEmpty()));
      assertAll(row.get("dataset") + " d" + row.get("depth") + " s" + row.get("seed"), checks);
    }
    String md = Files.readString(study.resolve("report.md"));
    long collapsed =
        csv(study.resolve("summary.csv")).stream()
            .filter(s -> s.get("status").equals("collapsed"))
            .count();
    String counts =
        "Runs: 12 of 12 planned finished ("
            + (12 - collapsed)
            + " ok, 0 diverged"
            + (collapsed > 0 ? ", " + collapsed + " collapsed)" : ")");
    for (String part :
        List.of(
            "## circle",
            "## nested_rings",
            "### Accuracy",
            "### Gradient norm",
            "### Loss curve",
            "### Dead units",
            "### Observations",
            "| 3 | 3 | ",
            counts)) {
      assertTrue(md.contains(part), "report.md lacks " + part);
    }
    assertEquals(ConfigLoader.load(config, List.of()), StudyLock.read(study));
  }

  @Test
  void reportRebuiltFromFilesIsByteIdentical() throws IOException {
    Path study = tmp.resolve("study");
    assertEquals(0, sweep(study).code());
    byte[] md = Files.readAllBytes(study.resolve("report.md"));
    byte[] sum = Files.readAllBytes(study.resolve("summary.csv"));
    Files.delete(study.resolve("report.md"));
    Files.delete(study.resolve("summary.csv"));
    Result r = run("report", study.toString());
    assertEquals(0, r.code(), r.err());
    assertArrayEquals(md, Files.readAllBytes(study.resolve("report.md")));
    assertArrayEquals(sum, Files.readAllBytes(study.resolve("summary.csv")));
  }

  @Test
  void resumeRedoesOnlyTheUnfinishedRun() throws IOException {
    Path study = tmp.resolve("study");
    assertEquals(0, sweep(study).code());
    Path broken = study.resolve("runs/nested_rings/depth-3/seed-1");
    Files.delete(broken.resolve("run.json")); // as if killed before run.json was written
    FileTime old = FileTime.fromMillis(0);
    List<Path> others = new ArrayList<>(files(study.resolve("runs"), "epochs.csv"));
    others.remove(broken.resolve("epochs.csv"));
    for (Path p : others) {
      Files.setLastModifiedTime(p, old);
    }
    Result r = sweep(study);
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("resume: 11 of 12 runs already finished, skipped"), r.out());
    assertTrue(r.out().contains("training 1 run on"), r.out());
    assertTrue(Files.isRegularFile(broken.resolve("run.json")));
    for (Path p : others) {
      assertEquals(old, Files.getLastModifiedTime(p), p + " was rewritten");
    }
    assertEquals(RUNS, csv(study.resolve("summary.csv")).size());

    Result again = sweep(study);
    assertTrue(again.out().contains("resume: 12 of 12 runs already finished"), again.out());
    assertFalse(again.out().contains("training"), again.out());
  }

  @Test
  void aFolderOfAnotherProtocolIsRefused() throws IOException {
    Path study = tmp.resolve("study");
    assertEquals(0, sweep(study).code());
    Result r = sweep(study, "--set", "training.lr=0.02");
    String mine = ConfigYaml.shortHash(ConfigLoader.load(config, List.of()));
    String theirs = ConfigYaml.shortHash(ConfigLoader.load(config, List.of("training.lr=0.02")));
    assertEquals(2, r.code());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains(mine) && r.err().contains(theirs), r.err());
    assertTrue(r.err().contains("--out"), r.err());
    // the backend is not part of the protocol: resuming on another one is fine
    assertEquals(0, sweep(study, "--backend", "auto").code());
  }

  @Test
  void cpuResultsDoNotDependOnJobs() throws IOException {
    Path one = tmp.resolve("one");
    Path two = tmp.resolve("two");
    assertEquals(0, sweep(one, "--jobs", "1").code());
    assertEquals(0, sweep(two, "--jobs", "2").code());
    List<Path> a = files(one.resolve("runs"), "epochs.csv");
    assertEquals(RUNS, a.size());
    for (Path p : a) {
      Path q = two.resolve(one.relativize(p));
      assertArrayEquals(Files.readAllBytes(p), Files.readAllBytes(q), one.relativize(p) + "");
    }
    assertArrayEquals(
        Files.readAllBytes(one.resolve("report.md")), Files.readAllBytes(two.resolve("report.md")));
  }

  @Test
  void multirunWritesOneStudyFolderPerCombination() throws IOException {
    Path study = tmp.resolve("multi");
    Result r = sweep(study, "--set", "training.lr=0.01,0.02", "--set", "seeds=[0]");
    assertEquals(0, r.code(), r.err());
    for (String label : List.of("training.lr=0.01", "training.lr=0.02")) {
      Path v = study.resolve(label);
      assertEquals(4, csv(v.resolve("summary.csv")).size(), label);
      assertTrue(Files.isRegularFile(v.resolve("report.md")), label);
    }
    assertEquals(0.02, StudyLock.read(study.resolve("training.lr=0.02")).training().lr());
    Result rebuilt = run("report", study.toString());
    assertEquals(0, rebuilt.code(), rebuilt.err());
    assertEquals(2, rebuilt.out().lines().filter(l -> l.startsWith("report: ")).count());
  }

  @Test
  void preflightStopsADivergingStudyUnlessForced() {
    Path study = tmp.resolve("hot");
    // a learning rate this large blows the loss up within the preflight's 3 epochs
    Result r = sweep(study, "--preflight", "--set", "training.lr=1000", "--set", "seeds=[0]");
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("DIVERGED"), r.out());
    assertTrue(r.err().contains("--force"), r.err());
    Result forced =
        sweep(study, "--preflight", "--force", "--set", "training.lr=1000", "--set", "seeds=[0]");
    assertEquals(0, forced.code(), forced.err());
  }

  @Test
  void preflightReportsEveryDepth() {
    Result r = sweep(tmp.resolve("pf"), "--preflight");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("preflight: 3 epochs"), r.out());
    assertEquals(
        4,
        r.out().lines().filter(l -> l.matches("(circle|nested_rings) +[13] .*")).count(),
        r.out());
  }

  @Test
  void badJobsIsAUsageError() {
    Result r = sweep(tmp.resolve("x"), "--jobs", "0");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--jobs"), r.err());
  }

  @Test
  void reportOfAFolderWithoutAStudyIsAUsageError() {
    Result r = run("report", tmp.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("study.yaml"), r.err());
  }
}
