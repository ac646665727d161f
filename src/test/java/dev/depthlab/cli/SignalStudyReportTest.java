package dev.depthlab.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.report.SignalCsv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code diagnostics.signal} end to end: a sweep measures signal propagation at initialisation,
 * with the same numbers as {@code depthlab signal} on the same config, in signal.csv and
 * signal_map.csv; its report shows them in report.md's table and report.html's figures, read from
 * those files ({@code depthlab report} follows an edited file and never rewrites it); a folder
 * without the files (written before the sweep measured it) still reports, saying so, and a rerun of
 * the sweep writes them; a study without the key has none.
 */
class SignalStudyReportTest {
  @TempDir Path tmp;

  private static final String BASE =
      """
      name: sig
      data:
        sets: [circle]
        n_train: 48
        test: {n: 16, seed_offset: 100}
      model: {depths: [1, 3], width: 8}
      training: {epochs: 2, batch_size: 16, lr: 0.1}
      seeds: [0, 1]
      backend: cpu
      """;

  private Path sweep(String name, String yaml) throws Exception {
    return CliTestSupport.sweep(tmp, name, yaml);
  }

  @Test
  void theReportCarriesTheSignalCommandsNumbers() throws Exception {
    String yaml = BASE + "diagnostics: {signal: {draws: 4, batch: 20}}\n";
    Path study = sweep("on", yaml);
    Path alone = tmp.resolve("alone");
    CliTestSupport.Outcome s =
        CliTestSupport.run(
            "signal",
            tmp.resolve("on.yaml").toString(),
            "--draws",
            "4",
            "--batch",
            "20",
            "--out",
            alone.toString());
    assertEquals(0, s.code(), s.err());
    for (String file : List.of(SignalCsv.CSV, SignalCsv.MAP_CSV)) {
      assertEquals(
          Files.readString(alone.resolve(file)),
          Files.readString(study.resolve(file)),
          "the sweep's analysis is the command's: " + file);
    }
    List<CSVRecord> rows = SweepCommandTest.csv(study.resolve("signal.csv"));
    String md = Files.readString(study.resolve("report.md"));
    assertTrue(md.contains("## Signal propagation at initialisation"), md);
    // depth 3's row: layer 3's forward mean square, layer 1's backward one
    CSVRecord last = find(rows, 3, 3);
    CSVRecord first = find(rows, 3, 1);
    String row =
        String.format(
            Locale.ROOT,
            "| 3 | %.4g (%.2g) | %.4g | %.4g (%.2g) | %.4g |",
            d(last, "forward_var"),
            d(last, "forward_var_std"),
            d(last, "forward_var_theory"),
            d(first, "backward_var"),
            d(first, "backward_var_std"),
            d(first, "backward_var_theory"));
    String html = Files.readString(study.resolve("report.html"));
    assertAll(
        () -> assertTrue(md.contains(row), "report.md lacks " + row),
        () -> assertTrue(Files.size(study.resolve("figures/signal-forward-circle.png")) > 0),
        () -> assertTrue(Files.exists(study.resolve("figures/signal-backward-circle.svg"))),
        () -> assertTrue(html.contains("signal-forward-circle"), "report.html lacks the figure"));
    // a rebuild writes the same bytes
    String before = Files.readString(study.resolve("signal.csv"));
    CliTestSupport.Outcome r = CliTestSupport.run("report", study.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(before, Files.readString(study.resolve("signal.csv")));
    assertEquals(md, Files.readString(study.resolve("report.md")));
  }

  @Test
  void theReportReadsTheFilesAndNeverRewritesThem() throws Exception {
    Path study = sweep("edit", BASE + "diagnostics: {signal: {draws: 4, batch: 20}}\n");
    Path csv = study.resolve(SignalCsv.CSV);
    List<String> lines = new ArrayList<>(Files.readAllLines(csv));
    // depth 3, layer 3 (the row report.md shows for depth 3) gets made-up numbers
    int at = -1;
    for (int i = 1; i < lines.size(); i++) {
      at = lines.get(i).startsWith("circle,3,3,") ? i : at;
    }
    assertTrue(at > 0, lines.toString());
    String[] cells = lines.get(at).split(",");
    cells[5] = "1234.5"; // forward_var
    cells[6] = "0.5"; // forward_var_std
    cells[7] = "999.0"; // forward_var_theory
    lines.set(at, String.join(",", cells));
    String edited = String.join("\n", lines) + "\n";
    Files.writeString(csv, edited);
    Files.writeString(
        study.resolve(SignalCsv.MAP_CSV),
        "draws,first_seed,batch,sigma_w2,fixed_point,chi_1\n4,0,20,2.0,0.125,0.75\n");
    CliTestSupport.Outcome r = CliTestSupport.run("report", study.toString());
    assertEquals(0, r.code(), r.err());
    String md = Files.readString(study.resolve("report.md"));
    assertAll(
        () -> assertTrue(md.contains("| 3 | 1235 (0.50) | 999.0 |"), md),
        () -> assertTrue(md.contains("q* = 0.1250 with chi_1 = 0.7500 there"), md),
        () -> assertEquals(edited, Files.readString(csv), "report wrote signal.csv"));
  }

  @Test
  void aFolderWithoutTheFilesReportsSayingSoAndTheSweepWritesThem() throws Exception {
    Path study = sweep("old", BASE + "diagnostics: {signal: {draws: 4, batch: 20}}\n");
    String full = Files.readString(study.resolve("report.md"));
    // as a study folder written before the sweep measured it: no signal files, no signal figures
    Files.delete(study.resolve(SignalCsv.CSV));
    Files.delete(study.resolve(SignalCsv.MAP_CSV));
    try (var figures = Files.list(study.resolve("figures"))) {
      for (Path f :
          figures.filter(p -> p.getFileName().toString().startsWith("signal-")).toList()) {
        Files.delete(f);
      }
    }
    CliTestSupport.Outcome r = CliTestSupport.run("report", study.toString());
    assertEquals(0, r.code(), r.err());
    String md = Files.readString(study.resolve("report.md"));
    assertAll(
        () -> assertTrue(md.contains("## Signal propagation at initialisation"), md),
        () -> assertTrue(md.contains("has no signal.csv and signal_map.csv"), md),
        () -> assertFalse(md.contains("| depth | last hidden layer"), md),
        () -> assertFalse(Files.exists(study.resolve(SignalCsv.CSV)), "report measured"),
        () -> assertFalse(Files.exists(study.resolve("figures/signal-forward-circle.png"))),
        () ->
            assertFalse(
                Files.readString(study.resolve("report.html")).contains("signal-forward-circle")));
    // the sweep's rerun: every run is kept, the analysis is written, the report is whole again
    CliTestSupport.Outcome again =
        CliTestSupport.run("sweep", tmp.resolve("old.yaml").toString(), "--out", study.toString());
    assertEquals(0, again.code(), again.err());
    assertTrue(again.out().contains("resume: 4 of 4 runs already finished"), again.out());
    assertEquals(full, Files.readString(study.resolve("report.md")));
  }

  @Test
  void offWritesNoSignal() throws Exception {
    Path study = sweep("off", BASE);
    assertAll(
        () -> assertFalse(Files.exists(study.resolve("signal.csv"))),
        () -> assertFalse(Files.exists(study.resolve("figures/signal-forward-circle.png"))),
        () -> assertFalse(Files.readString(study.resolve("report.md")).contains("Signal")));
  }

  @Test
  void batchWithoutDrawsIsRefused() throws Exception {
    Path config = tmp.resolve("bad.yaml");
    Files.writeString(config, BASE + "diagnostics: {signal: {batch: 20}}\n");
    CliTestSupport.Outcome o =
        CliTestSupport.run("sweep", config.toString(), "--out", tmp.resolve("bad").toString());
    assertAll(
        () -> assertEquals(2, o.code(), o.err()),
        () -> assertTrue(o.err().contains("diagnostics.signal.batch: needs"), o.err()),
        () -> assertFalse(Files.exists(tmp.resolve("bad"))));
  }

  private static CSVRecord find(List<CSVRecord> rows, int depth, int layer) {
    return rows.stream()
        .filter(
            r ->
                Integer.parseInt(r.get("depth")) == depth
                    && Integer.parseInt(r.get("layer")) == layer)
        .findFirst()
        .orElseThrow();
  }

  private static double d(CSVRecord r, String column) {
    return Double.parseDouble(r.get(column));
  }
}
