package dev.depthlab.phase;

import dev.depthlab.plot.Figure;
import dev.depthlab.plot.FigureFiles;
import dev.depthlab.plot.HeatMap;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** The heatmaps of a phase grid: one per data set and quantity, x across, y up. */
public final class PhaseFigures {
  private PhaseFigures() {}

  /** A heat map's quantity; {@code label}: its colour bar's (short: it stands above the bar). */
  private record Quantity(
      String stem,
      String title,
      ToDoubleFunction<PhaseTable.Cell> value,
      double min,
      double max,
      String label) {}

  /** Draws every heatmap of {@code cells} into {@code dir} (PNG and SVG); returns them in order. */
  public static List<Figure> write(Path dir, PhaseGrid grid, List<PhaseTable.Cell> cells) {
    Map<String, List<PhaseTable.Cell>> bySet = new LinkedHashMap<>();
    for (PhaseTable.Cell c : cells) {
      bySet.computeIfAbsent(c.dataset(), k -> new ArrayList<>()).add(c);
    }
    List<Figure> figures = new ArrayList<>();
    for (Map.Entry<String, List<PhaseTable.Cell>> e : bySet.entrySet()) {
      double maxLoss = 0;
      for (PhaseTable.Cell c : e.getValue()) {
        if (Double.isFinite(c.trainLoss())) {
          maxLoss = Math.max(maxLoss, c.trainLoss());
        }
      }
      List<Quantity> quantities =
          List.of(
              // two-class data sets: 0.5 is chance, so the colour scale starts there
              new Quantity(
                  "test_acc",
                  "final test accuracy (runs that stayed finite)",
                  PhaseTable.Cell::testAcc,
                  0.5,
                  1.0,
                  "test acc."),
              new Quantity(
                  "train_loss",
                  "final train loss (runs that stayed finite)",
                  PhaseTable.Cell::trainLoss,
                  0.0,
                  maxLoss > 0 ? maxLoss : 1.0,
                  "train loss"),
              new Quantity(
                  "diverged",
                  "fraction of runs diverged",
                  PhaseTable.Cell::divergedFraction,
                  0.0,
                  1.0,
                  "diverged"),
              new Quantity(
                  "dead_layer",
                  "fraction of runs with a fully dead hidden layer",
                  PhaseTable.Cell::deadLayerFraction,
                  0.0,
                  1.0,
                  "dead layer"));
      for (Quantity q : quantities) {
        figures.add(draw(dir, grid, e.getKey(), e.getValue(), q));
      }
    }
    return figures;
  }

  private static Figure draw(
      Path dir, PhaseGrid grid, String dataset, List<PhaseTable.Cell> cells, Quantity q) {
    int rows = grid.y().values().size();
    int cols = grid.x().values().size();
    double[][] v = new double[rows][cols];
    for (double[] row : v) {
      java.util.Arrays.fill(row, Double.NaN);
    }
    for (PhaseTable.Cell c : cells) {
      v[c.yi()][c.xi()] = c.runs() > 0 ? q.value().applyAsDouble(c) : Double.NaN;
    }
    String name = "phase-" + Figure.stem(dataset, "data") + "-" + q.stem();
    String title = dataset + ": " + q.title();
    Figure figure =
        new Figure(
            name,
            title,
            title
                + " over "
                + grid.x().key()
                + " (x) and "
                + grid.y().key()
                + " (y); an empty cell has no finished run that qualifies");
    var chart =
        HeatMap.draw(
            title,
            grid.x().key(),
            grid.x().values(),
            grid.y().key(),
            grid.y().values(),
            v,
            q.min(),
            q.max(),
            q.label());
    return FigureFiles.write(chart, dir, figure);
  }
}
