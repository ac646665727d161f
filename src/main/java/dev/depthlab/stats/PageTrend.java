package dev.depthlab.stats;

import java.util.Arrays;

/**
 * Page's L test of a monotone trend across k ordered conditions (depths) with n blocks (seeds):
 * each block's values ranked 1..k (ties: average ranks), L = sum over blocks and conditions of the
 * condition's position times its rank. Two-sided: p = P(|L - E| >= |l - E|) under the null that
 * each block's ranks fall in a uniformly random order. Exact for k <= {@link #EXACT_MAX_K} (each
 * block's k! orders enumerated, the blocks convolved), so ties are handled exactly too; above it,
 * the normal approximation with each block's exact permutation variance.
 */
public final class PageTrend {
  /** The largest number of conditions whose null distribution is enumerated. */
  public static final int EXACT_MAX_K = 8;

  private PageTrend() {}

  /**
   * The smallest two-sided p the exact test can give with {@code n} blocks of {@code k} distinct
   * values: both extreme orders, 2 / (k!)^n.
   */
  public static double smallestP(int n, int k) {
    double f = 1;
    for (int i = 2; i <= k; i++) {
      f *= i;
    }
    return Math.min(1, 2 / Math.pow(f, n));
  }

  /** {L, two-sided p} of {@code blocks} (n rows of k values, no NaN); NaN below 2 rows or k < 2. */
  public static double[] test(double[][] blocks) {
    int n = blocks.length;
    if (n < 2 || blocks[0].length < 2) {
      return new double[] {Double.NaN, Double.NaN};
    }
    int k = blocks[0].length;
    int[][] r2 = new int[n][];
    long l2 = 0;
    for (int i = 0; i < n; i++) {
      r2[i] = doubledRanks(blocks[i]);
      for (int j = 0; j < k; j++) {
        l2 += (long) (j + 1) * r2[i][j];
      }
    }
    // every block's centre is (k + 1) / 2 * sum of its doubled ranks = (k + 1) * k (k + 1) / 2
    long centre2 = (long) n * (k + 1) * k * (k + 1); // twice the centre of the doubled L
    double l = l2 / 2.0;
    if (k > EXACT_MAX_K) {
      return new double[] {l, normalP(r2, l2, centre2)};
    }
    double[] dist = {1};
    for (int[] row : r2) {
      dist = convolve(dist, rowDistribution(row));
    }
    long obs = Math.abs(2 * l2 - centre2);
    double tail = 0;
    for (int s = 0; s < dist.length; s++) {
      if (Math.abs(2L * s - centre2) >= obs) {
        tail += dist[s];
      }
    }
    return new double[] {l, Math.min(1, tail)};
  }

  /** The distribution of sum_j (j + 1) r[perm(j)] over the k! orders of one block's ranks. */
  private static double[] rowDistribution(int[] r) {
    int k = r.length;
    int max = 0;
    int[] sorted = r.clone();
    Arrays.sort(sorted);
    for (int j = 0; j < k; j++) {
      max += (j + 1) * sorted[j];
    }
    double[] count = new double[max + 1];
    int[] perm = r.clone();
    long orders = permute(perm, 0, count);
    for (int s = 0; s <= max; s++) {
      count[s] /= orders;
    }
    return count;
  }

  private static long permute(int[] a, int from, double[] count) {
    if (from == a.length) {
      int s = 0;
      for (int j = 0; j < a.length; j++) {
        s += (j + 1) * a[j];
      }
      count[s]++;
      return 1;
    }
    long orders = 0;
    for (int i = from; i < a.length; i++) {
      swap(a, from, i);
      orders += permute(a, from + 1, count);
      swap(a, from, i);
    }
    return orders;
  }

  private static void swap(int[] a, int i, int j) {
    int t = a[i];
    a[i] = a[j];
    a[j] = t;
  }

  private static double[] convolve(double[] a, double[] b) {
    double[] c = new double[a.length + b.length - 1];
    for (int i = 0; i < a.length; i++) {
      if (a[i] == 0) {
        continue;
      }
      for (int j = 0; j < b.length; j++) {
        c[i + j] += a[i] * b[j];
      }
    }
    return c;
  }

  /** Normal approximation: each block's permutation variance of a linear rank statistic. */
  private static double normalP(int[][] r2, long l2, long centre2) {
    double var = 0;
    for (int[] row : r2) {
      int k = row.length;
      double rm = 0;
      for (int v : row) {
        rm += v;
      }
      rm /= k;
      double sr = 0;
      double sj = 0;
      for (int j = 0; j < k; j++) {
        sr += (row[j] - rm) * (row[j] - rm);
        sj += (j + 1 - (k + 1) / 2.0) * (j + 1 - (k + 1) / 2.0);
      }
      var += sr * sj / (k - 1);
    }
    double z = Math.abs(l2 - centre2 / 2.0) / Math.sqrt(var);
    return Math.min(
        1,
        2
            * org.apache.commons.statistics.distribution.NormalDistribution.of(0, 1)
                .survivalProbability(z));
  }

  /** Twice the average ranks (1 = smallest) of one block's values. */
  static int[] doubledRanks(double[] x) {
    int n = x.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(x[a], x[b]));
    int[] r2 = new int[n];
    for (int i = 0; i < n; ) {
      int j = i;
      while (j + 1 < n && x[order[j + 1]] == x[order[i]]) {
        j++;
      }
      for (int q = i; q <= j; q++) {
        r2[order[q]] = i + j + 2;
      }
      i = j + 1;
    }
    return r2;
  }
}
