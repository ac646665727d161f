package dev.depthlab.plot;

import java.util.List;

/** Helpers for axis ranges: what a log axis can show, and when one is worth using. */
public final class Scales {
  private Scales() {}

  /** The points of (x, y) that are finite, and positive in y when {@code positiveOnly}. */
  public static double[][] finite(double[] x, double[] y, boolean positiveOnly) {
    int n = 0;
    for (int k = 0; k < y.length; k++) {
      if (keep(x[k], y[k], positiveOnly)) {
        n++;
      }
    }
    double[][] out = new double[2][n];
    int j = 0;
    for (int k = 0; k < y.length; k++) {
      if (keep(x[k], y[k], positiveOnly)) {
        out[0][j] = x[k];
        out[1][j] = y[k];
        j++;
      }
    }
    return out;
  }

  private static boolean keep(double x, double y, boolean positiveOnly) {
    return Double.isFinite(x) && Double.isFinite(y) && (!positiveOnly || y > 0);
  }

  /**
   * Half the smallest positive line value of {@code curves}: where a log-axis band is cut when mean
   * - std would reach zero (a log axis cannot show it). 1e-12 when nothing is positive.
   */
  public static double positiveFloor(List<Curve> curves) {
    double min = Double.POSITIVE_INFINITY;
    for (Curve c : curves) {
      for (double y : c.y()) {
        if (Double.isFinite(y) && y > 0) {
          min = Math.min(min, y);
        }
      }
    }
    return Double.isFinite(min) ? min / 2 : 1e-12;
  }

  /** True when the positive finite values of {@code curves} span more than two decades. */
  public static boolean spansDecades(List<Curve> curves) {
    double min = Double.POSITIVE_INFINITY;
    double max = 0;
    for (Curve c : curves) {
      for (double y : c.y()) {
        if (Double.isFinite(y) && y > 0) {
          min = Math.min(min, y);
          max = Math.max(max, y);
        }
      }
    }
    return max > 0 && max / min > 100;
  }

  /** 0 when no finite line value of {@code curves} is negative, else no floor at all. */
  public static double zeroFloor(List<Curve> curves) {
    for (Curve c : curves) {
      for (double y : c.y()) {
        if (Double.isFinite(y) && y < 0) {
          return Double.NEGATIVE_INFINITY;
        }
      }
    }
    return 0;
  }

  /**
   * The powers of ten enclosing the positive values of {@code curves}, their bands' upper edges and
   * {@code floor}: {min, max}, at least one decade apart; null when nothing is positive.
   */
  public static double[] decades(List<Curve> curves, double floor) {
    double min = Double.POSITIVE_INFINITY;
    double max = 0;
    for (Curve c : curves) {
      for (int k = 0; k < c.y().length; k++) {
        double y = c.y()[k];
        if (!Double.isFinite(y) || y <= 0) {
          continue;
        }
        double hi = c.spread() != null && Double.isFinite(c.spread()[k]) ? y + c.spread()[k] : y;
        double lo =
            c.spread() != null && Double.isFinite(c.spread()[k])
                ? Math.max(floor, y - c.spread()[k])
                : y;
        min = Math.min(min, Math.min(lo, y));
        max = Math.max(max, hi);
      }
    }
    if (max <= 0) {
      return null;
    }
    double lo = Math.pow(10, Math.floor(Math.log10(min)));
    double hi = Math.pow(10, Math.ceil(Math.log10(max)));
    if (hi <= lo) {
      hi = lo * 10;
    }
    return new double[] {lo, hi};
  }
}
