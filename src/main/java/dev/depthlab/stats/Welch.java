package dev.depthlab.stats;

import org.apache.commons.statistics.distribution.TDistribution;

/**
 * Two independent groups compared by Welch's t: the difference of their means y - x with its 95%
 * interval, {@code diff +- t(0.975, df) se}, where {@code se = sqrt(sx^2 / nx + sy^2 / ny)} (sample
 * variances) and df is Welch-Satterthwaite's. For groups that share no unit (other data, other
 * seeds); where they do, {@link Paired} is the analysis. Non-finite values are left out.
 */
public record Welch(int nx, int ny, double diff, double diffLow, double diffHigh, double df) {

  /** y - x; the interval is NaN below two finite values in either group. */
  public static Welch of(double[] x, double[] y) {
    double[] fx = finite(x);
    double[] fy = finite(y);
    double nan = Double.NaN;
    if (fx.length == 0 || fy.length == 0) {
      return new Welch(fx.length, fy.length, nan, nan, nan, nan);
    }
    double diff = SampleStats.mean(fy) - SampleStats.mean(fx);
    if (fx.length < 2 || fy.length < 2) {
      return new Welch(fx.length, fy.length, diff, nan, nan, nan);
    }
    double vx = square(SampleStats.sd(fx)) / fx.length;
    double vy = square(SampleStats.sd(fy)) / fy.length;
    double se = Math.sqrt(vx + vy);
    if (se == 0) {
      return new Welch(fx.length, fy.length, diff, diff, diff, nan);
    }
    double df = square(vx + vy) / (square(vx) / (fx.length - 1) + square(vy) / (fy.length - 1));
    double half = TDistribution.of(df).inverseCumulativeProbability((1 + Intervals.LEVEL) / 2) * se;
    return new Welch(fx.length, fy.length, diff, diff - half, diff + half, df);
  }

  private static double square(double v) {
    return v * v;
  }

  private static double[] finite(double[] v) {
    int n = 0;
    for (double d : v) {
      n += Double.isFinite(d) ? 1 : 0;
    }
    double[] out = new double[n];
    int i = 0;
    for (double d : v) {
      if (Double.isFinite(d)) {
        out[i++] = d;
      }
    }
    return out;
  }
}
