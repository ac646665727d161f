package dev.depthlab.train;

/**
 * A run's gradient statistics over a window of epochs: the mean, population std (divides by n, as
 * NumPy's default) and coefficient of variation std / mean of the per-epoch mean gradient norm
 * (epochs.csv's {@code grad_norm_mean}) over epochs {@code fromEpoch} to {@code toEpoch}, both
 * included and counted from 1. The run summary and the report's comparison with published numbers
 * both compute them here.
 */
public record GradNormStats(double mean, double std, double cv, int fromEpoch, int toEpoch) {

  /**
   * The statistics of {@code perEpochMean[fromEpoch - 1 .. toEpoch - 1]}; NaN when the window is
   * empty or reaches past the last epoch.
   */
  public static GradNormStats over(double[] perEpochMean, int fromEpoch, int toEpoch) {
    if (fromEpoch < 1 || toEpoch < fromEpoch || toEpoch > perEpochMean.length) {
      return new GradNormStats(Double.NaN, Double.NaN, Double.NaN, fromEpoch, toEpoch);
    }
    int n = toEpoch - fromEpoch + 1;
    double sum = 0;
    for (int e = fromEpoch - 1; e < toEpoch; e++) {
      sum += perEpochMean[e];
    }
    double mean = sum / n;
    double sq = 0;
    for (int e = fromEpoch - 1; e < toEpoch; e++) {
      sq += (perEpochMean[e] - mean) * (perEpochMean[e] - mean);
    }
    double std = Math.sqrt(sq / n);
    return new GradNormStats(mean, std, mean == 0 ? Double.NaN : std / mean, fromEpoch, toEpoch);
  }
}
