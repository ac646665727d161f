package dev.depthlab.stats;

import java.util.Arrays;
import java.util.Comparator;

/** Holm's step-down adjustment of a family of p-values (Holm 1979). */
public final class Holm {
  private Holm() {}

  /**
   * The adjusted p-values, in the order given: sorted ascending, the i-th (from 0) of m valid ones
   * becomes max over j <= i of min(1, (m - j) p_(j)). NaN entries stay NaN and do not count in m.
   */
  public static double[] adjust(double[] p) {
    Integer[] order =
        java.util.stream.IntStream.range(0, p.length)
            .filter(i -> !Double.isNaN(p[i]))
            .boxed()
            .toArray(Integer[]::new);
    Arrays.sort(order, Comparator.comparingDouble(i -> p[i]));
    double[] out = new double[p.length];
    Arrays.fill(out, Double.NaN);
    int m = order.length;
    double running = 0;
    for (int j = 0; j < m; j++) {
      running = Math.max(running, Math.min(1, (m - j) * p[order[j]]));
      out[order[j]] = running;
    }
    return out;
  }
}
