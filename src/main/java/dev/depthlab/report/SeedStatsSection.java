package dev.depthlab.report;

import dev.depthlab.stats.Paired;
import dev.depthlab.stats.SampleStats;
import dev.depthlab.stats.Verdict;
import java.util.List;
import java.util.Locale;

/**
 * report.md's "Statistics over seeds" of one data set: the headline metrics' means and IQMs per
 * depth with their intervals and the trend test across depth, then the paired comparisons of
 * adjacent depths with their verdicts (stats_*.csv hold every metric).
 */
final class SeedStatsSection {
  static final String TITLE = "### Statistics over seeds";

  /** The study design the statistics rest on, said once per data set. */
  static final String DESIGN =
      "Design: paired by seed. At one seed every depth trains on the same data, in the same batch"
          + " order, from the same first layers' initial weights (common random numbers), so"
          + " adjacent depths are compared seed by seed: the unit is the difference deeper minus"
          + " shallower of one seed, and a seed without a finite value at either depth drops that"
          + " pair.";

  private SeedStatsSection() {}

  static void append(StringBuilder md, List<Integer> depths, List<MetricStats> all) {
    List<MetricStats> head =
        SeedMetric.headline(all).stream()
            .map(c -> all.stream().filter(m -> m.metric().column().equals(c)).findFirst().get())
            .toList();
    md.append("\n").append(TITLE).append("\n\n").append(DESIGN).append("\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "Per depth over the seeds of the ok runs: the mean [95%% t interval] and the"
                + " interquartile mean (IQM: the mean after dropping floor(n/4) seeds at each end,"
                + " as rliable) [95%% jackknife-t interval]. The last row: Page's L test of a"
                + " monotone trend across depth (seeds with a value at every depth as blocks; exact,"
                + " two-sided p). Every metric's are in %s.\n\n",
            StatsCsv.DEPTH_CSV));
    StringBuilder h = new StringBuilder("| depth | n |");
    StringBuilder rule = new StringBuilder("| ---: | ---: |");
    for (MetricStats m : head) {
      h.append(' ').append(m.metric().label()).append(" [95% CI] | IQM [95% CI] |");
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
        cells[2 + 2 * k] = s.n() == 0 ? "n/a" : withCi(f, s.iqm(), s.iqmLow(), s.iqmHigh());
      }
      ReportMarkdown.row(md, depths.get(i), cells);
    }
    if (depths.size() >= 3) {
      StringBuilder t = new StringBuilder("| trend (Page's L) | ");
      t.append(head.get(0).trendBlocks());
      for (MetricStats m : head) {
        t.append(" | ").append(trend(m)).append(" | ");
      }
      md.append(t).append("|\n");
    }
    md.append(
        String.format(
            Locale.ROOT,
            "\n### Adjacent depths (paired by seed)\n\nVerdict: *differs* when the paired t-test"
                + " (two-sided, the deciding test) rejects at %s after Holm's correction; else"
                + " *equivalent* when two one-sided paired t-tests (TOST, Holm-adjusted) place the"
                + " mean difference inside the metric's \u00b1margin; else *inconclusive*. Holm's"
                + " family is one metric's adjacent depth pairs on this data set, so the"
                + " familywise error rate of each metric's verdicts is at most %s (not across"
                + " metrics). Wilcoxon's signed-rank test (exact over every sign flip, ties and"
                + " zeros included) only corroborates: \"differs, t only\" where its Holm-adjusted p"
                + " is not below %s. Difference: mean of deeper minus shallower over the pairs [95%%"
                + " t interval]; P(deeper > shallower): the share of pairs where the deeper run's"
                + " value is larger (ties 1/2) [95%% Clopper-Pearson]. Every metric's are in"
                + " %s.\n\n",
            Paired.ALPHA,
            Paired.ALPHA,
            Paired.ALPHA,
            StatsCsv.PAIRS_CSV));
    md.append(
        "| metric | depths | verdict | difference [95% CI] | margin | pairs | paired t p (Holm) |"
            + " signed-rank p (Holm) | TOST p (Holm) | P(deeper > shallower) [95% CI] |\n"
            + "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (MetricStats m : head) {
      String f = m.metric().format();
      for (int i = 0; i < m.pairs().size(); i++) {
        Paired c = m.pairs().get(i);
        md.append("| ")
            .append(m.metric().label())
            .append(" | ")
            .append(depths.get(i))
            .append(" vs ")
            .append(depths.get(i + 1));
        for (String cell :
            new String[] {
              verdict(c),
              Double.isNaN(c.diffLow())
                  ? ReportMarkdown.fmt(f, c.diff())
                  : withCi(f, c.diff(), c.diffLow(), c.diffHigh()),
              margin(m.metric(), c, f),
              c.n() + (c.dropped() > 0 ? " (" + c.dropped() + " dropped)" : ""),
              p(c.tP()) + " (" + p(c.tPHolm()) + ")",
              p(c.signedRankP()) + " (" + p(c.signedRankPHolm()) + ")",
              p(c.tostP()) + " (" + p(c.tostPHolm()) + ")",
              c.n() == 0 ? "n/a" : withCi("%.2f", c.pImprove(), c.pImproveLow(), c.pImproveHigh())
            }) {
          md.append(" | ").append(cell);
        }
        md.append(" |\n");
      }
    }
  }

  /** The verdict's word; "differs, t only" when the signed-rank test does not corroborate it. */
  static String verdict(Paired c) {
    if (c.n() < 2) {
      return "n/a";
    }
    Verdict v = c.verdict();
    return v == Verdict.DIFFERS && !c.corroborated() ? "differs, t only" : v.word();
  }

  /** "±0.01" for an absolute margin; "±10% (0.88)" for a relative one, with its value here. */
  static String margin(SeedMetric m, Paired c, String f) {
    if (!m.margin().relative()) {
      return m.margin().text();
    }
    return m.margin().text() + " (" + ReportMarkdown.fmt(f, c.margin()) + ")";
  }

  private static String trend(MetricStats m) {
    return Double.isNaN(m.trendP()) ? "n/a" : "p " + p(m.trendP());
  }

  private static String withCi(String f, double v, double lo, double hi) {
    if (Double.isNaN(lo)) {
      return ReportMarkdown.fmt(f, v);
    }
    return ReportMarkdown.fmt(f, v)
        + " ["
        + ReportMarkdown.fmt(f, lo)
        + ", "
        + ReportMarkdown.fmt(f, hi)
        + "]";
  }

  /** A p-value: four decimals, two significant digits below 0.001, "<0.0001" below 1e-4. */
  static String p(double p) {
    if (Double.isNaN(p)) {
      return "n/a";
    }
    if (p < 1e-4) {
      return "<0.0001";
    }
    return String.format(Locale.ROOT, p < 1e-3 ? "%.1e" : "%.4f", p);
  }
}
