package dev.depthlab.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code diagnostics.signal} end to end: a sweep's report measures signal propagation at
 * initialisation, with the same numbers as {@code depthlab signal} on the same config, in
 * signal.csv, report.md's table and report.html's figures; a study without the key has none.
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
    assertEquals(
        Files.readString(alone.resolve("signal.csv")),
        Files.readString(study.resolve("signal.csv")),
        "the report's analysis is the command's");
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
