package dev.depthlab.stats;

import java.util.Arrays;

/**
 * One group of seeds' values of one metric: n, mean, the 95% percentile-bootstrap interval of the
 * mean, the interquartile mean and the sample std (n - 1).
 */
public record SampleStats(int n, double mean, double ciLow, double ciHigh, double iqm, double sd) {

  /** The statistics of {@code x} (finite values only; callers drop the rest). */
  public static SampleStats of(double[] x) {
    if (x.length == 0) {
      return new SampleStats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    double[] ci = Bootstrap.meanInterval(x);
    return new SampleStats(x.length, mean(x), ci[0], ci[1], iqm(x), sd(x));
  }

  static double mean(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v;
    }
    return s / x.length;
  }

  /** Sample std (divides by n - 1); NaN below two values. */
  static double sd(double[] x) {
    if (x.length < 2) {
      return Double.NaN;
    }
    double m = mean(x);
    double s = 0;
    for (double v : x) {
      s += (v - m) * (v - m);
    }
    return Math.sqrt(s / (x.length - 1));
  }

  /**
   * The interquartile mean as rliable computes it ({@code scipy.stats.trim_mean(x, 0.25)}): sort,
   * drop floor(n / 4) values from each end, average the rest.
   */
  public static double iqm(double[] x) {
    double[] s = x.clone();
    Arrays.sort(s);
    int cut = s.length / 4;
    double sum = 0;
    for (int i = cut; i < s.length - cut; i++) {
      sum += s[i];
    }
    return sum / (s.length - 2 * cut);
  }
}
