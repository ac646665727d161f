package dev.depthlab.train;

import dev.depthlab.data.DataSet;

/**
 * The square {@code [lo, hi]^2} a decision boundary is drawn over, sampled at {@code size} x {@code
 * size} points including the edges: row 0 is the top ({@code y = hi}), column 0 the left ({@code x
 * = lo}), so a row-major array of the grid reads like an image.
 */
public record BoundaryGrid(int size, double lo, double hi) {
  public BoundaryGrid {
    if (size < 2 || !(lo < hi)) {
      throw new IllegalArgumentException("grid " + size + " over [" + lo + ", " + hi + "]");
    }
  }

  /**
   * The smallest square with edges on multiples of 0.5 that holds every point of {@code set}: the
   * sets uniform in [-1,1]^2 get exactly that square whatever the seed, so their panels line up;
   * the others (quadratic_noise, moons) get a square that shows all their points.
   */
  public static BoundaryGrid covering(DataSet set, int size) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (double v : set.x()) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    if (!(min <= max)) {
      return new BoundaryGrid(size, -1.0, 1.0);
    }
    double lo = Math.floor(min * 2.0) / 2.0;
    double hi = Math.ceil(max * 2.0) / 2.0;
    return new BoundaryGrid(size, lo, hi == lo ? lo + 0.5 : hi);
  }

  /** The x of column {@code col}. */
  public double x(int col) {
    return lo + (hi - lo) * col / (size - 1);
  }

  /** The y of row {@code row} (row 0 is the top). */
  public double y(int row) {
    return hi - (hi - lo) * row / (size - 1);
  }

  /** Every grid point as (x, y) pairs, row-major: the input of {@code Group.predict}. */
  public double[] points() {
    double[] p = new double[2 * size * size];
    for (int r = 0; r < size; r++) {
      for (int c = 0; c < size; c++) {
        int k = 2 * (r * size + c);
        p[k] = x(c);
        p[k + 1] = y(r);
      }
    }
    return p;
  }
}
