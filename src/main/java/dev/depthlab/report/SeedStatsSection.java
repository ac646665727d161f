package dev.depthlab.report;

import dev.depthlab.stats.Bootstrap;
import dev.depthlab.stats.Comparison;
import dev.depthlab.stats.SampleStats;
import java.util.List;
import java.util.Locale;

/**
 * report.md's "Statistics over seeds" of one data set: the headline metrics' means with bootstrap
 * intervals and IQMs per depth, then the tests of adjacent depths (stats_*.csv hold every metric).
 */
final class SeedStatsSection {
  static final String TITLE = "### Statistics over seeds";

  private SeedStatsSection() {}

  static void append(StringBuilder md, List<Integer> depths, List<MetricStats> all) {
    List<MetricStats> head =
        SeedMetric.headline(all).stream()
            .map(c -> all.stream().filter(m -> m.metric().column().equals(c)).findFirst().get())
            .toList();
    md.append("\n").append(TITLE).append("\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "Mean [95%% CI] over the seeds of the ok runs (percentile bootstrap of the mean, %d"
                + " resamples from seed %d) and the interquartile mean (IQM: the mean of the middle"
                + " 50%% of the seeds, as rliable); every metric's are in %s.\n\n",
            Bootstrap.RESAMPLES,
            Bootstrap.SEED,
            StatsCsv.DEPTH_CSV));
    StringBuilder h = new StringBuilder("| depth | n |");
    StringBuilder rule = new StringBuilder("| ---: | ---: |");
    for (MetricStats m : head) {
      h.append(' ').append(m.metric().label()).append(" [95% CI] | IQM |");
      rule.append(" ---: | ---: |");
    }
    md.append(h).append('\n').append(rule).append('\n');
    for (int i = 0; i < depths.size(); i++) {
      String[] cells = new String[1 + 2 * head.size()];
      cells[0] = Integer.toString(head.get(0).perDepth().get(i).n());
      for (int k = 0; k < head.size(); k++) {
        SampleStats s = head.get(k).perDepth().get(i);
        String f = head.get(k).metric().format();
        cells[1 + 2 * k] = s.n() == 0 ? "n/a" : withCi(f, s.mean(), s.ciLow(), s.ciHigh());
        cells[2 + 2 * k] = ReportMarkdown.fmt(f, s.iqm());
      }
      ReportMarkdown.row(md, depths.get(i), cells);
    }
    md.append(
        String.format(
            Locale.ROOT,
            "\n### Adjacent depths (tests over seeds)\n\nDeeper minus shallower: the difference of means [95%% bootstrap"
                + " CI, each depth resampled on its own]; P(deeper > shallower) over every pair of"
                + " seeds (ties 1/2); two-sided Welch t-test and Mann-Whitney U test, p-value"
                + " (Holm-adjusted), the family being one test's adjacent pairs of one metric on"
                + " this data set; Cliff's delta; Cohen's d (pooled std); the smallest difference a"
                + " t-test on these seeds detects at alpha %s with power %s. \"differs\" when both"
                + " adjusted p-values are below %s. Every metric's are in %s.\n\n",
            Comparison.ALPHA,
            Comparison.POWER,
            Comparison.ALPHA,
            StatsCsv.PAIRS_CSV));
    md.append(
        "| metric | depths | difference [95% CI] | P(deeper > shallower) | Welch p (Holm) |"
            + " Mann-Whitney p (Holm) | Cliff's delta | Cohen's d | detectable | differs |\n"
            + "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
    for (MetricStats m : head) {
      String f = m.metric().format();
      for (int i = 0; i < m.pairs().size(); i++) {
        Comparison c = m.pairs().get(i);
        md.append("| ")
            .append(m.metric().label())
            .append(" | ")
            .append(depths.get(i))
            .append(" vs ")
            .append(depths.get(i + 1));
        for (String cell :
            new String[] {
              Double.isNaN(c.diff()) ? "n/a" : withCi(f, c.diff(), c.diffLow(), c.diffHigh()),
              ReportMarkdown.fmt("%.2f", c.probabilityOfImprovement()),
              p(c.welchP()) + " (" + p(c.welchPHolm()) + ")",
              p(c.mannWhitneyP()) + " (" + p(c.mannWhitneyPHolm()) + ")",
              ReportMarkdown.fmt("%.2f", c.cliffsDelta()),
              ReportMarkdown.fmt("%.2f", c.cohensD()),
              ReportMarkdown.fmt(f, c.minimalDetectable()),
              c.differs() ? "yes" : "no"
            }) {
          md.append(" | ").append(cell);
        }
        md.append(" |\n");
      }
    }
  }

  private static String withCi(String f, double v, double lo, double hi) {
    return ReportMarkdown.fmt(f, v)
        + " ["
        + ReportMarkdown.fmt(f, lo)
        + ", "
        + ReportMarkdown.fmt(f, hi)
        + "]";
  }

  /** A p-value: four decimals, "<0.0001" below. */
  static String p(double p) {
    if (Double.isNaN(p)) {
      return "n/a";
    }
    return p < 1e-4 ? "<0.0001" : String.format(Locale.ROOT, "%.4f", p);
  }
}
