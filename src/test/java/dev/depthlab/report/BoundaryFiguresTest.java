package dev.depthlab.report;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.backend.cpu.CpuBackend;
import dev.depthlab.config.ConfigLoader;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.plot.Figure;
import dev.depthlab.plot.MapGrid;
import dev.depthlab.plot.ProbabilityMap;
import dev.depthlab.train.RunRecorder;
import dev.depthlab.train.RunSpec;
import java.awt.Color;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The study's boundary figure shows what the runs predicted: where a run's boundary.csv says class
 * 1 (or 0), the PNG's pixel in that run's panel has that class's colour, something a blank or
 * misplaced picture cannot pass; a missing run is said in the caption.
 */
class BoundaryFiguresTest {
  private static final String CONFIG =
      """
      name: b
      data: {sets: [circle], n_train: 300, test: {n: 60, seed_offset: 100}}
      model: {depths: [1, 2], width: 8}
      training: {epochs: 30, batch_size: 16, lr: 0.05}
      seeds: [0, 1]
      diagnostics: {snapshots: {grid: 21}}
      """;

  @Test
  void panelsShowEachRunsPredictedClassWhereItPredictsIt(@TempDir Path study) throws IOException {
    StudyConfig c = ConfigLoader.parse(CONFIG, "b.yaml", List.of());
    List<RunRecord> records = new ArrayList<>();
    for (int depth : List.of(1, 2)) {
      for (long seed : c.seeds()) {
        RunSpec run = new RunSpec(c, c.data().sets().get(0), depth, seed);
        Path dir = study.resolve(run.relativeDir());
        new RunRecorder(new CpuBackend())
            .trainAndRecord(List.of(run), List.of(dir), new RunRecorder.Listener() {});
        records.add(RunReader.read(dir));
      }
    }
    // one run lost: its panel says so and the caption names it
    Files.delete(study.resolve("runs/circle/depth-2/seed-1/boundary.csv"));
    List<Figure> figs = BoundaryFigures.draw(study, c, records);
    assertEquals(1, figs.size());
    assertTrue(figs.get(0).caption().contains("Missing: depth 2 seed 1"), figs.get(0).caption());
    BufferedImage png =
        ImageIO.read(study.resolve("figures").resolve(figs.get(0).name() + ".png").toFile());
    assertTrue(Files.readString(study.resolve("figures/boundary-circle.svg")).contains("<svg"));
    int checked = 0;
    int classOne = 0;
    for (int row = 0; row < 2; row++) {
      for (int col = 0; col < 2; col++) {
        if (row == 1 && col == 1) {
          continue;
        }
        Path runDir = study.resolve("runs/circle/depth-" + (row + 1) + "/seed-" + col);
        ProbabilityMap.Grid g = BoundaryCsv.read(runDir).get(0).grid();
        Rectangle2D area = MapGrid.panelArea(row, col, 2, png.getWidth());
        ProbabilityMap.Points pts = BoundaryFigures.testPoints(c, c.data().sets().get(0), col);
        for (int i = 1; i < g.size() - 1; i++) {
          for (int j = 1; j < g.size() - 1; j++) {
            double p = g.p()[i * g.size() + j];
            double x = g.lo() + (g.hi() - g.lo()) * j / (g.size() - 1);
            double y = g.hi() - (g.hi() - g.lo()) * i / (g.size() - 1);
            if ((p > 0.1 && p < 0.9) || nearAPoint(pts, x, y, 0.08)) {
              continue;
            }
            int px = (int) Math.round(area.getX() + area.getWidth() * j / (g.size() - 1));
            int py = (int) Math.round(area.getY() + area.getHeight() * i / (g.size() - 1));
            Color seen = new Color(png.getRGB(px, py));
            String where = "depth " + (row + 1) + " seed " + col + " cell " + i + "," + j;
            if (p >= 0.9) {
              assertTrue(seen.getRed() > seen.getBlue() + 60, where + " p=" + p + " " + seen);
              classOne++;
            } else {
              assertTrue(seen.getBlue() > seen.getRed() + 60, where + " p=" + p + " " + seen);
            }
            checked++;
          }
        }
      }
    }
    int total = checked;
    int ones = classOne;
    assertAll(
        () -> assertTrue(total > 100, "cells checked: " + total),
        () -> assertTrue(ones > 10, "class-1 cells checked: " + ones));
  }

  private static boolean nearAPoint(ProbabilityMap.Points pts, double x, double y, double r) {
    for (int k = 0; k < pts.x().length; k++) {
      if (Math.hypot(pts.x()[k] - x, pts.y()[k] - y) < r) {
        return true;
      }
    }
    return false;
  }
}
