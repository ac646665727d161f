package dev.depthlab.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A multirun and a phase grid write index.md and index.html linking their variants, and each
 * variant's report is titled by its values; a plain study keeps "Study NAME" and gets no index.
 */
class StudyIndexTest {
  private static final String TINY =
      """
      name: idx
      data:
        sets: [circle]
        n_train: 48
        test: {n: 24, seed_offset: 100}
      model: {depths: [1], width: 4}
      training: {epochs: 2, batch_size: 16, lr: 0.01}
      seeds: [0, 1]
      backend: cpu
      """;

  @TempDir Path tmp;

  @Test
  void aMultirunWritesAnIndexAndTitlesEachVariantByItsValues() throws Exception {
    Path config = tmp.resolve("idx.yaml");
    Files.writeString(config, TINY);
    Path root = tmp.resolve("multi");
    var o =
        CliTestSupport.run(
            "sweep",
            config.toString(),
            "--out",
            root.toString(),
            "--quiet",
            "--set",
            "training.lr=0.01,0.05",
            "--set",
            "model.width=4,6");
    assertEquals(0, o.code(), o.err());
    assertTrue(o.out().contains("index: " + root.resolve("index.html")), o.out());
    String md = Files.readString(root.resolve("index.md"));
    String html = Files.readString(root.resolve("index.html"));
    Path variant = root.resolve("training.lr=0.05,model.width=6");
    String report = Files.readString(variant.resolve("report.md"));
    String page = Files.readString(variant.resolve("report.html"));
    assertAll(
        () -> assertTrue(md.startsWith("# Multirun idx: 4 variants\n"), md),
        () -> assertTrue(md.contains("| `training.lr` | `model.width` | runs | report |"), md),
        () ->
            assertTrue(
                md.contains(
                    "| `training.lr=0.05,model.width=6` | 0.05 | 6 | 2 |"
                        + " [report.md](training.lr=0.05,model.width=6/report.md)"),
                md),
        () -> assertTrue(html.contains("href=\"training.lr=0.01,model.width=4/report.html\"")),
        () -> assertEquals(4, html.split("<tr><td>", -1).length - 1, "a row per variant"),
        () ->
            assertTrue(report.startsWith("# Study idx: training.lr=0.05, model.width=6\n"), report),
        () ->
            assertTrue(
                page.contains(
                    "<title>depthlab: Study idx: training.lr=0.05, model.width=6</title>")));
    // the variant's long-format table names it on every row
    List<String> tidy = Files.readAllLines(variant.resolve("epochs_long.csv"));
    assertTrue(tidy.get(0).startsWith("dataset,depth,seed,variant,epoch,"), tidy.get(0));
    assertEquals(1 + 2 * 2, tidy.size(), "2 seeds x 2 epochs");
    assertTrue(
        tidy.get(1).startsWith("circle,1,0,\"training.lr=0.05,model.width=6\",1,"), tidy.get(1));
    // rebuilt by report ROOT, from the folder's files
    Files.delete(root.resolve("index.md"));
    var r = CliTestSupport.run("report", root.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(md, Files.readString(root.resolve("index.md")));
  }

  @Test
  void aPlainStudyKeepsItsTitleAndHasNoIndex() throws Exception {
    Path study = CliTestSupport.sweep(tmp, "plain=1", TINY);
    assertTrue(Files.readString(study.resolve("report.md")).startsWith("# Study idx\n"));
    assertFalse(Files.exists(study.resolve("index.html")));
  }

  @Test
  void aPhaseGridIndexLinksItsVariantsAndItsTable() throws Exception {
    Path config = tmp.resolve("idx.yaml");
    Files.writeString(config, TINY);
    Path root = tmp.resolve("phase");
    var o =
        CliTestSupport.run(
            "phase",
            config.toString(),
            "--x",
            "model.depths=1,2",
            "--y",
            "training.lr=0.01,0.1",
            "--out",
            root.toString(),
            "--quiet");
    assertEquals(0, o.code(), o.err());
    String md = Files.readString(root.resolve("index.md"));
    String html = Files.readString(root.resolve("index.html"));
    assertAll(
        () -> assertTrue(md.startsWith("# Phase grid idx: 2 variants\n"), md),
        () -> assertTrue(md.contains("[phase.csv](phase.csv)"), md),
        () -> assertTrue(md.contains("(training.lr=0.1/report.html)"), md),
        () -> assertTrue(html.contains("href=\"phase.csv\"")),
        () -> assertTrue(html.contains("href=\"phase-figures/"), html),
        () ->
            assertTrue(
                Files.readString(root.resolve("training.lr=0.1/report.md"))
                    .startsWith("# Study idx: training.lr=0.1\n")));
  }
}
