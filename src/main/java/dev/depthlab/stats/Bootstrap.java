package dev.depthlab.stats;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Percentile bootstrap intervals, 95%, {@link #RESAMPLES} resamples drawn from a fixed seed, so the
 * same values always give the same interval (and a rebuilt report the same bytes).
 */
public final class Bootstrap {
  /** Resamples per interval. */
  public static final int RESAMPLES = 10_000;

  /** The seed every interval's resampling starts from. */
  public static final long SEED = 20211;

  private Bootstrap() {}

  /** {low, high}: the 2.5% and 97.5% quantiles of the means of resamples of {@code x}. */
  public static double[] meanInterval(double[] x) {
    return meanInterval(x, RESAMPLES, SEED);
  }

  static double[] meanInterval(double[] x, int resamples, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] means = new double[resamples];
    for (int b = 0; b < resamples; b++) {
      means[b] = resampledMean(x, rng);
    }
    return percentiles(means);
  }

  /**
   * {low, high} for mean(y) - mean(x): each group resampled on its own (the seeds of two depths are
   * independent runs, not pairs).
   */
  public static double[] differenceInterval(double[] x, double[] y) {
    SplittableRandom rng = new SplittableRandom(SEED);
    double[] diffs = new double[RESAMPLES];
    for (int b = 0; b < RESAMPLES; b++) {
      double mx = resampledMean(x, rng);
      diffs[b] = resampledMean(y, rng) - mx;
    }
    return percentiles(diffs);
  }

  private static double resampledMean(double[] x, SplittableRandom rng) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      s += x[rng.nextInt(x.length)];
    }
    return s / x.length;
  }

  /** The 2.5% and 97.5% quantiles, linear between order statistics (NumPy's default). */
  private static double[] percentiles(double[] v) {
    Arrays.sort(v);
    return new double[] {quantile(v, 0.025), quantile(v, 0.975)};
  }

  static double quantile(double[] sorted, double p) {
    double h = (sorted.length - 1) * p;
    int lo = (int) Math.floor(h);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  }
}
