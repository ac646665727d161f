package dev.depthlab.report;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.backend.cpu.CpuBackend;
import dev.depthlab.config.ConfigLoader;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.plot.Figure;
import dev.depthlab.train.RunFolder;
import dev.depthlab.train.RunRecorder;
import dev.depthlab.train.RunSpec;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run's figures and animations from its folder alone: every file the run's data allow, each
 * figure a real picture, and each GIF one frame per recorded snapshot or step, read back.
 */
class RunFiguresTest {
  /** 40 points in batches of 16: 3 steps an epoch, 5 epochs, everything recorded. */
  private static final String CONFIG =
      """
      name: t
      data: {sets: [circle], n_train: 40, test: {n: 20, seed_offset: 100}}
      model: {depths: [2], width: 4}
      training: {epochs: 5, batch_size: 16, lr: 0.05}
      seeds: [3]
      diagnostics:
        steps: true
        step_weights: {layer: 1}
        snapshots: {every: 1, grid: 15}
      """;

  @Test
  void drawsEveryFigureAndAnimationTheRunFilesAllow(@TempDir Path dir) throws IOException {
    StudyConfig c = ConfigLoader.parse(CONFIG, "t.yaml", List.of());
    RunSpec run = new RunSpec(c, c.data().sets().get(0), 2, 3);
    new RunRecorder(new CpuBackend())
        .trainAndRecord(List.of(run), List.of(dir), new RunRecorder.Listener() {});
    List<Figure> figs = RunFigures.draw(dir, c);
    Path out = dir.resolve("figures");
    int snapshots = Files.readAllLines(dir.resolve(RunFolder.BOUNDARY_CSV)).size() - 1;
    Gifs boundary = Gifs.read(out.resolve(RunAnimations.BOUNDARY_GIF));
    Gifs training = Gifs.read(out.resolve(RunAnimations.TRAINING_GIF));
    assertEquals(
        List.of(
            "loss",
            "accuracy",
            "step-loss",
            "step-accuracy",
            "weights",
            "boundary",
            "deaths-spikes"),
        figs.stream().map(Figure::name).toList());
    assertAll(
        () -> assertEquals(6, snapshots, "before training and after each of 5 epochs"),
        () -> assertEquals(snapshots, boundary.frames().size(), "a frame per snapshot"),
        // 15 steps: a frame per step from the second on (the first frame draws a line)
        () -> assertEquals(14, training.frames().size(), "a frame per step: 5 epochs x 3, less 1"),
        () -> assertTrue(boundary.loops() && training.loops(), "both loop"),
        () -> assertTrue(Gifs.colours(boundary.frames().get(0)) > 20, "boundary frame drawn"),
        () -> assertTrue(Gifs.colours(training.frames().get(13)) > 10, "training frame drawn"),
        () ->
            assertFalse(
                sameImage(training.frames().get(0), training.frames().get(13)),
                "the curves grow from frame to frame"));
    for (Figure f : figs) {
      BufferedImage png = ImageIO.read(out.resolve(f.name() + ".png").toFile());
      String svg = Files.readString(out.resolve(f.name() + ".svg"));
      assertAll(
          f.name(),
          () -> assertTrue(png.getWidth() >= 500, "a readable size"),
          () -> assertTrue(Gifs.colours(png) > 10, "not blank"),
          () -> assertTrue(svg.contains("<svg"), "an SVG"));
    }
  }

  @Test
  void aRunWithoutOptionalFilesGetsItsEpochFiguresAndTheEpochAnimation(@TempDir Path dir)
      throws IOException {
    StudyConfig c =
        ConfigLoader.parse(
            CONFIG
                .replace("steps: true", "steps: false")
                .replace("step_weights: {layer: 1}", "every: 1"),
            "t.yaml",
            List.of());
    RunSpec run = new RunSpec(c, c.data().sets().get(0), 2, 3);
    new RunRecorder(new CpuBackend())
        .trainAndRecord(List.of(run), List.of(dir), new RunRecorder.Listener() {});
    Files.delete(dir.resolve(RunFolder.BOUNDARY_CSV));
    List<Figure> figs = RunFigures.draw(dir);
    assertEquals(
        List.of("loss", "accuracy", "deaths-spikes"), figs.stream().map(Figure::name).toList());
    assertFalse(Files.exists(dir.resolve("figures").resolve(RunAnimations.BOUNDARY_GIF)));
    // 5 epochs: frames ending at epochs 2..5 (epoch 1 alone would be empty axes)
    assertEquals(
        4, Gifs.read(dir.resolve("figures").resolve(RunAnimations.TRAINING_GIF)).frames().size());
  }

  private static boolean sameImage(BufferedImage a, BufferedImage b) {
    for (int y = 0; y < a.getHeight(); y++) {
      for (int x = 0; x < a.getWidth(); x++) {
        if (a.getRGB(x, y) != b.getRGB(x, y)) {
          return false;
        }
      }
    }
    return true;
  }
}
