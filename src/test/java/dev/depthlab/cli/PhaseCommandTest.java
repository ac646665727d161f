package dev.depthlab.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.phase.PhaseDiagram;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code depthlab phase} end to end: phase.csv against the variants' own summary.csv rows. */
class PhaseCommandTest {
  /** 2 depths x 2 lrs x 2 seeds = 8 runs of 5 epochs on 64 points. */
  static final String TINY =
      """
      name: tiny
      data:
        sets: [circle]
        n_train: 64
        test: {n: 40, seed_offset: 100}
      model: {depths: [1], width: 8}
      training: {epochs: 5, batch_size: 16, lr: 0.01}
      seeds: [0, 1]
      backend: cpu
      """;

  /** An lr at which depth 8 overflows to a non-finite loss (status diverged) in both seeds. */
  static final String HUGE_LR = "1e12";

  @TempDir Path tmp;
  Path config;
  Path out;

  @BeforeEach
  void writeConfig() throws IOException {
    config = tmp.resolve("tiny.yaml");
    Files.writeString(config, TINY);
    out = tmp.resolve("grid");
  }

  CliTestSupport.Outcome phase(String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "phase",
                config.toString(),
                "--x",
                "model.depths=1,8",
                "--y",
                "training.lr=0.05," + HUGE_LR,
                "--out",
                out.toString(),
                "--quiet"));
    args.addAll(List.of(more));
    return CliTestSupport.run(args.toArray(String[]::new));
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

  @Test
  void phaseTableAggregatesTheRunsOwnSummaryRows() throws IOException {
    CliTestSupport.Outcome r = phase();
    assertEquals(0, r.code(), r.err());
    List<CSVRecord> table = csv(out.resolve("phase.csv"));
    assertEquals(4, table.size());
    for (CSVRecord cell : table) {
      String depth = cell.get("model.depths");
      String lr = cell.get("training.lr");
      List<CSVRecord> runs = new ArrayList<>();
      for (CSVRecord s : csv(out.resolve("training.lr=" + lr).resolve("summary.csv"))) {
        if (s.get("depth").equals(depth)) {
          runs.add(s);
        }
      }
      double acc = 0;
      double loss = 0;
      int ok = 0;
      int diverged = 0;
      int dead = 0;
      for (CSVRecord s : runs) {
        // every finished run but a diverged one counts (exploded and collapsed are flags)
        if (!s.get("status").equals("diverged")) {
          ok++;
          acc += Double.parseDouble(s.get("test_acc"));
          loss += Double.parseDouble(s.get("train_loss"));
        } else {
          diverged++;
        }
        boolean anyDead = false;
        for (int h = 1; h <= Integer.parseInt(depth); h++) {
          String v = s.get("dead_h" + h);
          anyDead |= !v.isEmpty() && Double.parseDouble(v) == 1.0;
        }
        dead += anyDead ? 1 : 0;
      }
      String where = "depth " + depth + " lr " + lr;
      int okRuns = ok;
      double accMean = acc / ok;
      double lossMean = loss / ok;
      int div = diverged;
      int deadRuns = dead;
      assertAll(
          where,
          () -> assertEquals(2, runs.size(), where),
          () -> assertEquals("2", cell.get("runs"), where),
          () -> assertEquals(div / 2.0, Double.parseDouble(cell.get("diverged")), where),
          () -> assertEquals(deadRuns / 2.0, Double.parseDouble(cell.get("dead_layer")), where),
          () -> {
            if (okRuns == 0) {
              assertEquals("", cell.get("test_acc"), where);
              assertEquals("", cell.get("train_loss"), where);
            } else {
              assertEquals(accMean, Double.parseDouble(cell.get("test_acc")), 1e-12, where);
              assertEquals(lossMean, Double.parseDouble(cell.get("train_loss")), 1e-12, where);
            }
          });
    }
    // the small lr diverges nowhere; the huge one at depth 8 in every seed (measured: depth 1
    // only kills units there), so the column is not constant
    for (CSVRecord cell : table) {
      boolean huge = cell.get("training.lr").equals(HUGE_LR);
      if (!huge) {
        assertEquals(0.0, Double.parseDouble(cell.get("diverged")), cell.toString());
      } else if (cell.get("model.depths").equals("8")) {
        assertEquals(1.0, Double.parseDouble(cell.get("diverged")), cell.toString());
        assertEquals("", cell.get("test_acc"), cell.toString());
      }
    }
    for (String q : List.of("test_acc", "train_loss", "diverged", "dead_layer")) {
      Path png = out.resolve("phase-figures").resolve("phase-circle-" + q + ".png");
      assertTrue(Files.size(png) > 1000, png.toString());
      assertTrue(Files.isRegularFile(out.resolve("phase-figures/phase-circle-" + q + ".svg")));
    }
  }

  @Test
  void rerunResumesWithoutRetraining() throws IOException {
    assertEquals(0, phase().code());
    Map<Path, FileTime> before = runJsonTimes();
    assertEquals(8, before.size());
    String csvBefore = Files.readString(out.resolve("phase.csv"));
    // what a phase killed while writing would leave (issue 23): gone after the rerun
    List<Path> leftovers =
        List.of(
            out.resolve(".phase.csv.k3.tmp"),
            out.resolve(PhaseDiagram.FIGURES).resolve(".heat.svg.k3.tmp.svg"),
            out.resolve(PhaseDiagram.FIGURES).resolve(".heat.png.k3.tmp"));
    for (Path p : leftovers) {
      Files.writeString(p, "half");
    }
    CliTestSupport.Outcome again = phase();
    assertEquals(0, again.code(), again.err());
    assertTrue(again.out().contains("resume: 8 of 8 runs already finished"), again.out());
    assertFalse(again.out().contains("training "), again.out());
    assertEquals(before, runJsonTimes());
    assertEquals(csvBefore, Files.readString(out.resolve("phase.csv")));
    for (Path p : leftovers) {
      assertFalse(Files.exists(p), "survived the rerun: " + p);
    }
  }

  private Map<Path, FileTime> runJsonTimes() throws IOException {
    Map<Path, FileTime> times = new TreeMap<>();
    try (Stream<Path> s = Files.walk(out)) {
      for (Path p : s.filter(p -> p.getFileName().toString().equals("run.json")).toList()) {
        times.put(p, Files.getLastModifiedTime(p));
      }
    }
    return times;
  }

  @Test
  void badInputIsExitTwoAndWritesNothing() throws IOException {
    List<List<String>> cases =
        List.of(
            List.of("--x", "model.depths=1,3", "--y", "training.lr=0:1:log:3"),
            List.of("--x", "training.lr=0.1,0.2", "--y", "training.lr=0.3,0.4"),
            List.of("--x", "model.depths=1,0", "--y", "training.lr=0.1,0.2"),
            List.of("--x", "model.depths=1,3", "--y", "training.lr=0.1", "--set", "seeds=[0],[1]"),
            List.of(
                "--x",
                "model.width=4,8",
                "--y",
                "training.lr=0.1,0.2",
                "--set",
                "model.depths=[1,2]"),
            List.of("--x", "model.depths=1,3", "--y", "training.nope=0.1,0.2"),
            List.of("--x", "model.depths=1,3", "--y", "training.lr=0.1,0.2", "--jobs", "0"));
    for (List<String> c : cases) {
      List<String> args = new ArrayList<>(List.of("phase", config.toString()));
      args.addAll(c);
      args.addAll(List.of("--out", out.toString(), "--quiet"));
      CliTestSupport.Outcome r = CliTestSupport.run(args.toArray(String[]::new));
      assertEquals(2, r.code(), c + ": " + r.err());
      assertEquals(1, r.err().strip().lines().count(), c + ": " + r.err());
      assertFalse(Files.exists(out), c + " wrote " + out);
    }
  }

  @Test
  void depthByWidthWorksTheSameWay() throws IOException {
    CliTestSupport.Outcome r =
        CliTestSupport.run(
            "phase",
            config.toString(),
            "--x",
            "model.depths=1,2",
            "--y",
            "model.width=4,8",
            "--out",
            out.toString(),
            "--quiet");
    assertEquals(0, r.code(), r.err());
    List<CSVRecord> table = csv(out.resolve("phase.csv"));
    assertEquals(
        List.of("1", "2", "1", "2"), table.stream().map(c -> c.get("model.depths")).toList());
    assertEquals(
        List.of("4", "4", "8", "8"), table.stream().map(c -> c.get("model.width")).toList());
    assertTrue(Files.isRegularFile(out.resolve("model.width=8/study.yaml")));
  }

  @Test
  void sigmaWByDepthOfAGaussianInitWritesTheTheoryAndItsFigure() throws IOException {
    CliTestSupport.Outcome r =
        CliTestSupport.run(
            "phase",
            config.toString(),
            "--x",
            "model.sigma_w=0.5,1.5",
            "--y",
            "model.depths=1,2",
            "--set",
            "model.activation=tanh",
            "--set",
            "model.init=gaussian",
            "--set",
            "model.sigma_b=0.1",
            "--out",
            out.toString(),
            "--quiet");
    assertEquals(0, r.code(), r.err());
    List<CSVRecord> t = csv(out.resolve("phase_theory.csv"));
    assertAll(
        () -> assertEquals(4, t.size(), "2 sigma_w x 2 depths"),
        () -> assertEquals("0.5", t.get(0).get("sigma_w")),
        () -> assertEquals("1", t.get(0).get("depth")),
        () -> assertTrue(Double.parseDouble(t.get(0).get("chi_1")) < 1, "sigma_w 0.5 is ordered"),
        () -> assertTrue(Double.parseDouble(t.get(1).get("chi_1")) > 1, "sigma_w 1.5 is chaotic"),
        () ->
            assertTrue(
                Files.size(out.resolve("phase-figures/phase-circle-order-chaos.png")) > 0,
                "the overlay figure"));
  }
}
