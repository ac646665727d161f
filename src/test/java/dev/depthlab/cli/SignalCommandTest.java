package dev.depthlab.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.report.SignalCsv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code depthlab signal} through the real command line: its files, and its refusals. */
class SignalCommandTest {
  @TempDir Path tmp;

  @Test
  void writesTheCsvWithItsColumnsAndTheFigures() throws Exception {
    Path out = tmp.resolve("signal");
    CliTestSupport.Outcome r =
        CliTestSupport.run(
            "signal",
            "config/quick.yaml",
            "--draws",
            "3",
            "--batch",
            "20",
            "--set",
            "model.depths=[1,3]",
            "--out",
            out.toString());
    assertEquals(0, r.code(), r.err());
    List<String> lines = Files.readAllLines(out.resolve("signal.csv"));
    assertAll(
        () ->
            assertEquals(
                String.join(",", SignalCsv.COLUMNS)
                    + ","
                    + String.join(",", SignalCsv.SPREAD_COLUMNS),
                lines.get(0)),
        () -> assertEquals(1 + 2 * (1 + 3), lines.size(), "two data sets x (1 + 3) layers"),
        () -> assertTrue(lines.get(1).startsWith("circle,1,1,16,3,"), lines.get(1)),
        () -> assertTrue(lines.get(4).startsWith("circle,3,3,16,3,"), lines.get(4)),
        () ->
            assertEquals(
                SignalCsv.COLUMNS.size() + SignalCsv.SPREAD_COLUMNS.size(),
                lines.get(4).split(",").length),
        () -> assertTrue(Files.size(out.resolve("signal-forward-circle.png")) > 0),
        () ->
            assertEquals(
                List.of(
                    String.join(",", SignalCsv.MAP_COLUMNS)
                        + ","
                        + String.join(",", SignalCsv.SCALE_COLUMNS)),
                Files.readAllLines(out.resolve(SignalCsv.MAP_CSV)).subList(0, 1)),
        () -> assertTrue(Files.exists(out.resolve("signal-backward-nested_rings.svg"))),
        () -> assertTrue(r.out().contains("fixed point q* = 1.00000"), r.out()),
        // ReLU + He: chi_1 = 1, c* = 1, xi_c infinite (the critical line)
        () -> assertTrue(r.out().contains("c* = 1.00000, chi_c = 1.00000"), r.out()),
        () -> assertTrue(r.out().contains("xi_c = Infinity"), r.out()),
        // the Jacobian spectrum: depth 3 only (depth 1 has no hidden-to-hidden stack), per set
        () -> {
          List<String> jac = Files.readAllLines(out.resolve("signal_jacobian.csv"));
          assertEquals(3, jac.size(), "header + 2 data sets x depth 3: " + jac);
          assertTrue(jac.get(1).startsWith("circle,3,3,"), jac.get(1));
          // 14 bins per row: below 1e-4, 12 half-decades, 1e2 and above
          assertEquals(
              1 + 2 * 14, Files.readAllLines(out.resolve("signal_jacobian_hist.csv")).size());
        });
  }

  private void assertRefused(String expected, String... args) {
    Path out = tmp.resolve("refused");
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--out";
    all[args.length + 1] = out.toString();
    CliTestSupport.Outcome r = CliTestSupport.run(all);
    assertAll(
        () -> assertEquals(2, r.code(), r.err()),
        () -> assertTrue(r.err().contains(expected), "stderr: " + r.err()),
        () -> assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err()),
        () -> assertFalse(Files.exists(out), "nothing written"));
  }

  @Test
  void badInputExitsTwoWritingNothing() {
    String bounds = "--draws must be in 1..10000 and --batch in 1..100000";
    assertRefused(bounds, "signal", "config/quick.yaml", "--draws", "0");
    assertRefused(bounds, "signal", "config/quick.yaml", "--batch", "-1");
    assertRefused(bounds, "signal", "config/quick.yaml", "--draws", "2000000000");
    assertRefused("config file not found", "signal", "config/none.yaml");
    assertRefused("unknown key", "signal", "config/quick.yaml", "--set", "model.widht=3");
    assertRefused("Unknown option", "signal", "config/quick.yaml", "--frobnicate");
  }
}
