package dev.depthlab.stats;

import java.util.Arrays;
import org.apache.commons.statistics.distribution.BetaDistribution;
import org.apache.commons.statistics.distribution.TDistribution;

/**
 * The 95% intervals of the statistics over seeds, each chosen for its coverage at 3-30 seeds (the
 * coverage is measured by {@code IntervalCoverageTest} and tabulated in docs/metrics.md): Student's
 * t for a mean, a jackknife-t interval for the interquartile mean, Clopper-Pearson for a share.
 */
public final class Intervals {
  /** The confidence level of every interval. */
  public static final double LEVEL = 0.95;

  private Intervals() {}

  /** {low, high}: mean +- t(0.975, n - 1) sd / sqrt(n); NaN below two values. */
  public static double[] mean(double[] x) {
    int n = x.length;
    if (n < 2) {
      return new double[] {Double.NaN, Double.NaN};
    }
    double m = SampleStats.mean(x);
    double half = tQuantile(n - 1) * SampleStats.sd(x) / Math.sqrt(n);
    return new double[] {m - half, m + half};
  }

  /**
   * {low, high} for the interquartile mean ({@link SampleStats#iqm}): IQM +- t(0.975, h - 1) se,
   * where se is the jackknife standard error of the IQM (sqrt((n - 1) / n sum (IQM_(i) - mean)^2)
   * over the n leave-one-out IQMs) and h = n - 2 floor(n / 4) the values it averages. NaN below
   * three values. A bootstrap interval (percentile or BCa) covers far less than 95% at 5-10 values;
   * this one keeps about 95% on normal samples (IntervalCoverageTest).
   */
  public static double[] iqm(double[] x) {
    int n = x.length;
    if (n < 3) {
      return new double[] {Double.NaN, Double.NaN};
    }
    double[] loo = new double[n - 1];
    double[] theta = new double[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0, k = 0; j < n; j++) {
        if (j != i) {
          loo[k++] = x[j];
        }
      }
      theta[i] = SampleStats.iqm(loo);
    }
    double tm = SampleStats.mean(theta);
    double ss = 0;
    for (double t : theta) {
      ss += (t - tm) * (t - tm);
    }
    double se = Math.sqrt((n - 1.0) / n * ss);
    int h = n - 2 * (n / 4);
    double est = SampleStats.iqm(x);
    double half = tQuantile(h - 1) * se;
    return new double[] {est - half, est + half};
  }

  /**
   * {low, high}: the Clopper-Pearson ("exact") interval of a share from {@code k} successes of
   * {@code n} (k may be a half-integer: a tie counts one half), the 2.5% quantile of Beta(k, n - k
   * + 1) and the 97.5% quantile of Beta(k + 1, n - k); 0 and 1 at the ends. NaN for n = 0.
   */
  public static double[] share(double k, int n) {
    if (n == 0) {
      return new double[] {Double.NaN, Double.NaN};
    }
    double a = (1 - LEVEL) / 2;
    double lo = k <= 0 ? 0 : BetaDistribution.of(k, n - k + 1).inverseCumulativeProbability(a);
    double hi = k >= n ? 1 : BetaDistribution.of(k + 1, n - k).inverseCumulativeProbability(1 - a);
    return new double[] {lo, hi};
  }

  /** The (1 + LEVEL) / 2 quantile of Student's t with {@code df} degrees of freedom. */
  static double tQuantile(int df) {
    return TDistribution.of(df).inverseCumulativeProbability((1 + LEVEL) / 2);
  }

  static double[] sorted(double[] x) {
    double[] s = x.clone();
    Arrays.sort(s);
    return s;
  }
}
