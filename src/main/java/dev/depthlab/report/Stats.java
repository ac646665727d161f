package dev.depthlab.report;

import java.util.List;
import java.util.function.ToDoubleFunction;

/** Mean and spread over seeds: population statistics over the finite values only. */
record Stats(double mean, double std, int n) {

  static <T> Stats of(List<T> items, ToDoubleFunction<T> value) {
    double sum = 0;
    int n = 0;
    for (T t : items) {
      double v = value.applyAsDouble(t);
      if (Double.isFinite(v)) {
        sum += v;
        n++;
      }
    }
    if (n == 0) {
      return new Stats(Double.NaN, Double.NaN, 0);
    }
    double mean = sum / n;
    double sq = 0;
    for (T t : items) {
      double v = value.applyAsDouble(t);
      if (Double.isFinite(v)) {
        sq += (v - mean) * (v - mean);
      }
    }
    // divides by n, as NumPy's default std (the seed's tables)
    return new Stats(mean, Math.sqrt(sq / n), n);
  }
}
