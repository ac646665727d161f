package dev.depthlab.stats;

import java.util.Arrays;

/**
 * One group of seeds' values of one metric: n, mean with its 95% t interval, the interquartile mean
 * with its 95% jackknife-t interval ({@link Intervals}) and the sample std (n - 1).
 */
public record SampleStats(
    int n,
    double mean,
    double ciLow,
    double ciHigh,
    double iqm,
    double iqmLow,
    double iqmHigh,
    double sd) {

  /** The statistics of {@code x} (finite values only; callers drop the rest). */
  public static SampleStats of(double[] x) {
    double nan = Double.NaN;
    if (x.length == 0) {
      return new SampleStats(0, nan, nan, nan, nan, nan, nan, nan);
    }
    double[] ci = Intervals.mean(x);
    double[] qi = Intervals.iqm(x);
    return new SampleStats(x.length, mean(x), ci[0], ci[1], iqm(x), qi[0], qi[1], sd(x));
  }

  public static double mean(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v;
    }
    return s / x.length;
  }

  /** Sample std (divides by n - 1); NaN below two values. */
  public static double sd(double[] x) {
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
   * drop floor(n / 4) values from each end, average the rest (the middle 50% only when 4 divides n:
   * the middle 60% at n = 10).
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
