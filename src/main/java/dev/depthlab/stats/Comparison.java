package dev.depthlab.stats;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.statistics.distribution.TDistribution;
import org.apache.commons.statistics.inference.DataDispersion;
import org.apache.commons.statistics.inference.MannWhitneyUTest;
import org.apache.commons.statistics.inference.TTest;

/**
 * Two groups of seeds' values of one metric, x (the shallower depth) against y (the deeper): the
 * difference of means mean(y) - mean(x) with its bootstrap interval, P(Y > X), a Welch t-test and a
 * Mann-Whitney U test (two-sided; raw and Holm-adjusted over the comparison's family), Cliff's
 * delta, Cohen's d and the smallest difference the two group sizes could have detected.
 */
public record Comparison(
    SampleStats x,
    SampleStats y,
    double diff,
    double diffLow,
    double diffHigh,
    double probabilityOfImprovement,
    double welchT,
    double welchP,
    double welchPHolm,
    double mannWhitneyU,
    double mannWhitneyP,
    double mannWhitneyPHolm,
    double cliffsDelta,
    double cohensD,
    double minimalDetectable) {

  /** The significance level of every test and of the detectable difference. */
  public static final double ALPHA = 0.05;

  /** The power of {@link #minimalDetectable}. */
  public static final double POWER = 0.8;

  /**
   * Whether the difference survives the correction: both Holm-adjusted p-values below {@link
   * #ALPHA} (a parametric and a rank test agreeing, so neither's assumptions carries the claim).
   */
  public boolean differs() {
    return welchPHolm < ALPHA && mannWhitneyPHolm < ALPHA;
  }

  /** The comparison of x against y, its p-values not yet adjusted (Holm = raw). */
  public static Comparison of(double[] x, double[] y) {
    SampleStats sx = SampleStats.of(x);
    SampleStats sy = SampleStats.of(y);
    double nan = Double.NaN;
    if (x.length == 0 || y.length == 0) {
      return new Comparison(
          sx, sy, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan);
    }
    double[] ci = Bootstrap.differenceInterval(x, y);
    double pi = probabilityOfImprovement(x, y);
    double[] welch = welch(x, y);
    double u = nan;
    double up = nan;
    if (!allEqual(x, y)) {
      MannWhitneyUTest.Result r = MannWhitneyUTest.withDefaults().test(y, x);
      u = r.getStatistic();
      up = r.getPValue();
    } else {
      up = 1; // every value tied: no rank difference at all
    }
    return new Comparison(
        sx,
        sy,
        sy.mean() - sx.mean(),
        ci[0],
        ci[1],
        pi,
        welch[0],
        welch[1],
        welch[1],
        u,
        up,
        up,
        2 * pi - 1,
        cohensD(x, y),
        minimalDetectable(x, y));
  }

  /**
   * The comparisons of each adjacent pair of groups (0 with 1, 1 with 2, ...), each test's p-values
   * Holm-adjusted over this family.
   */
  public static List<Comparison> adjacent(List<double[]> groups) {
    List<Comparison> raw = new ArrayList<>();
    for (int i = 0; i + 1 < groups.size(); i++) {
      raw.add(of(groups.get(i), groups.get(i + 1)));
    }
    double[] welch = Holm.adjust(raw.stream().mapToDouble(Comparison::welchP).toArray());
    double[] mw = Holm.adjust(raw.stream().mapToDouble(Comparison::mannWhitneyP).toArray());
    List<Comparison> out = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      Comparison c = raw.get(i);
      out.add(
          new Comparison(
              c.x,
              c.y,
              c.diff,
              c.diffLow,
              c.diffHigh,
              c.probabilityOfImprovement,
              c.welchT,
              c.welchP,
              welch[i],
              c.mannWhitneyU,
              c.mannWhitneyP,
              mw[i],
              c.cliffsDelta,
              c.cohensD,
              c.minimalDetectable));
    }
    return out;
  }

  /** P(Y > X) over every pair of one x and one y, ties counting one half. */
  public static double probabilityOfImprovement(double[] x, double[] y) {
    double wins = 0;
    for (double a : x) {
      for (double b : y) {
        wins += b > a ? 1 : b == a ? 0.5 : 0;
      }
    }
    return wins / ((double) x.length * y.length);
  }

  /** Cliff's delta of y against x: P(Y > X) - P(Y < X). */
  public static double cliffsDelta(double[] x, double[] y) {
    return 2 * probabilityOfImprovement(x, y) - 1;
  }

  /** {t, p} of Welch's two-sided test of mean(y) against mean(x); NaN below two values a group. */
  static double[] welch(double[] x, double[] y) {
    if (x.length < 2 || y.length < 2) {
      return new double[] {Double.NaN, Double.NaN};
    }
    if (SampleStats.sd(x) == 0 && SampleStats.sd(y) == 0) {
      // t is 0/0 or +-infinity: its limits, p = 1 for equal constants, 0 for different ones
      double d = SampleStats.mean(y) - SampleStats.mean(x);
      return d == 0
          ? new double[] {0, 1}
          : new double[] {Math.copySign(Double.POSITIVE_INFINITY, d), 0};
    }
    TTest.Result r = TTest.withDefaults().with(DataDispersion.HETEROSCEDASTIC).test(y, x);
    return new double[] {r.getStatistic(), r.getPValue()};
  }

  /** (mean(y) - mean(x)) / pooled sample std; NaN when the pooled std is 0 or undefined. */
  public static double cohensD(double[] x, double[] y) {
    double sp = pooledSd(x, y);
    return sp > 0 ? (SampleStats.mean(y) - SampleStats.mean(x)) / sp : Double.NaN;
  }

  /**
   * The smallest difference of means a two-sided two-sample t-test at {@link #ALPHA} detects with
   * power {@link #POWER}: (t(1 - alpha/2, df) + t(power, df)) * s_p * sqrt(1/n_x + 1/n_y), df = n_x
   * + n_y - 2, s_p the pooled sample std (the normal-approximation formula with t quantiles).
   */
  public static double minimalDetectable(double[] x, double[] y) {
    int df = x.length + y.length - 2;
    if (df < 1) {
      return Double.NaN;
    }
    TDistribution t = TDistribution.of(df);
    double k =
        t.inverseCumulativeProbability(1 - ALPHA / 2) + t.inverseCumulativeProbability(POWER);
    return k * pooledSd(x, y) * Math.sqrt(1.0 / x.length + 1.0 / y.length);
  }

  static double pooledSd(double[] x, double[] y) {
    int df = x.length + y.length - 2;
    if (df < 1) {
      return Double.NaN;
    }
    double sx = x.length > 1 ? SampleStats.sd(x) : 0;
    double sy = y.length > 1 ? SampleStats.sd(y) : 0;
    return Math.sqrt(((x.length - 1) * sx * sx + (y.length - 1) * sy * sy) / df);
  }

  private static boolean allEqual(double[] x, double[] y) {
    double v = x[0];
    for (double a : x) {
      if (a != v) {
        return false;
      }
    }
    for (double b : y) {
      if (b != v) {
        return false;
      }
    }
    return true;
  }
}
