package dev.depthlab.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A study with a data set of which no run has finished (a shard, a sweep stopped early, run folders
 * removed) still gets its report: that data set's tables say n/a and it has no figures, the other's
 * are drawn. It used to fail in the dead-unit heatmap ("Heat data cannot be empty").
 */
class PartialStudyReportTest {
  @TempDir Path tmp;

  @Test
  void aDataSetWithoutRunsIsReportedAsSuch() throws Exception {
    Path study =
        CliTestSupport.sweep(
            tmp,
            "partial",
            """
            name: partial
            data:
              sets: [circle, nested_rings]
              n_train: 40
              test: {n: 10, seed_offset: 100}
            model: {depths: [1, 2], width: 4}
            training: {epochs: 2, batch_size: 16, lr: 0.1}
            seeds: [0, 1]
            backend: cpu
            """);
    try (Stream<Path> walk = Files.walk(study.resolve("runs/circle"))) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    try (Stream<Path> figs = Files.list(study.resolve("figures"))) {
      figs.forEach(p -> p.toFile().delete());
    }
    CliTestSupport.Outcome o = CliTestSupport.run("report", study.toString());
    String md = Files.readString(study.resolve("report.md"));
    assertAll(
        () -> assertEquals(0, o.code(), o.err()),
        () -> assertTrue(o.out().contains("(4 of 8 runs)"), o.out()),
        () -> assertTrue(md.contains("| 1 | 0 | n/a | n/a |"), "circle's empty accuracy row"),
        () -> assertFalse(Files.exists(study.resolve("figures/dead-units-heatmap-circle.png"))),
        () ->
            assertTrue(Files.exists(study.resolve("figures/accuracy-vs-depth-nested_rings.png"))));
  }
}
