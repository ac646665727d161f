package dev.depthlab.train;

import dev.depthlab.common.MeanStd;
import java.util.Arrays;

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
    MeanStd s = MeanStd.of(Arrays.copyOfRange(perEpochMean, fromEpoch - 1, toEpoch));
    double mean = s.mean();
    double std = s.std();
    return new GradNormStats(mean, std, mean == 0 ? Double.NaN : std / mean, fromEpoch, toEpoch);
  }
}
