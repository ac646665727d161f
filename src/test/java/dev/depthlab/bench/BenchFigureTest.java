package dev.depthlab.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.bench.StepBench.Point;
import dev.depthlab.bench.StepBench.Timing;
import dev.depthlab.model.Precision;
import dev.depthlab.plot.ChartStyle;
import dev.depthlab.plot.Figure;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench figures: which axes get one, which points each line holds, where they are written. */
class BenchFigureTest {
  @TempDir Path tmp;

  private static int segments(Path svg, Color c) throws IOException {
    String rgb =
        "stroke:rgb(" + c.getRed() + "," + c.getGreen() + "," + c.getBlue() + ");stroke-width:2;";
    Matcher m = Pattern.compile(Pattern.quote(rgb)).matcher(Files.readString(svg));
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  @Test
  void aLinePerBackendAndPrecisionAgainstEachVariedAxis() throws IOException {
    List<Timing> t = new ArrayList<>();
    for (String backend : List.of("cpu", "cuda")) {
      for (int width : List.of(16, 64, 256, 1024)) {
        for (int batch : List.of(32, 4096)) {
          // the device costs a flat 50 us, the host grows with the work: they cross
          double us = backend.equals("cpu") ? width * batch / 100.0 : 50 + width * batch / 10000.0;
          t.add(
              new Timing(
                  backend,
                  backend.equals("cpu"),
                  new Point(2, width, batch, 1, Precision.FP64),
                  us,
                  us,
                  us));
        }
      }
    }
    List<Figure> figs = BenchFigure.draw(tmp.resolve("My Bench.csv"), t);
    assertEquals(
        List.of("my-bench-width", "my-bench-batch"), figs.stream().map(Figure::name).toList());
    assertTrue(
        figs.get(0).caption().contains("batch 4096, depth 2, replicas 1"), figs.get(0).caption());
    Path svg = tmp.resolve("my-bench-width.svg");
    assertTrue(Files.isRegularFile(tmp.resolve("my-bench-width.png")));
    // 4 widths: 3 segments per line, plus the legend's
    assertEquals(4, segments(svg, ChartStyle.category(0)));
    assertEquals(4, segments(svg, ChartStyle.category(1)));
    assertEquals(0, segments(svg, ChartStyle.category(2)));
    assertEquals(2, segments(tmp.resolve("my-bench-batch.svg"), ChartStyle.category(1)));
  }

  @Test
  void theSeedGridVariesDepthOnly() throws IOException {
    List<Timing> t = new ArrayList<>();
    for (int d : List.of(1, 2, 4)) {
      t.add(new Timing("cpu", true, new Point(d, 16, 32, 1, Precision.FP32), 10, 9, 10));
    }
    // one width: no width figure of one dot per line, the depth figure with its line
    assertEquals(
        List.of("bench-depth"),
        BenchFigure.draw(tmp.resolve("bench.csv"), t).stream().map(Figure::name).toList());
    assertEquals(3, segments(tmp.resolve("bench-depth.svg"), ChartStyle.category(0)));
    // one shape measured at all: a width figure still, the only one
    assertEquals(
        List.of("bench-width"),
        BenchFigure.draw(tmp.resolve("bench.csv"), t.subList(0, 1)).stream()
            .map(Figure::name)
            .toList());
    assertEquals(List.of(), BenchFigure.draw(tmp.resolve("bench.csv"), List.of()));
  }
}
