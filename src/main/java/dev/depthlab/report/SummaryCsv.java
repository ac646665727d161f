package dev.depthlab.report;

import dev.depthlab.common.CsvFiles;
import dev.depthlab.common.UserError;
import dev.depthlab.train.RunFolder;
import dev.depthlab.train.RunSchema.Summary;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/** summary.csv: one row per finished run; docs/report.md lists the columns. */
public final class SummaryCsv {
  private SummaryCsv() {}

  /** The header for runs whose deepest network has {@code maxDepth} hidden layers. */
  public static List<String> header(int maxDepth) {
    return header(maxDepth, false);
  }

  /**
   * With a last column {@code sharpness_last} when some run estimated its sharpness (absent
   * otherwise, so the summaries of studies without it stay as they were).
   */
  public static List<String> header(int maxDepth, boolean sharpness) {
    return header(maxDepth, sharpness, false);
  }

  /**
   * With a last column {@code status_epoch} (the epoch a run's status first showed, empty for ok
   * runs) when some run has one: absent otherwise, so summaries of studies without a flagged run
   * stay as they were.
   */
  public static List<String> header(int maxDepth, boolean sharpness, boolean statusEpoch) {
    List<String> h = new ArrayList<>();
    Summary.LEADING.forEach(c -> h.add(c.key()));
    for (int l = 1; l <= maxDepth; l++) {
      h.add(Summary.DEAD.of(l));
    }
    h.add(Summary.WALL_S.key());
    if (sharpness) {
      h.add(Summary.SHARPNESS_LAST.key());
    }
    if (statusEpoch) {
      h.add(Summary.STATUS_EPOCH.key());
    }
    return h;
  }

  public static void write(Path file, List<RunRecord> runs) {
    int maxDepth = 0;
    boolean anySharpness = false;
    boolean anyStatusEpoch = false;
    for (RunRecord r : runs) {
      maxDepth = Math.max(maxDepth, r.deadFraction().length);
      anySharpness |= r.hasSharpness();
      anyStatusEpoch |= r.statusEpoch() > 0;
    }
    boolean sharpness = anySharpness;
    boolean statusEpoch = anyStatusEpoch;
    List<String> header = header(maxDepth, sharpness, statusEpoch);
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
            if (sharpness) {
              row.add(r.hasSharpness() ? num(r.sharpnessLast()) : "");
            }
            if (statusEpoch) {
              row.add(r.statusEpoch() > 0 ? Integer.toString(r.statusEpoch()) : "");
            }
            p.printRecord(row);
          }
        });
  }

  /**
   * The runs of a summary.csv written by {@link #write}, as records carrying every column (no
   * per-epoch series: {@code epochGradNorm} empty, {@code curves} null) and {@code configHash}.
   */
  static List<RunRecord> read(Path file, String configHash) {
    List<RunRecord> runs = new ArrayList<>();
    for (CSVRecord r : records(file)) {
      int depth = Integer.parseInt(r.get(Summary.DEPTH.key()));
      double[] dead = new double[depth];
      for (int l = 0; l < depth; l++) {
        String v = r.isMapped(Summary.DEAD.of(l + 1)) ? r.get(Summary.DEAD.of(l + 1)) : "";
        dead[l] = v.isEmpty() ? Double.NaN : Double.parseDouble(v);
      }
      runs.add(
          new RunRecord(
              r.get(Summary.DATASET.key()),
              depth,
              Long.parseLong(r.get(Summary.SEED.key())),
              configHash,
              r.get(Summary.BACKEND.key()),
              r.get(Summary.PRECISION.key()),
              r.get(Summary.STATUS.key()),
              Integer.parseInt(r.get(Summary.EPOCHS.key())),
              d(r, Summary.TRAIN_ACC.key()),
              d(r, Summary.TEST_ACC.key()),
              d(r, Summary.TRAIN_LOSS.key()),
              d(r, Summary.TEST_LOSS.key()),
              d(r, Summary.GRAD_NORM_MEAN.key()),
              d(r, Summary.GRAD_NORM_STD.key()),
              d(r, Summary.GRAD_NORM_CV.key()),
              dead,
              d(r, Summary.WALL_S.key()),
              new CurveMetrics(
                  d(r, Summary.LOSS_FIRST.key()),
                  d(r, Summary.LOSS_LAST.key()),
                  d(r, Summary.LOSS_TREND.key()),
                  d(r, Summary.LOSS_OSCILLATION.key()),
                  Integer.parseInt(r.get(Summary.PLATEAU_EPOCH.key())),
                  d(r, Summary.LATE_GAIN.key()),
                  Integer.parseInt(r.get(Summary.SPIKES.key()))),
              new double[0],
              null,
              sharpnessLast(r),
              new double[0],
              statusEpoch(r)));
    }
    return runs;
  }

  private static List<CSVRecord> records(Path file) {
    try (Reader in = Files.newBufferedReader(file)) {
      return CSVFormat.DEFAULT
          .builder()
          .setHeader()
          .setSkipHeaderRecord(true)
          .build()
          .parse(in)
          .getRecords();
    } catch (IOException | UncheckedIOException e) {
      throw new UserError("cannot read " + file + ": " + e.getMessage());
    }
  }

  /** A one-element series holding sharpness_last, or none when the column is absent or empty. */
  private static double[] sharpnessLast(CSVRecord r) {
    if (!r.isMapped(Summary.SHARPNESS_LAST.key())
        || r.get(Summary.SHARPNESS_LAST.key()).isEmpty()) {
      return new double[0];
    }
    return new double[] {d(r, Summary.SHARPNESS_LAST.key())};
  }

  /** The status_epoch column, 0 when it is absent or empty. */
  private static int statusEpoch(CSVRecord r) {
    if (!r.isMapped(Summary.STATUS_EPOCH.key()) || r.get(Summary.STATUS_EPOCH.key()).isEmpty()) {
      return 0;
    }
    return Integer.parseInt(r.get(Summary.STATUS_EPOCH.key()));
  }

  private static double d(CSVRecord r, String column) {
    return Double.parseDouble(r.get(column));
  }

  private static String num(double v) {
    return RunFolder.num(v);
  }
}
