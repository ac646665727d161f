package dev.depthlab.signal;

import dev.depthlab.backend.ReplicaSetup;
import dev.depthlab.backend.reference.ReferenceTrace;
import dev.depthlab.common.CsvFiles;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.data.DatasetSpec;
import dev.depthlab.model.NetworkSpec;
import dev.depthlab.report.JacobianFigures;
import dev.depthlab.report.SignalCsv.Spread;
import dev.depthlab.train.JacobianSpectrum;
import dev.depthlab.train.RunSpec;
import dev.depthlab.train.Trainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Dynamical isometry at initialisation: per data set and depth >= 2, over the same draws as {@link
 * SignalStudy}, the singular values of the hidden stack's Jacobian ({@link JacobianSpectrum}) at
 * each draw's first training point; their largest, smallest, ratio, mean square and a histogram of
 * log10 over all draws. Written to {@value #FILE} and {@value #HIST_FILE} (docs/metrics.md).
 */
public final class JacobianStudy {
  public static final String FILE = "signal_jacobian.csv";
  public static final String HIST_FILE = "signal_jacobian_hist.csv";

  /** Histogram bins of log10(singular value): [LO, LO + STEP), ..., [HI - STEP, HI), plus tails. */
  static final double LO = JacobianFigures.LO;

  static final double HI = JacobianFigures.HI;
  static final double STEP = JacobianFigures.STEP;

  private JacobianStudy() {}

  /** One network shape's spectrum summary; spreads are over draws. */
  public record Row(
      String dataset,
      int depth,
      int draws,
      Spread svMax,
      Spread svMin,
      Spread ratio,
      double meanSquare,
      double[] histogram) {}

  /** Runs it for every data set and depth >= 2 of {@code cfg}. */
  public static List<Row> run(StudyConfig cfg, int draws) {
    List<Long> seeds = SignalStudy.drawSeeds(cfg.seeds(), draws);
    List<Row> rows = new ArrayList<>();
    for (DatasetSpec ds : cfg.data().sets()) {
      for (int depth : RunSpec.depthsOf(cfg)) {
        if (depth < 2) {
          continue;
        }
        double[] max = new double[draws];
        double[] min = new double[draws];
        double[] ratio = new double[draws];
        double sq = 0.0;
        int count = 0;
        int bins = JacobianFigures.BINS;
        double[] hist = new double[bins];
        for (int d = 0; d < draws; d++) {
          RunSpec run = new RunSpec(cfg, ds, depth, seeds.get(d));
          NetworkSpec net = run.net();
          ReplicaSetup setup = Trainer.setupFor(run);
          ReferenceTrace t = new ReferenceTrace(net, setup);
          t.sample(0, 1);
          double[][] z = new double[net.depth()][];
          for (int h = 0; h < z.length; h++) {
            z[h] = t.z(h).clone();
          }
          double[] sv =
              JacobianSpectrum.singularValues(JacobianSpectrum.jacobian(net, setup.initial(), z));
          max[d] = sv[0];
          min[d] = sv[sv.length - 1];
          ratio[d] = max[d] / min[d];
          for (double s : sv) {
            sq += s * s;
            count++;
            hist[bin(s)]++;
          }
        }
        for (int b = 0; b < bins; b++) {
          hist[b] /= count;
        }
        rows.add(
            new Row(
                ds.label(),
                depth,
                draws,
                Spread.of(max),
                Spread.of(min),
                Spread.of(ratio),
                sq / count,
                hist));
      }
    }
    return rows;
  }

  /** 0: below 10^LO; then the bins; last: 10^HI and above (the report's one binning). */
  static int bin(double s) {
    return JacobianFigures.bin(s);
  }

  /** The columns of {@value #FILE}, in order. */
  static final List<String> HEADER =
      List.of(
          "dataset",
          "depth",
          "draws",
          "sv_max_median",
          "sv_max_q1",
          "sv_max_q3",
          "sv_min_median",
          "sv_min_q1",
          "sv_min_q3",
          "ratio_median",
          "ratio_q1",
          "ratio_q3",
          "sv_mean_square");

  /** A row's cells under {@link #HEADER}. */
  static List<Object> cells(Row r) {
    return List.of(
        r.dataset(),
        r.depth(),
        r.draws(),
        CsvFiles.num(r.svMax().median()),
        CsvFiles.num(r.svMax().q1()),
        CsvFiles.num(r.svMax().q3()),
        CsvFiles.num(r.svMin().median()),
        CsvFiles.num(r.svMin().q1()),
        CsvFiles.num(r.svMin().q3()),
        CsvFiles.num(r.ratio().median()),
        CsvFiles.num(r.ratio().q1()),
        CsvFiles.num(r.ratio().q3()),
        CsvFiles.num(r.meanSquare()));
  }

  /** Writes both files into {@code dir}. */
  public static void write(Path dir, List<Row> rows) {
    CsvFiles.write(
        dir.resolve(FILE),
        HEADER,
        p -> {
          for (Row r : rows) {
            p.printRecord(cells(r));
          }
        });
    CsvFiles.write(
        dir.resolve(HIST_FILE),
        List.of("dataset", "depth", "log10_lo", "log10_hi", "fraction"),
        p -> {
          for (Row r : rows) {
            double[] h = r.histogram();
            for (int b = 0; b < h.length; b++) {
              double lo = b == 0 ? Double.NEGATIVE_INFINITY : LO + (b - 1) * STEP;
              double hi = b == h.length - 1 ? Double.POSITIVE_INFINITY : LO + b * STEP;
              p.printRecord(
                  r.dataset(), r.depth(), CsvFiles.num(lo), CsvFiles.num(hi), CsvFiles.num(h[b]));
            }
          }
        });
  }
}
