package dev.depthlab.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** backends, gradcheck, data and bench through the command line. */
class InfoCommandsTest {
  @Test
  void backendsListsCpuAndSaysWhyCudaIsNotUsable() {
    var r = CliTestSupport.run("backends");
    assertEquals(0, r.code());
    assertTrue(r.out().contains("cpu       available"), r.out());
    // on a machine with a usable GPU the line says available instead, with the device
    assertTrue(r.out().matches("(?s).*cuda\\s+(unavailable: \\S.*|available.*)"), r.out());
    assertTrue(r.out().contains("auto  -> "), r.out());
  }

  @Test
  void gradcheckPassesAndPrintsItsErrors() {
    var r = CliTestSupport.run("gradcheck", "--seeds", "2", "--set", "model.depths=[1,4]");
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("gradcheck passed"), r.out());
    assertTrue(r.out().matches("(?s).*max error: fp64 \\d\\.\\d{3}e-\\d+ .*"), r.out());
    long rows = r.out().lines().filter(l -> l.startsWith("circle ")).count();
    long usable =
        CliTestSupport.run("backends")
            .out()
            .lines()
            .filter(l -> l.matches("\\S+\\s+available.*"))
            .count();
    assertEquals(2 * 2 * usable, rows, "one row per depth, seed and usable backend: " + r.out());
  }

  @Test
  void gradcheckChecksTheConfiguredOutputGradient() {
    var fused = CliTestSupport.run("gradcheck", "--seeds", "1", "--set", "model.depths=[2]");
    assertTrue(fused.out().contains("output gradient fused: finite differences of the unclipped"));
    var chained =
        CliTestSupport.run(
            "gradcheck",
            "--seeds",
            "1",
            "--set",
            "model.depths=[2]",
            "--set",
            "training.output_gradient=chained");
    assertEquals(0, chained.code(), chained.out() + chained.err());
    assertTrue(
        chained.out().contains("output gradient chained: finite differences of the clipped BCE"),
        chained.out());
    assertTrue(chained.out().contains("gradcheck passed"), chained.out());
  }

  @Test
  void dataDescribesBalanceAndExportsCsv(@TempDir Path tmp) throws Exception {
    var r = CliTestSupport.run("data", "config/seed-study.yaml", "--export", tmp.toString());
    assertEquals(0, r.code(), r.err());
    assertAll(
        () -> assertTrue(r.out().contains("circle (seed 0)"), r.out()),
        () -> assertTrue(r.out().contains("nested_rings (seed 0)"), r.out()),
        () -> assertTrue(r.out().contains("expected positive fraction 0.1963"), r.out()));
    List<String> lines = Files.readAllLines(tmp.resolve("circle-seed-0.csv"));
    assertEquals("x1,x2,label,split", lines.get(0));
    assertEquals(1 + 2000 + 400, lines.size());
  }

  @Test
  void benchTimesTheCpuAndWritesCsv(@TempDir Path tmp) throws Exception {
    Path csv = tmp.resolve("bench.csv");
    var r =
        CliTestSupport.run(
            "bench",
            "--backend",
            "cpu",
            "--depths",
            "1,2",
            "--precision",
            "fp64",
            "--seconds",
            "0.05",
            "--peak-gflops",
            "50",
            "--csv",
            csv.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(
        r.out()
            .contains("core peak: 50.0 GFLOP/s fp64 (given by --peak-gflops), 100.0 GFLOP/s fp32"),
        r.out());
    List<String> lines = Files.readAllLines(csv);
    assertEquals(3, lines.size(), "header and one row per depth");
    for (String line : lines.subList(1, 3)) {
      String[] f = line.split(",");
      double us = Double.parseDouble(f[6]);
      assertTrue(us > 0 && Double.isFinite(us), line);
      double gflops = Double.parseDouble(f[10]);
      assertTrue(gflops > 0 && Double.isFinite(gflops), line);
      assertEquals(gflops / 50, Double.parseDouble(f[11]), 1e-12, line);
    }
  }
}
