package dev.depthlab.backend.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --backend reference} through the command line: train writes the same epochs.csv and
 * steps.csv as {@code --backend cpu} byte for byte, fp32 is refused with exit 2, and backends,
 * gradcheck and bench know it.
 */
class ReferenceCliTest {
  @TempDir Path tmp;

  record Outcome(int code, String out, String err) {}

  static Outcome run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Outcome(code, out.toString(), err.toString());
  }

  @Test
  void trainWritesTheSameNumbersAsCpu() throws Exception {
    for (String backend : List.of("cpu", "reference")) {
      Outcome r =
          run(
              "train",
              "config/quick.yaml",
              "--depth",
              "4",
              "--seed",
              "1",
              "--backend",
              backend,
              "--set",
              "training.epochs=6",
              "--set",
              "diagnostics.steps=true",
              "--quiet",
              "--out",
              tmp.resolve(backend).toString());
      assertEquals(0, r.code(), r.err());
    }
    // 500 training points in batches of 32: 16 steps an epoch
    for (String file : List.of("epochs.csv", "steps.csv")) {
      List<String> cpu = Files.readAllLines(tmp.resolve("cpu").resolve(file));
      List<String> ref = Files.readAllLines(tmp.resolve("reference").resolve(file));
      assertEquals(file.equals("epochs.csv") ? 1 + 6 : 1 + 6 * 16, cpu.size(), file + " rows");
      assertEquals(cpu, ref, file + " of reference and cpu");
    }
    assertTrue(
        Files.readString(tmp.resolve("reference").resolve("run.json"))
            .contains("\"backend\" : \"reference\""));
  }

  /** train and sweep refuse fp32 with exit 2 before writing anything. */
  @Test
  void fp32IsRefusedWithExit2AndNothingWritten() {
    for (String command : List.of("train", "sweep")) {
      Path out = tmp.resolve("f32-" + command);
      Outcome r =
          run(
              command,
              "config/quick.yaml",
              "--backend",
              "reference",
              "--precision",
              "fp32",
              "--quiet",
              "--out",
              out.toString());
      assertEquals(2, r.code(), command + ": " + r.out() + r.err());
      assertEquals(
          "depthlab: the reference backend does not compute in fp32; use --precision fp64",
          r.err().strip(),
          command);
      assertFalse(Files.exists(out), command + " wrote " + out);
    }
  }

  @Test
  void backendsListsItAndAutoStillPicksAnother() {
    Outcome r = run("backends");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("reference available"), r.out());
    assertTrue(r.out().contains("plain fp64 reference"), r.out());
    assertTrue(!r.out().contains("auto  -> reference"), r.out());
  }

  @Test
  void gradcheckChecksItInFp64AndFindsCpuIdentical() {
    Outcome r =
        run("gradcheck", "--backend", "reference", "--seeds", "1", "--set", "model.depths=[2]");
    assertEquals(0, r.code(), r.out() + r.err());
    String row =
        r.out().lines().filter(l -> l.contains(" reference ")).findFirst().orElse("no row");
    assertTrue(row.contains("(fp64 only)"), r.out());
    // cpu comes before reference in the registry: the cross check compares the two
    assertTrue(r.out().contains("backends vs each other (fp64): 0.000e+00"), r.out());
    assertTrue(r.out().contains("gradcheck passed"), r.out());
  }

  @Test
  void benchTimesItInFp64AndSaysWhyNotFp32() throws Exception {
    Path csv = tmp.resolve("bench.csv");
    Outcome r =
        run(
            "bench",
            "--backend",
            "reference",
            "--depths",
            "1",
            "--seconds",
            "0.05",
            "--csv",
            csv.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(
        r.out()
            .lines()
            .anyMatch(
                l ->
                    l.matches("reference +fp32 .*")
                        && l.endsWith("skipped: the backend does not compute in fp32")),
        r.out());
    List<String> lines = Files.readAllLines(csv);
    assertEquals(2, lines.size(), "header and the fp64 row: " + lines);
    assertTrue(lines.get(1).startsWith("reference,fp64,1,"), lines.get(1));
  }
}
