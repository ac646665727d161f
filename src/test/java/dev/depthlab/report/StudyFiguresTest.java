package dev.depthlab.report;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.config.StudyConfig;
import dev.depthlab.plot.ChartStyle;
import dev.depthlab.plot.Curve;
import dev.depthlab.plot.Figure;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;

/**
 * The study figures read back as data: the SVG's series lines against the runs they were drawn
 * from, captions against the runs missing or diverged, and every figure present for a study with
 * gaps.
 */
class StudyFiguresTest {
  @TempDir Path tmp;

  private static final List<String> NAMES =
      List.of(
          "loss-",
          "loss-log-",
          "gradnorm-",
          "gradnorm-vs-depth-",
          "gradnorm-cv-vs-depth-",
          "accuracy-vs-depth-",
          "gradnorm-per-layer-",
          "dead-units-heatmap-",
          "dead-units-");

  /** The data lines of an SVG, by colour: how many 2-px stroked segments each colour has. */
  private static Map<String, Integer> lineSegments(Path svg) throws IOException {
    Pattern p = Pattern.compile("<line style=\"[^\"]*stroke:(rgb\\([0-9,]+\\));stroke-width:2;");
    Matcher m = p.matcher(Files.readString(svg));
    Map<String, Integer> out = new TreeMap<>();
    while (m.find()) {
      out.merge(m.group(1), 1, Integer::sum);
    }
    return out;
  }

  private static String rgb(Color c) {
    return "rgb(" + c.getRed() + "," + c.getGreen() + "," + c.getBlue() + ")";
  }

  @Test
  void theLossSvgHasOneLinePerDepthWithOneSegmentPerEpoch() throws IOException {
    int epochs = 12;
    StudyConfig cfg = FakeStudy.config(List.of("circle"), List.of(1, 2, 4), 2, epochs);
    FakeStudy.lock(tmp, cfg);
    for (int d : List.of(1, 2, 4)) {
      for (int s = 0; s < 2; s++) {
        FakeStudy.run(tmp, "circle", d, s, epochs, "ok");
      }
    }
    StudyReport.Built b = StudyReport.write(tmp);
    // the 9 of StatsFigures, the 9 of StudyFigures, the deaths against the spikes (DeathSpikes),
    // then the data set's decision boundaries (BoundaryFigures)
    assertEquals(20, b.figures().size());
    assertEquals("interval-test-acc-circle", b.figures().get(0).name());
    assertEquals("deaths-spikes-circle", b.figures().get(18).name());
    assertEquals("boundary-circle", b.figures().get(19).name());
    Map<String, Integer> lines = lineSegments(tmp.resolve("figures/loss-circle.svg"));
    // each depth's colour: epochs - 1 segments of its line, and 1 in the legend
    assertEquals(3, lines.size(), lines.toString());
    for (int i = 0; i < 3; i++) {
      assertEquals(epochs, lines.get(rgb(ChartStyle.ordered(i, 3))), lines.toString());
    }
    // the per-layer profile: depth d has d + 1 weight layers, so d segments and a legend line
    Map<String, Integer> layers =
        lineSegments(tmp.resolve("figures/gradnorm-per-layer-circle.svg"));
    assertEquals(1 + 1, layers.get(rgb(ChartStyle.ordered(0, 3))));
    assertEquals(2 + 1, layers.get(rgb(ChartStyle.ordered(1, 3))));
    assertEquals(4 + 1, layers.get(rgb(ChartStyle.ordered(2, 3))));
    assertTrue(b.figures().get(0).caption().contains("Uses 6 of 6 runs (all finished ok)."));
  }

  @Test
  void theLossPngFallsLeftToRight() throws IOException {
    // depth 1's loss falls from 0.61 to under 0.02: its line is high at the left, low at the right
    int epochs = 40;
    StudyConfig cfg = FakeStudy.config(List.of("circle"), List.of(1), 1, epochs);
    FakeStudy.lock(tmp, cfg);
    FakeStudy.run(tmp, "circle", 1, 0, epochs, "ok");
    StudyReport.write(tmp);
    BufferedImage img = ImageIO.read(tmp.resolve("figures/loss-circle.png").toFile());
    int colour = ChartStyle.ordered(0, 1).getRGB() & 0xffffff;
    int leftTop = Integer.MAX_VALUE;
    int rightTop = Integer.MAX_VALUE;
    int leftX = Integer.MAX_VALUE;
    int rightX = -1;
    for (int x = 0; x < img.getWidth() * 3 / 4; x++) {
      for (int y = 0; y < img.getHeight(); y++) {
        if ((img.getRGB(x, y) & 0xffffff) == colour) {
          leftX = Math.min(leftX, x);
          rightX = Math.max(rightX, x);
        }
      }
    }
    for (int y = 0; y < img.getHeight(); y++) {
      if ((img.getRGB(leftX, y) & 0xffffff) == colour) {
        leftTop = Math.min(leftTop, y);
      }
      if ((img.getRGB(rightX, y) & 0xffffff) == colour) {
        rightTop = Math.min(rightTop, y);
      }
    }
    assertTrue(
        rightX - leftX > img.getWidth() / 2, "the line spans the plot: " + leftX + ".." + rightX);
    assertTrue(rightTop - leftTop > img.getHeight() / 2, "falls: " + leftTop + " -> " + rightTop);
  }

