package dev.depthlab.report;

import dev.depthlab.stats.Comparison;
import dev.depthlab.stats.SampleStats;
import java.util.ArrayList;
import java.util.List;

/**
 * One data set's statistics over seeds of one metric: each depth's {@link SampleStats} and the
 * comparisons of adjacent depths, Holm-adjusted over this metric's adjacent pairs (per test).
 */
record MetricStats(
    SeedMetric metric, List<Integer> depths, List<SampleStats> perDepth, List<Comparison> pairs) {

  static MetricStats of(SeedMetric m, List<Integer> depths, List<List<RunRecord>> byDepth) {
    List<double[]> groups = new ArrayList<>();
    List<SampleStats> per = new ArrayList<>();
    for (List<RunRecord> rs : byDepth) {
      double[] v = m.values(rs);
      groups.add(v);
      per.add(SampleStats.of(v));
    }
    return new MetricStats(m, depths, per, Comparison.adjacent(groups));
  }

  /** Every metric of {@link SeedMetric#of}, in that order. */
  static List<MetricStats> all(List<Integer> depths, List<List<RunRecord>> byDepth) {
    return SeedMetric.of(byDepth).stream().map(m -> of(m, depths, byDepth)).toList();
  }
}
