package dev.depthlab.data;

import java.util.Arrays;

/**
 * A labelled point set in flat arrays: {@code x} is row-major {@code size() x features}, {@code y}
 * holds one label per row, 0 or 1. Flat arrays so backends can upload them without copying rows.
 */
public record DataSet(String name, int features, double[] x, double[] y) {
  public DataSet {
    if (features <= 0) {
      throw new IllegalArgumentException("features must be positive: " + features);
    }
    if (x.length != y.length * features) {
      throw new IllegalArgumentException(
          "x has " + x.length + " values, expected " + y.length + " x " + features);
    }
  }

  /** Number of points. */
  public int size() {
    return y.length;
  }

  /** Number of points labelled 1. */
  public int positives() {
    int count = 0;
    for (double label : y) {
      if (label == 1.0) {
        count++;
      }
    }
    return count;
  }

  /** Share of points labelled 1; 0 for an empty set. */
  public double positiveFraction() {
    return y.length == 0 ? 0.0 : (double) positives() / y.length;
  }

  /** A copy of rows {@code [from, to)}. */
  public DataSet slice(int from, int to) {
    if (from < 0 || to > size() || from > to) {
      throw new IndexOutOfBoundsException("slice [" + from + ", " + to + ") of a set of " + size());
    }
    return new DataSet(
        name,
        features,
        Arrays.copyOfRange(x, from * features, to * features),
        Arrays.copyOfRange(y, from, to));
  }
}