  @Test
  void missingAndDivergedRunsAreNamedAndEveryFigureIsStillDrawn() throws IOException {
    int epochs = 10;
    StudyConfig cfg =
        FakeStudy.config(List.of("circle", "nested_rings"), List.of(1, 2, 4), 3, epochs);
    FakeStudy.lock(tmp, cfg);
    for (String set : List.of("circle", "nested_rings")) {
      for (int d : List.of(1, 2, 4)) {
        for (int s = 0; s < 3; s++) {
          if (set.equals("circle") && d == 2) {
            continue; // a depth with no run at all
          }
          boolean diverged = set.equals("circle") && d == 4 && s == 1;
          FakeStudy.run(tmp, set, d, s, epochs, diverged ? "diverged" : "ok");
        }
      }
    }
    // every seed of one depth diverged: the depth has no line, the figures still come
    for (int s = 0; s < 3; s++) {
      FakeStudy.run(tmp, "nested_rings", 4, s, epochs, "diverged");
    }
    List<Figure> figs = StudyReport.write(tmp).figures();
    // 9 statistics figures per data set (3 kinds x 3 headline metrics), then 9 per data set, the
    // deaths against the spikes and a boundary figure each
    assertEquals(40, figs.size(), "9 + 9 + 1 per data set, and a boundary figure each");
    for (String set : List.of("circle", "nested_rings")) {
      for (String kind : StatsFigures.KINDS) {
        for (String m : List.of("test-acc", "train-loss", "grad-norm-mean")) {
          Path png = tmp.resolve("figures/" + kind + "-" + m + "-" + set + ".png");
          assertTrue(Files.size(png) > 1000, png.toString());
        }
      }
    }
    for (String set : List.of("circle", "nested_rings")) {
      for (String n : NAMES) {
        Path png = tmp.resolve("figures/" + n + set + ".png");
        Path svg = tmp.resolve("figures/" + n + set + ".svg");
        assertTrue(Files.size(png) > 1000 && Files.size(svg) > 1000, png.toString());
      }
    }
    for (Figure f : figs) {
      if (f.name().startsWith("boundary-")) {
        continue; // BoundaryFiguresTest checks those captions
      }
      if (f.name().endsWith("-circle")) {
        assertTrue(
            f.caption()
                .endsWith(
                    "Uses 5 of 9 runs (the finished ok ones); missing: depth 2 seeds 0, 1, 2;"
                        + " diverged, left out: depth 4 seed 1."),
            f.caption());
      } else {
        assertTrue(f.caption().endsWith("diverged, left out: depth 4 seeds 0, 1, 2."), f.caption());
      }
    }
    // circle: depth 2 has no line, depth 1 and 4 have one each (the diverged seed left out)
    Map<String, Integer> lines = lineSegments(tmp.resolve("figures/loss-circle.svg"));
    assertEquals(2, lines.size(), lines.toString());
    assertEquals(epochs, lines.get(rgb(ChartStyle.ordered(2, 3))));
    assertTrue(
        Files.list(tmp.resolve("figures"))
            .noneMatch(p -> p.getFileName().toString().startsWith(".")),
        "no temporary file left behind");
  }

  @Test
  void accuracyAxesRunFromChanceToOneUnlessABarReachesBelow() {
    Curve high = new Curve("test", new double[] {1, 2}, new double[] {0.96, 0.995}, null);
    Curve low =
        new Curve("test", new double[] {1, 2}, new double[] {0.62, 0.9}, new double[] {0.2, 0});
    XYChart a = StudyFigures.accuracyChart("t", List.of(high));
    XYChart b = StudyFigures.accuracyChart("t", List.of(low));
    assertAll(
        // 0.96 to 0.995 is not zoomed in on: the axis keeps chance and the ceiling
        () -> assertEquals(0.5, a.getStyler().getYAxisMin()),
        () -> assertEquals(1.0, a.getStyler().getYAxisMax()),
        // 0.62 - 0.2 = 0.42: the tenth below, 0.4
        () -> assertEquals(0.4, b.getStyler().getYAxisMin(), 1e-12),
        () -> assertEquals(1.0, b.getStyler().getYAxisMax()));
  }
}
