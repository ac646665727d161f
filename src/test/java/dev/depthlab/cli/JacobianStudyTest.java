package dev.depthlab.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.signal.BornDead;
import dev.depthlab.train.JacobianCsv;
import dev.depthlab.train.JacobianSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code diagnostics.jacobian} end to end: a sweep writes jacobian.csv for the networks with a
 * hidden stack (depth >= 2) and the report draws {@code jacobian-spectrum-<set>}; a study without
 * it has neither; {@code depthlab signal} draws {@code signal-jacobian-<set>}.
 */
class JacobianStudyTest {
  @TempDir Path tmp;

  private static String config(String jacobian) {
    return """
        name: jac
        data:
          sets: [circle]
          n_train: 64
          test: {n: 20, seed_offset: 100}
        model: {depths: [1, 3], width: 4}
        training: {epochs: 4, batch_size: 16, lr: 0.1}
        seeds: [0, 1]
        backend: cpu
        diagnostics:
          every: 1
        """
        + jacobian;
  }

  @Test
  void aSweepRecordsTheSpectraAndTheReportDrawsThem() throws Exception {
    Path study = CliTestSupport.sweep(tmp, "on", config("  jacobian: {every: 3, probes: 5}\n"));
    Path deep = study.resolve("runs/circle/depth-3/seed-1");
    List<JacobianSnapshot> snaps = JacobianCsv.read(deep);
    assertAll(
        () -> assertEquals(List.of(0, 3, 4), snaps.stream().map(s -> s.epoch()).toList()),
        () -> assertEquals(5, snaps.get(0).sv().length, "five probes"),
        () -> assertEquals(4, snaps.get(0).sv()[0].length, "width 4: four singular values"),
        () -> assertFalse(Files.exists(study.resolve("runs/circle/depth-1/seed-1/jacobian.csv"))),
        () -> assertTrue(Files.exists(study.resolve("figures/jacobian-spectrum-circle.png"))),
        () -> assertTrue(Files.exists(study.resolve("figures/jacobian-spectrum-circle.svg"))),
        () ->
            assertTrue(
                Files.readString(study.resolve("report.html")).contains("jacobian-spectrum-circle"),
                "report.html shows it"),
        () ->
            assertEquals(
                "dataset,depth,seed,event,epoch,step,layer,size,window_from,aligned",
                Files.readAllLines(study.resolve("deaths_spikes.csv")).get(0),
                "every study: the deaths against the spikes"),
        () -> assertTrue(Files.exists(study.resolve("figures/deaths-spikes-circle.png"))));
  }

  @Test
  void withoutTheKeyThereIsNoFileAndNoFigure() throws Exception {
    Path study = CliTestSupport.sweep(tmp, "off", config(""));
    assertAll(
        () -> assertFalse(Files.exists(study.resolve("runs/circle/depth-3/seed-1/jacobian.csv"))),
        () -> assertFalse(Files.exists(study.resolve("figures/jacobian-spectrum-circle.png"))));
  }

  @Test
  void signalDrawsTheHistogramAtInitialisation() throws Exception {
    Path out = tmp.resolve("signal");
    CliTestSupport.Outcome r =
        CliTestSupport.run(
            "signal",
            "config/quick.yaml",
            "--draws",
            "2",
            "--batch",
            "8",
            "--set",
            "model.depths=[1,3]",
            "--out",
            out.toString());
    assertEquals(0, r.code(), r.err());
    assertAll(
        () -> assertTrue(Files.size(out.resolve("signal-jacobian-circle.png")) > 0),
        () -> assertTrue(Files.exists(out.resolve("signal-jacobian-nested_rings.svg"))),
        () -> assertTrue(r.out().contains("signal-jacobian-circle.png"), r.out()));
  }

  @Test
  void signalBornDeadWritesTheTableAndItsFigure() throws Exception {
    Path out = tmp.resolve("dead");
    CliTestSupport.Outcome r =
        CliTestSupport.run(
            "signal",
            "config/quick.yaml",
            "--born-dead",
            "400",
            "--widths",
            "2,4",
            "--set",
            "model.depths=[1,3]",
            "--set",
            "data.sets=[circle]",
            "--out",
            out.toString());
    assertEquals(0, r.code(), r.err());
    List<CSVRecord> rows = SweepCommandTest.csv(out.resolve(BornDead.FILE));
    assertEquals(4, rows.size(), "two depths x two widths");
    for (CSVRecord row : rows) {
      int n = Integer.parseInt(row.get("draws"));
      double point = Double.parseDouble(row.get("point_fraction"));
      double theory = Double.parseDouble(row.get("point_theory"));
      double set = Double.parseDouble(row.get("fraction"));
      double se = Math.sqrt(theory * (1 - theory) / n);
      assertEquals(400, n);
      assertEquals(theory, point, 4 * se, "one point against 1 - (1 - 2^-N)^L: " + row);
      assertTrue(set <= point, "dead on the whole set implies dead at its first point: " + row);
    }
    assertTrue(Files.exists(out.resolve("born-dead-circle.png")));
    assertEquals(
        2, CliTestSupport.run("signal", "--born-dead", "5", "--widths", "0").code(), "bad width");
  }
}
