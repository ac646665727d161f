package dev.depthlab.stats;

import java.util.Arrays;

/**
 * Wilcoxon's signed-rank test of paired differences, exact at every n: the statistic T+ (the sum of
 * the ranks of |d| over the positive d; zero differences dropped, tied |d| given their average
 * rank) against its conditional distribution under sign flips, every one of the 2^m sign patterns
 * of the m nonzero differences equally likely. The distribution is counted by dynamic programming
 * over the (doubled, hence integer) ranks, so ties and zeros need no normal approximation; the
 * probabilities are dyadic and exact in a double up to m = 52.
 */
public final class SignedRank {
  private SignedRank() {}

  /**
   * {T+, two-sided p}: p = P(|T+ - E| >= |t - E|), E = (sum of ranks) / 2; {0, 1} when no d != 0.
   */
  public static double[] test(double[] d) {
    double[] nz = Arrays.stream(d).filter(v -> v != 0).toArray();
    int m = nz.length;
    if (m == 0) {
      return new double[] {0, 1};
    }
    int[] r2 = doubledRanks(nz);
    int total = 0;
    int t2 = 0;
    for (int i = 0; i < m; i++) {
      total += r2[i];
      if (nz[i] > 0) {
        t2 += r2[i];
      }
    }
    double[] p = new double[total + 1];
    p[0] = 1;
    int reach = 0;
    for (int r : r2) {
      for (int s = reach + r; s >= 0; s--) {
        p[s] = 0.5 * (p[s] + (s >= r ? p[s - r] : 0)); // p[s - r] not yet updated
      }
      reach += r;
    }
    int obs = Math.abs(2 * t2 - total);
    double tail = 0;
    for (int s = 0; s <= total; s++) {
      if (Math.abs(2 * s - total) >= obs) {
        tail += p[s];
      }
    }
    return new double[] {t2 / 2.0, Math.min(1, tail)};
  }

  /** Twice the average ranks of |x| (1 = smallest), so tied ranks stay integers. */
  static int[] doubledRanks(double[] x) {
    int n = x.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(Math.abs(x[a]), Math.abs(x[b])));
    int[] r2 = new int[n];
    for (int i = 0; i < n; ) {
      int j = i;
      while (j + 1 < n && Math.abs(x[order[j + 1]]) == Math.abs(x[order[i]])) {
        j++;
      }
      // ranks i+1 .. j+1 share their average (i + j + 2) / 2, doubled: i + j + 2
      for (int k = i; k <= j; k++) {
        r2[order[k]] = i + j + 2;
      }
      i = j + 1;
    }
    return r2;
  }
}
