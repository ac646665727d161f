package dev.depthlab.report;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.awt.BasicStroke;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

/**
 * The nn_scratch weight plot (2 inputs x 3 units and 3 biases: nine lines): a colour per unit, a
 * dash per parameter of the unit, so no two lines look alike.
 */
class WeightsChartTest {
  @Test
  void everyLineDiffersInColourOrDash(@TempDir Path dir) throws IOException {
    StringBuilder csv = new StringBuilder("step,epoch,epoch_step,layer,param,row,col,value\n");
    for (int step = 0; step < 3; step++) {
      for (int unit = 0; unit < 3; unit++) {
        for (int in = 0; in < 2; in++) {
          csv.append(step + ",1," + step + ",2,w," + in + "," + unit + "," + (0.1 * in + unit))
              .append('\n');
        }
        csv.append(step + ",1," + step + ",2,b,0," + unit + "," + (1 + step * 0.01)).append('\n');
      }
    }
    Path file = dir.resolve("step_weights.csv");
    Files.writeString(file, csv);
    XYChart c = RunFigures.weightsChart("run", file);
    // SeriesChart's blank placeholder series aside
    List<XYSeries> lines =
        c.getSeriesMap().values().stream().filter(s -> !s.getName().isBlank()).toList();
    assertEquals(9, lines.size(), c.getSeriesMap().keySet().toString());
    Set<String> looks = new HashSet<>();
    for (XYSeries s : lines) {
      BasicStroke k = s.getLineStyle();
      looks.add(s.getLineColor() + " " + Arrays.toString(k.getDashArray()));
    }
    XYSeries w00 = c.getSeriesMap().get("w[0,0]");
    XYSeries w01 = c.getSeriesMap().get("w[0,1]");
    XYSeries w10 = c.getSeriesMap().get("w[1,0]");
    XYSeries b0 = c.getSeriesMap().get("b[0]");
    assertAll(
        () -> assertEquals(9, looks.size(), "two lines look alike: " + looks),
        // unit 0's three lines share its colour; unit 1 has another
        () -> assertEquals(w00.getLineColor(), w10.getLineColor()),
        () -> assertEquals(w00.getLineColor(), b0.getLineColor()),
        () -> assertNotEquals(w00.getLineColor(), w01.getLineColor()));
  }
}
