package dev.depthlab.signal;

import dev.depthlab.common.CsvFiles;
import dev.depthlab.common.Seeds;
import dev.depthlab.common.UserError;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.data.DataSet;
import dev.depthlab.data.DatasetSpec;
import dev.depthlab.data.Datasets;
import dev.depthlab.model.Activation;
import dev.depthlab.model.Initializer;
import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.Parameters;
import dev.depthlab.train.JacobianSpectrum;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Born-dead networks (Lu et al. 2019, "Dying ReLU and initialization"): per data set, depth and
 * width, over many initialisations, the fraction of networks born with a dead hidden layer, one
 * whose units are all inactive ({@link Activation#inactive}, the dead-unit rule) on every point of
 * the run's training set, beside the closed form {@link #theory}: the probability that some hidden
 * layer is inactive at one input point. Written to {@value #FILE} (docs/metrics.md).
 */
public final class BornDead {
  public static final String FILE = "born_dead.csv";

  public static final List<String> COLUMNS =
      List.of(
          "dataset",
          "depth",
          "width",
          "draws",
          "born_dead",
          "fraction",
          "fraction_se",
          "point_dead",
          "point_fraction",
          "point_theory");

  private BornDead() {}

  /**
   * One shape: of {@code draws} networks, {@code bornDead} had a layer dead on the whole training
   * set and {@code pointDead} one inactive at the set's first point; {@code theory} the closed form
   * for the latter (NaN where it does not apply).
   */
  public record Row(
      String dataset, int depth, int width, int draws, int bornDead, int pointDead, double theory) {
    public double fraction() {
      return (double) bornDead / draws;
    }

    /** The binomial standard error of {@link #fraction}. */
    public double fractionSe() {
      double p = fraction();
      return Math.sqrt(p * (1 - p) / draws);
    }

    public double pointFraction() {
      return (double) pointDead / draws;
    }
  }

  /**
   * P(some hidden layer inactive at one point) = 1 - (1 - 2^-N)^L for L hidden layers of N ReLU or
   * LeakyReLU units whose weight-and-bias columns are independent and sign-symmetric (every scheme
   * here with zero-mean biases: a named init with {@code bias_init} 0, gaussian, orthogonal): given
   * any nonzero input to a layer, its N pre-activations are <= 0 together with probability 2^-N,
   * independently of the layers before. NaN for tanh (its rule is saturation) and for a constant
   * nonzero bias.
   */
  public static double theory(Activation act, Initializer.Scheme scheme, int width, int depth) {
    if (act == Activation.TANH || scheme.biasMean() != 0.0) {
      return Double.NaN;
    }
    return 1.0 - Math.pow(1.0 - Math.pow(0.5, width), depth);
  }

  /** Runs it for every data set and depth of {@code cfg} and each of {@code widths}. */
  public static List<Row> run(StudyConfig cfg, List<Integer> widths, int draws) {
    if (cfg.model().explicitLayers()) {
      throw new UserError("--born-dead needs model.depths and a width, not model.layers");
    }
    List<Long> seeds = SignalStudy.drawSeeds(cfg.seeds(), draws);
    var m = cfg.model();
    var t = cfg.training();
    var data = cfg.data();
    List<Row> rows = new ArrayList<>();
    for (DatasetSpec ds : data.sets()) {
      List<DataSet> sets = new ArrayList<>();
      for (long seed : seeds) { // as Trainer.setupFor: each draw is a run's training set
        sets.add(Datasets.forRun(ds, data.nTrain(), data.test(), data.noise(), seed).train());
      }
      for (int depth : m.depths()) {
        for (int width : widths) {
          NetworkSpec net =
              NetworkSpec.of(
                  ds.inputs(),
                  depth,
                  width,
                  m.activation(),
                  m.leakySlope(),
                  t.reduction(),
                  t.clipEps());
          int dead = 0;
          int point = 0;
          for (int d = 0; d < draws; d++) {
            Parameters p = Initializer.draw(net, m.initScheme(), Seeds.INIT.rng(seeds.get(d)));
            dead += firstDeadLayer(net, p, sets.get(d)) > 0 ? 1 : 0;
            point += firstDeadLayer(net, p, sets.get(d).slice(0, 1)) > 0 ? 1 : 0;
          }
          rows.add(
              new Row(
                  ds.label(),
                  depth,
                  width,
                  draws,
                  dead,
                  point,
                  theory(m.activation(), m.initScheme(), width, depth)));
        }
      }
    }
    return rows;
  }

  /**
   * The first hidden layer (1-based) whose units are all inactive on every point of {@code set}, 0
   * when there is none. Stops as soon as every layer has shown an active unit.
   */
  public static int firstDeadLayer(NetworkSpec net, Parameters p, DataSet set) {
    int depth = net.depth();
    boolean[] alive = new boolean[depth];
    int living = 0;
    int f = set.features();
    double[] x = new double[f];
    for (int i = 0; i < set.size() && living < depth; i++) {
      System.arraycopy(set.x(), i * f, x, 0, f);
      double[][] z = JacobianSpectrum.preActivations(net, p, x);
      for (int h = 0; h < depth; h++) {
        if (alive[h]) {
          continue;
        }
        for (double v : z[h]) {
          if (!net.activation().inactive(v)) {
            alive[h] = true;
            living++;
            break;
          }
        }
      }
    }
    for (int h = 0; h < depth; h++) {
      if (!alive[h]) {
        return h + 1;
      }
    }
    return 0;
  }

  /** Writes {@value #FILE} into {@code dir}. */
  public static void write(Path dir, List<Row> rows) {
    CsvFiles.write(
        dir.resolve(FILE),
        COLUMNS,
        p -> {
          for (Row r : rows) {
            p.printRecord(
                r.dataset(),
                r.depth(),
                r.width(),
                r.draws(),
                r.bornDead(),
                CsvFiles.num(r.fraction()),
                CsvFiles.num(r.fractionSe()),
                r.pointDead(),
                CsvFiles.num(r.pointFraction()),
                CsvFiles.num(r.theory()));
          }
        });
  }
}
