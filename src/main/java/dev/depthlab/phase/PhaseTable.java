package dev.depthlab.phase;

import dev.depthlab.common.CsvFiles;
import dev.depthlab.data.DatasetSpec;
import dev.depthlab.report.RunReader;
import dev.depthlab.report.RunRecord;
import dev.depthlab.sweep.Variant;
import dev.depthlab.train.RunFolder;
import dev.depthlab.train.RunSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * phase.csv: per data set and grid point (x, y), the finished runs' final test accuracy and train
 * loss (means over the runs that did not diverge), the fraction that diverged and the fraction that
 * ended with a fully dead hidden layer. docs/metrics.md defines each column.
 */
public final class PhaseTable {
  /** The file a phase grid writes beside its variants. */
  public static final String FILE = "phase.csv";

  private PhaseTable() {}

  /** One grid point of one data set; the means are NaN when no finished run stayed finite. */
  public record Cell(
      String dataset,
      int xi,
      int yi,
      String x,
      String y,
      int runs,
      double testAcc,
      double trainLoss,
      double divergedFraction,
      double deadLayerFraction) {}

  /** Every cell, data set slowest, then y, then x; read from the variants' finished run folders. */
  public static List<Cell> read(PhaseGrid grid, List<Variant> variants) {
    List<Cell> cells = new ArrayList<>();
    List<DatasetSpec> sets = variants.get(0).config().data().sets();
    for (DatasetSpec d : sets) {
      for (int yi = 0; yi < grid.y().values().size(); yi++) {
        for (int xi = 0; xi < grid.x().values().size(); xi++) {
          Variant v = grid.variantAt(variants, xi, yi);
          int depth = grid.depthAt(variants, xi, yi);
          List<RunRecord> runs = new ArrayList<>();
          for (long seed : v.config().seeds()) {
            Path dir = v.dir().resolve(new RunSpec(v.config(), d, depth, seed).relativeDir());
            if (RunFolder.isFinished(dir)) {
              runs.add(RunReader.read(dir));
            }
          }
          cells.add(
              cell(d.label(), xi, yi, grid.x().values().get(xi), grid.y().values().get(yi), runs));
        }
      }
    }
    return cells;
  }

  /** Aggregates the runs of one grid point. */
  public static Cell cell(
      String dataset, int xi, int yi, String x, String y, List<RunRecord> runs) {
    int finite = 0;
    int diverged = 0;
    int dead = 0;
    double acc = 0;
    double loss = 0;
    for (RunRecord r : runs) {
      if (r.ok()) {
        finite++;
        acc += r.testAcc();
        loss += r.trainLoss();
      } else {
        diverged++;
      }
      if (hasDeadLayer(r.deadFraction())) {
        dead++;
      }
    }
    int n = runs.size();
    return new Cell(
        dataset,
        xi,
        yi,
        x,
        y,
        n,
        finite > 0 ? acc / finite : Double.NaN,
        finite > 0 ? loss / finite : Double.NaN,
        n > 0 ? (double) diverged / n : Double.NaN,
        n > 0 ? (double) dead / n : Double.NaN);
  }

  /** Whether any hidden layer's dead fraction at the last epoch is 1 (every unit dead). */
  public static boolean hasDeadLayer(double[] deadFraction) {
    for (double f : deadFraction) {
      if (f == 1.0) {
        return true;
      }
    }
    return false;
  }

  /** Writes phase.csv; the axis columns are named by their config keys. */
  public static void write(Path file, PhaseGrid grid, List<Cell> cells) {
    List<String> header =
        List.of(
            "dataset",
            grid.x().key(),
            grid.y().key(),
            "runs",
            "test_acc",
            "train_loss",
            "diverged",
            "dead_layer");
    CsvFiles.write(
        file,
        header,
        p -> {
          for (Cell c : cells) {
            p.printRecord(
                c.dataset(),
                c.x(),
                c.y(),
                Integer.toString(c.runs()),
                num(c.testAcc()),
                num(c.trainLoss()),
                num(c.divergedFraction()),
                num(c.deadLayerFraction()));
          }
        });
  }

  private static String num(double v) {
    return Double.isNaN(v) ? "" : CsvFiles.num(v);
  }
}
