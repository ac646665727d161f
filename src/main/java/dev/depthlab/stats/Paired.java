package dev.depthlab.stats;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.statistics.distribution.TDistribution;

/**
 * Two depths compared by seed: the shallower x and the deeper y share each seed's data, batch order
 * and first layers, so the unit of analysis is the paired difference d = y - x of one seed. A seed
 * missing or non-finite at either depth drops that pair ({@link #dropped}).
 *
 * <p>The mean difference has a t interval; the paired t-test decides (Holm-adjusted over the
 * comparison's family: one metric's adjacent depth pairs on one data set, familywise error rate);
 * Wilcoxon's exact signed-rank test ({@link SignedRank}) only corroborates (its Holm-adjusted p is
 * reported beside). Equivalence within +-margin: two one-sided paired t-tests (TOST), the larger p,
 * Holm-adjusted over the same family. P(deeper > shallower) is the share of pairs with y > x (ties
 * one half), with a Clopper-Pearson interval.
 */
public record Paired(
    int n,
    int dropped,
    double diff,
    double diffLow,
    double diffHigh,
    double effectSize,
    double t,
    double tP,
    double tPHolm,
    double signedRank,
    double signedRankP,
    double signedRankPHolm,
    double margin,
    double tostP,
    double tostPHolm,
    double pImprove,
    double pImproveLow,
    double pImproveHigh) {

  /** The level of every test. */
  public static final double ALPHA = 0.05;

  /** The verdict: differs (paired t, Holm), else equivalent (TOST, Holm), else inconclusive. */
  public Verdict verdict() {
    if (tPHolm < ALPHA) {
      return Verdict.DIFFERS;
    }
    return tostPHolm < ALPHA ? Verdict.EQUIVALENT : Verdict.INCONCLUSIVE;
  }

  /**
   * Whether the signed-rank test agrees with the verdict "differs" (Holm-adjusted p below ALPHA).
   */
  public boolean corroborated() {
    return signedRankPHolm < ALPHA;
  }

  /**
   * x against y by position (index = seed): pairs where both are finite; p-values raw (Holm = raw)
   * until {@link #adjacent} adjusts them.
   */
  public static Paired of(double[] x, double[] y, Margin margin) {
    List<Double> d = new ArrayList<>();
    double sx = 0;
    int seen = 0;
    for (int i = 0; i < x.length; i++) {
      boolean any = !Double.isNaN(x[i]) || !Double.isNaN(y[i]);
      if (!any) {
        continue;
      }
      seen++;
      if (Double.isFinite(x[i]) && Double.isFinite(y[i])) {
        d.add(y[i] - x[i]);
        sx += x[i];
      }
    }
    int n = d.size();
    double[] dv = d.stream().mapToDouble(Double::doubleValue).toArray();
    double nan = Double.NaN;
    if (n == 0) {
      return new Paired(
          0, seen, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan);
    }
    double mean = SampleStats.mean(dv);
    double mar = margin.in(sx / n);
    double wins = 0;
    for (double v : dv) {
      wins += v > 0 ? 1 : v == 0 ? 0.5 : 0;
    }
    double[] share = Intervals.share(wins, n);
    double[] sr = SignedRank.test(dv);
    if (n < 2) {
      return new Paired(
          n, seen - n, mean, nan, nan, nan, nan, nan, nan, sr[0], sr[1], sr[1], mar, nan, nan,
          wins / n, share[0], share[1]);
    }
    double sd = SampleStats.sd(dv);
    double[] ci = Intervals.mean(dv);
    double[] tt = tTest(mean, sd, n, 0, 0);
    double tost = Math.max(tTest(mean, sd, n, -mar, 1)[1], tTest(mean, sd, n, mar, -1)[1]);
    return new Paired(
        n,
        seen - n,
        mean,
        ci[0],
        ci[1],
        sd > 0 ? mean / sd : nan,
        tt[0],
        tt[1],
        tt[1],
        sr[0],
        sr[1],
        sr[1],
        mar,
        tost,
        tost,
        wins / n,
        share[0],
        share[1]);
  }

  /**
   * {t, p} of the one-sample t-test of mean against {@code mu}: side 0 two-sided, +1 "greater", -1
   * "less". A zero sd takes the limits (p 0 or 1; two-sided p 1 when mean == mu).
   */
  static double[] tTest(double mean, double sd, int n, double mu, int side) {
    double diff = mean - mu;
    if (sd == 0) {
      boolean reject = side == 0 ? diff != 0 : side > 0 ? diff > 0 : diff < 0;
      return new double[] {
        diff == 0 ? 0 : Math.copySign(Double.POSITIVE_INFINITY, diff), reject ? 0 : 1
      };
    }
    double t = diff / (sd / Math.sqrt(n));
    TDistribution dist = TDistribution.of(n - 1);
    double p =
        side == 0
            ? 2 * dist.survivalProbability(Math.abs(t))
            : side > 0 ? dist.survivalProbability(t) : dist.cumulativeProbability(t);
    return new double[] {t, Math.min(1, p)};
  }

  /**
   * The comparisons of adjacent groups (0 with 1, 1 with 2, ...; each group indexed by seed, NaN
   * where a seed has no finite value), each test's p-values Holm-adjusted over this family.
   */
  public static List<Paired> adjacent(List<double[]> groups, Margin margin) {
    List<Paired> raw = new ArrayList<>();
    for (int i = 0; i + 1 < groups.size(); i++) {
      raw.add(of(groups.get(i), groups.get(i + 1), margin));
    }
    double[] t = Holm.adjust(raw.stream().mapToDouble(Paired::tP).toArray());
    double[] w = Holm.adjust(raw.stream().mapToDouble(Paired::signedRankP).toArray());
    double[] e = Holm.adjust(raw.stream().mapToDouble(Paired::tostP).toArray());
    List<Paired> out = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      Paired c = raw.get(i);
      out.add(
          new Paired(
              c.n,
              c.dropped,
              c.diff,
              c.diffLow,
              c.diffHigh,
              c.effectSize,
              c.t,
              c.tP,
              t[i],
              c.signedRank,
              c.signedRankP,
              w[i],
              c.margin,
              c.tostP,
              e[i],
              c.pImprove,
              c.pImproveLow,
              c.pImproveHigh));
    }
    return out;
  }

  /**
   * The smallest number of pairs at which the exact signed-rank test, Holm-adjusted over a family
   * of {@code family} tests, can reach p < ALPHA: the smallest n with family * 2 / 2^n < ALPHA.
   */
  public static int seedsForSignedRank(int family) {
    int n = 1;
    while (Math.max(1, family) * 2.0 / Math.pow(2, n) >= ALPHA) {
      n++;
    }
    return n;
  }

  /**
   * The smallest p the exact two-sided signed-rank test can give with {@code n} pairs,
   * Holm-adjusted.
   */
  public static double smallestSignedRankP(int n, int family) {
    return Math.min(1, Math.max(1, family) * 2.0 / Math.pow(2, n));
  }
}
