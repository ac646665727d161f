package dev.depthlab.signal;

import dev.depthlab.backend.ReplicaSetup;
import dev.depthlab.backend.reference.ReferenceTrace;
import dev.depthlab.common.MeanStd;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.data.DataSet;
import dev.depthlab.data.DatasetSpec;
import dev.depthlab.model.Initializer;
import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.Parameters;
import dev.depthlab.report.SignalCsv;
import dev.depthlab.report.SignalCsv.Analysis;
import dev.depthlab.report.SignalCsv.Row;
import dev.depthlab.report.SignalCsv.Spread;
import dev.depthlab.train.RunSpec;
import dev.depthlab.train.Trainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Signal propagation at initialisation for a study: for every data set and depth, {@code draws}
 * networks drawn as the study's runs draw them, a batch of their first training points pushed
 * forward and the batch objective's gradient pushed back by the reference network itself ({@link
 * ReferenceTrace}: its own passes, not a copy), and per hidden layer the mean square of the
 * pre-activations and of their gradients beside the mean-field prediction ({@link MeanField}).
 * docs/metrics.md defines every number; {@link SignalCsv} holds the files it writes.
 *
 * <p>Draw k uses run seed {@code s_k}: the study's seeds in order, then {@code max + 1, max + 2,
 * ...}; its data set and initial parameters are exactly those of a run of the study with that seed
 * ({@link Trainer#setupFor}), so the first draws are the study's own starting points.
 */
public final class SignalStudy {
  public static final int DEFAULT_DRAWS = 50;
  public static final int DEFAULT_BATCH = 256;

  private SignalStudy() {}

  /**
   * The sweep's signal stage: when {@code cfg} turns {@code diagnostics.signal} on, runs the
   * analysis and writes its files into the study folder {@code dir} (the report reads them);
   * otherwise writes nothing. Deterministic, so a rerun writes the same bytes. Returns whether it
   * wrote.
   */
  public static boolean writeInto(Path dir, StudyConfig cfg) {
    var signal = cfg.diagnostics().signal();
    if (!signal.on()) {
      return false;
    }
    // measured at initialisation, so it needs no finished run
    SignalCsv.write(dir, run(cfg, signal.draws(), signal.batch()));
    return true;
  }

  /** Runs the analysis; {@code draws} and {@code batch} must be >= 1. */
  public static Analysis run(StudyConfig cfg, int draws, int batch) {
    if (draws < 1 || batch < 1) {
      throw new IllegalArgumentException("draws " + draws + ", batch " + batch + ": must be >= 1");
    }
    List<Long> seeds = drawSeeds(cfg.seeds(), draws);
    List<Row> rows = new ArrayList<>();
    int used = batch;
    for (DatasetSpec ds : cfg.data().sets()) {
      for (int depth : RunSpec.depthsOf(cfg)) {
        List<Parameters> params = new ArrayList<>();
        List<DataSet> sets = new ArrayList<>();
        NetworkSpec net = null;
        for (long seed : seeds) {
          RunSpec run = new RunSpec(cfg, ds, depth, seed);
          ReplicaSetup setup = Trainer.setupFor(run);
          net = run.net();
          params.add(setup.initial());
          sets.add(setup.train());
        }
        used = Math.min(batch, sets.get(0).size());
        rows.addAll(rows(ds.label(), measure(net, cfg.model().initScheme(), params, sets, used)));
      }
    }
    NetworkSpec first = new RunSpec(cfg, cfg.data().sets().get(0), 1, 0).net();
    int width = first.fanOut(0);
    Initializer.Scheme init = cfg.model().initScheme();
    double sw2 = width * square(init.std(width, width));
    MeanField mf = MeanField.of(cfg.model().activation(), cfg.model().leakySlope(), init);
    MeanField.Point p = mf.point(sw2);
    return new Analysis(
        List.copyOf(rows),
        draws,
        seeds.get(0),
        used,
        sw2,
        p.qStar(),
        p.chi1(),
        p.cStar(),
        p.chiC(),
        p.xiQ(),
        p.xiC());
  }

  /** The run seeds of {@code n} draws: {@code seeds} in order, then max + 1, max + 2, .... */
  static List<Long> drawSeeds(List<Long> seeds, int n) {
    List<Long> out = new ArrayList<>();
    long max = Long.MIN_VALUE;
    for (long s : seeds) {
      max = Math.max(max, s);
    }
    for (int k = 0; k < n; k++) {
      out.add(k < seeds.size() ? seeds.get(k) : max + 1 + (k - seeds.size()));
    }
    return out;
  }

  /**
   * Per draw d and hidden layer h: measured {@code forward[d][h]}, {@code backward[d][h]} and the
   * theory's {@code forwardTheory[d][h]}, {@code backwardTheory[d][h]}; units[h] the layer's width.
   */
  record Measured(
      int[] units,
      double[][] forward,
      double[][] backward,
      double[][] forwardTheory,
      double[][] backwardTheory,
      double[][] corr,
      double[][] corrTheory) {}

  /** Measures one network shape over the draws' parameters, each on its own data's first points. */
  static Measured measure(
      NetworkSpec net,
      Initializer.Scheme init,
      List<Parameters> params,
      List<DataSet> sets,
      int batch) {
    int depth = net.depth();
    int layers = net.layers();
    int draws = params.size();
    double[] sw2 = new double[layers];
    double[] var = new double[layers];
    for (int l = 0; l < layers; l++) {
      var[l] = square(init.std(net.fanIn(l), net.fanOut(l)));
      sw2[l] = net.fanIn(l) * var[l];
    }
    MeanField mf = MeanField.of(net.activation(), net.leakySlope(), init);
    double b2 = square(init.biasMean());
    int[] units = new int[depth];
    for (int h = 0; h < depth; h++) {
      units[h] = net.fanOut(h);
    }
    double[][] fwd = new double[draws][depth];
    double[][] bwd = new double[draws][depth];
    double[][] fwdT = new double[draws][depth];
    double[][] bwdT = new double[draws][depth];
    double[] dphi2 = new double[depth];
    double[][] corr = new double[draws][depth];
    double[][] corrT = new double[draws][depth];
    double[][] first = new double[depth][];
    for (int d = 0; d < draws; d++) {
      DataSet set = sets.get(d);
      ReferenceTrace pass = new ReferenceTrace(net, new ReplicaSetup(params.get(d), set, set));
      int n = Math.min(batch, set.size());
      for (int s = 0; s < n; s++) {
        pass.sample(s, n);
        for (int h = 0; h < depth; h++) {
          fwd[d][h] += meanSquare(pass.z(h));
          bwd[d][h] += meanSquare(pass.dz(h));
          if (s == 0) {
            first[h] = pass.z(h).clone();
          } else if (s == 1) {
            corr[d][h] = correlation(first[h], pass.z(h));
          }
        }
        if (s == 1) {
          correlationTheory(net, set, sw2, mf, init.biasMean(), corrT[d]);
        }
        // the length map for this input: v^1 = sigma_w^2 * mean_i x_i^2 (exact in expectation)
        double m = 0.0;
        for (int i = 0; i < net.inputs(); i++) {
          double x = set.x()[s * net.inputs() + i];
          m += x * x;
        }
        double v = sw2[0] * m / net.inputs() + mf.biasVariance();
        for (int h = 0; h < depth; h++) {
          fwdT[d][h] += b2 + v;
          dphi2[h] = mf.meanSquareDerivative(v);
          v = mf.next(sw2[h + 1], v);
        }
        // backwards from this sample's measured output gradient
        double g = square(pass.dz(layers - 1)[0]);
        for (int h = depth - 1; h >= 0; h--) {
          g = dphi2[h] * var[h + 1] * net.fanOut(h + 1) * g;
          bwdT[d][h] += g;
        }
      }
      for (int h = 0; h < depth; h++) {
        fwd[d][h] /= n;
        bwd[d][h] /= n;
        fwdT[d][h] /= n;
        bwdT[d][h] /= n;
      }
    }
    if (Math.min(batch, sets.get(0).size()) < 2) {
      for (double[] row : corr) {
        java.util.Arrays.fill(row, Double.NaN);
      }
      for (double[] row : corrT) {
        java.util.Arrays.fill(row, Double.NaN);
      }
    }
    return new Measured(units, fwd, bwd, fwdT, bwdT, corr, corrT);
  }

  /**
   * {@code sum a_j b_j / sqrt(sum a_j^2 sum b_j^2)}: the pre-activations' uncentred correlation.
   */
  static double correlation(double[] a, double[] b) {
    double ab = 0.0;
    double aa = 0.0;
    double bb = 0.0;
    for (int j = 0; j < a.length; j++) {
      ab += a[j] * b[j];
      aa += a[j] * a[j];
      bb += b[j] * b[j];
    }
    return ab / Math.sqrt(aa * bb);
  }

  /**
   * The theory's correlation of the first two points' pre-activations per hidden layer: their
   * variances and covariance from the inputs, then the length and covariance maps ({@link
   * MeanField#nextCovariance}), {@code c = (b^2 + v12) / sqrt((b^2 + v1)(b^2 + v2))}.
   */
  private static void correlationTheory(
      NetworkSpec net, DataSet set, double[] sw2, MeanField mf, double b, double[] out) {
    int in = net.inputs();
    double aa = 0.0;
    double bb = 0.0;
    double ab = 0.0;
    for (int i = 0; i < in; i++) {
      double x = set.x()[i];
      double y = set.x()[in + i];
      aa += x * x;
      bb += y * y;
      ab += x * y;
    }
    double v1 = sw2[0] * aa / in + mf.biasVariance();
    double v2 = sw2[0] * bb / in + mf.biasVariance();
    double v12 = sw2[0] * ab / in + mf.biasVariance();
    for (int h = 0; h < out.length; h++) {
      out[h] = (b * b + v12) / Math.sqrt((b * b + v1) * (b * b + v2));
      double n1 = mf.next(sw2[h + 1], v1);
      double n2 = mf.next(sw2[h + 1], v2);
      v12 = mf.nextCovariance(sw2[h + 1], v1, v2, v12);
      v1 = n1;
      v2 = n2;
    }
  }

  private static List<Row> rows(String dataset, Measured m) {
    int depth = m.units().length;
    int draws = m.forward().length;
    List<Row> out = new ArrayList<>();
    for (int h = 0; h < depth; h++) {
      MeanStd f = MeanStd.of(column(m.forward(), h));
      MeanStd b = MeanStd.of(column(m.backward(), h));
      double[] c = column(m.corr(), h);
      out.add(
          new Row(
              dataset,
              depth,
              h + 1,
              m.units()[h],
              draws,
              f.mean(),
              f.std(),
              MeanStd.of(column(m.forwardTheory(), h)).mean(),
              b.mean(),
              b.std(),
              MeanStd.of(column(m.backwardTheory(), h)).mean(),
              Spread.of(column(m.forward(), h)),
              Spread.of(column(m.backward(), h)),
              MeanStd.of(c).mean(),
              Spread.of(c),
              MeanStd.of(column(m.corrTheory(), h)).mean()));
    }
    return out;
  }

  static double[] column(double[][] byDraw, int h) {
    double[] c = new double[byDraw.length];
    for (int d = 0; d < c.length; d++) {
      c[d] = byDraw[d][h];
    }
    return c;
  }

  private static double meanSquare(double[] v) {
    double s = 0.0;
    for (double x : v) {
      s += x * x;
    }
    return s / v.length;
  }

  private static double square(double x) {
    return x * x;
  }
}
