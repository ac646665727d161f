package dev.depthlab.report;

import dev.depthlab.stats.PageTrend;
import dev.depthlab.stats.Paired;
import dev.depthlab.stats.SampleStats;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * One data set's statistics over seeds of one metric: each depth's {@link SampleStats}, the paired
 * comparisons of adjacent depths (by seed, Holm-adjusted over this metric's adjacent pairs, per
 * test) and Page's trend test across all depths (seeds with a value at every depth as blocks).
 */
record MetricStats(
    SeedMetric metric,
    List<Integer> depths,
    List<SampleStats> perDepth,
    List<Paired> pairs,
    int trendBlocks,
    double trendL,
    double trendP) {

  static MetricStats of(SeedMetric m, List<Integer> depths, List<List<RunRecord>> byDepth) {
    List<Long> seeds = seeds(byDepth);
    List<double[]> bySeed = new ArrayList<>();
    List<SampleStats> per = new ArrayList<>();
    for (List<RunRecord> rs : byDepth) {
      bySeed.add(m.bySeed(rs, seeds));
      per.add(SampleStats.of(m.values(rs)));
    }
    List<double[]> blocks = new ArrayList<>();
    for (int s = 0; s < seeds.size(); s++) {
      double[] row = new double[depths.size()];
      boolean full = true;
      for (int d = 0; d < depths.size(); d++) {
        row[d] = bySeed.get(d)[s];
        full &= Double.isFinite(row[d]);
      }
      if (full) {
        blocks.add(row);
      }
    }
    double[] trend =
        depths.size() >= 3
            ? PageTrend.test(blocks.toArray(double[][]::new))
            : new double[] {Double.NaN, Double.NaN};
    return new MetricStats(
        m, depths, per, Paired.adjacent(bySeed, m.margin()), blocks.size(), trend[0], trend[1]);
  }

  /** Every seed with a run at some depth, ascending. */
  static List<Long> seeds(List<List<RunRecord>> byDepth) {
    TreeSet<Long> s = new TreeSet<>();
    byDepth.forEach(rs -> rs.forEach(r -> s.add(r.seed())));
    return List.copyOf(s);
  }

  /** Every metric of {@link SeedMetric#of}, in that order. */
  static List<MetricStats> all(List<Integer> depths, List<List<RunRecord>> byDepth) {
    return SeedMetric.of(byDepth).stream().map(m -> of(m, depths, byDepth)).toList();
  }
}
