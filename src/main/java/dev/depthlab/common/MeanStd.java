package dev.depthlab.common;

import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Mean and population standard deviation (divides by n, as NumPy's default std, the seeds' tables)
 * of a series: the one implementation every statistic of depthlab uses. Two policies for values
 * that are not finite, named by the factory: {@link #of} lets a NaN or infinity propagate (a
 * diverged epoch must show in its run's numbers), {@link #ofFinite} leaves them out and counts only
 * the rest (a diverged seed must not hide the others in a table over seeds).
 *
 * <p>The order of operations is fixed, because committed results depend on its bits: a plain
 * left-to-right sum, mean = sum / n, then the left-to-right sum of squared deviations from that
 * mean, std = sqrt(that / n). An empty series gives NaN, NaN and n = 0.
 *
 * @param n how many values the statistics are over
 */
public record MeanStd(double mean, double std, int n) {
  private static final MeanStd EMPTY = new MeanStd(Double.NaN, Double.NaN, 0);

  /** Over every value: a non-finite value makes the mean and the std non-finite. */
  public static MeanStd of(double[] values) {
    return over(values, false);
  }

  /** Over the finite values only; {@code n} counts them. */
  public static MeanStd ofFinite(double[] values) {
    return over(values, true);
  }

  /** Over the finite values of {@code value} applied to each item, in the items' order. */
  public static <T> MeanStd ofFinite(List<T> items, ToDoubleFunction<T> value) {
    double[] v = new double[items.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = value.applyAsDouble(items.get(i));
    }
    return ofFinite(v);
  }

  private static MeanStd over(double[] values, boolean finiteOnly) {
    double sum = 0;
    int n = 0;
    for (double v : values) {
      if (!finiteOnly || Double.isFinite(v)) {
        sum += v;
        n++;
      }
    }
    if (n == 0) {
      return EMPTY;
    }
    double mean = sum / n;
    double sq = 0;
    for (double v : values) {
      if (!finiteOnly || Double.isFinite(v)) {
        double d = v - mean;
        sq = Math.fma(d, d, sq);
      }
    }
    return new MeanStd(mean, Math.sqrt(sq / n), n);
  }
}
