package dev.depthlab.report;

import dev.depthlab.common.CsvFiles;
import dev.depthlab.train.RunFolder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** summary.csv: one row per finished run; docs/report.md lists the columns. */
public final class SummaryCsv {
  private SummaryCsv() {}

  /** The header for runs whose deepest network has {@code maxDepth} hidden layers. */
  public static List<String> header(int maxDepth) {
    List<String> h =
        new ArrayList<>(
            List.of(
                "dataset",
                "depth",
                "seed",
                "backend",
                "precision",
                "status",
                "epochs",
                "train_acc",
                "test_acc",
                "train_loss",
                "test_loss",
                "grad_norm_mean",
                "grad_norm_std",
                "grad_norm_cv",
                "loss_first",
                "loss_last",
                "loss_trend",
                "loss_oscillation",
                "plateau_epoch",
                "late_gain",
                "spikes"));
    for (int l = 1; l <= maxDepth; l++) {
      h.add("dead_h" + l);
    }
    h.add("wall_s");
    return h;
  }

  public static void write(Path file, List<RunRecord> runs) {
    int maxDepth = 0;
    for (RunRecord r : runs) {
      maxDepth = Math.max(maxDepth, r.deadFraction().length);
    }
    List<String> header = header(maxDepth);
    int depthCols = maxDepth;
    CsvFiles.write(
        file,
        header,
        p -> {
          for (RunRecord r : runs) {
            CurveMetrics c = r.curve();
            List<String> row =
                new ArrayList<>(
                    List.of(
                        r.dataset(),
                        Integer.toString(r.depth()),
                        Long.toString(r.seed()),
                        r.backend(),
                        r.precision(),
                        r.status(),
                        Integer.toString(r.epochs()),
                        num(r.trainAcc()),
                        num(r.testAcc()),
                        num(r.trainLoss()),
                        num(r.testLoss()),
                        num(r.gradNormMean()),
                        num(r.gradNormStd()),
                        num(r.gradNormCv()),
                        num(c.first()),
                        num(c.last()),
                        num(c.trend()),
                        num(c.oscillation()),
                        Integer.toString(c.plateauEpoch()),
                        num(c.lateGain()),
                        Integer.toString(c.spikes())));
            for (int l = 0; l < depthCols; l++) {
              row.add(l < r.deadFraction().length ? num(r.deadFraction()[l]) : "");
            }
            row.add(num(r.wallSeconds()));
            p.printRecord(row);
          }
        });
  }

  private static String num(double v) {
    return RunFolder.num(v);
  }
}
