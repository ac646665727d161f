package dev.depthlab.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code depthlab train config/scratch.yaml} draws the nn_scratch pictures into the run folder (the
 * weight-evolution plot, both GIFs); a bad snapshots key is one line and exit 2, before training.
 */
class TrainFiguresTest {
  @Test
  void scratchRunDrawsItsWeightPlotAndBothAnimations(@TempDir Path tmp) {
    Path out = tmp.resolve("run");
    var r = CliTestSupport.run("train", "config/scratch.yaml", "--out", out.toString(), "--quiet");
    assertEquals(0, r.code(), r.err());
    Path figs = out.resolve("figures");
    assertAll(
        () -> assertTrue(Files.size(figs.resolve("weights.png")) > 0),
        () -> assertTrue(Files.size(figs.resolve("weights.svg")) > 0),
        () -> assertTrue(Files.size(figs.resolve("boundary.gif")) > 0),
        () -> assertTrue(Files.size(figs.resolve("training.gif")) > 0),
        () -> assertTrue(Files.size(figs.resolve("step-loss.png")) > 0),
        () -> assertTrue(r.out().contains("drew 7 figures"), r.out()));
  }

  @Test
  void aBadSnapshotsKeyIsOneLineAndExit2(@TempDir Path tmp) {
    Path out = tmp.resolve("run");
    var r =
        CliTestSupport.run(
            "train",
            "config/scratch.yaml",
            "--out",
            out.toString(),
            "--set",
            "diagnostics.snapshots.grid=1");
    assertAll(
        () -> assertEquals(2, r.code()),
        () ->
            assertTrue(r.err().contains("diagnostics.snapshots.grid: must be in 2..401"), r.err()),
        () -> assertEquals(1, r.err().strip().lines().count(), r.err()),
        () -> assertFalse(Files.exists(out)));
  }
}
