package dev.depthlab.report;

import dev.depthlab.config.StudyConfig;
import dev.depthlab.data.DatasetSpec;
import dev.depthlab.stats.Paired;
import dev.depthlab.train.RunSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * report.md's "Findings": one sentence per data set and headline metric, each adjacent step with
 * its verdict and numbers (means, the paired difference and its interval, the deciding p) and the
 * trend test across depth. report.html leads with it.
 */
final class Findings {
  static final String TITLE = "## Findings";

  private Findings() {}

  /** The section, from its heading to its last line (ending in a newline). */
  static String markdown(StudyConfig cfg, List<RunRecord> runs) {
    List<Integer> depths = RunSpec.depthsOf(cfg);
    StringBuilder md = new StringBuilder(TITLE).append("\n\n");
    md.append(
        "Adjacent depths compared by seed (paired t decides, Holm over the metric's adjacent pairs;"
            + " \"equivalent\": inside the metric's margin by TOST); every number and"
            + " test in each data set's tables below.\n\n");
    for (DatasetSpec d : cfg.data().sets()) {
      List<List<RunRecord>> byDepth = ReportMarkdown.byDepth(runs, d.label(), depths);
      if (byDepth.stream().allMatch(rs -> ReportMarkdown.okOnly(rs).isEmpty())) {
        md.append("- **").append(d.label()).append("**: no finished runs yet.\n");
        continue;
      }
      List<MetricStats> all = MetricStats.all(depths, byDepth);
      for (String column : SeedMetric.headline(all)) {
        MetricStats ms =
            all.stream().filter(m -> m.metric().column().equals(column)).findFirst().get();
        md.append("- ").append(sentence(d.label(), ms)).append('\n');
      }
    }
    return md.toString();
  }

  static String sentence(String set, MetricStats ms) {
    String f = ms.metric().format();
    List<Integer> depths = ms.depths();
    List<String> steps = new ArrayList<>();
    for (int i = 0; i < ms.pairs().size(); i++) {
      Paired c = ms.pairs().get(i);
      String step = "depth " + depths.get(i) + " to " + depths.get(i + 1) + " ";
      if (c.n() < 2) {
        steps.add(step + "not compared (" + c.n() + " pairs)");
        continue;
      }
      String diff =
          (c.diff() > 0 ? "+" : "")
              + ReportMarkdown.fmt(f, c.diff())
              + " ["
              + ReportMarkdown.fmt(f, c.diffLow())
              + ", "
              + ReportMarkdown.fmt(f, c.diffHigh())
              + "]";
      String means =
          ReportMarkdown.fmt(f, ms.perDepth().get(i).mean())
              + " to "
              + ReportMarkdown.fmt(f, ms.perDepth().get(i + 1).mean());
      String verdict = SeedStatsSection.verdict(c);
      String p =
          switch (c.verdict()) {
            case DIFFERS -> "paired t Holm p " + SeedStatsSection.p(c.tPHolm());
            case EQUIVALENT ->
                "within "
                    + SeedStatsSection.margin(ms.metric(), c, f)
                    + ", TOST Holm p "
                    + SeedStatsSection.p(c.tostPHolm());
            case INCONCLUSIVE -> "paired t Holm p " + SeedStatsSection.p(c.tPHolm());
          };
      steps.add(
          step
              + "**"
              + verdict
              + "** ("
              + means
              + ", difference "
              + diff
              + ", "
              + p
              + ", "
              + c.n()
              + " pairs)");
    }
    String trend =
        Double.isNaN(ms.trendP())
            ? ""
            : "; trend across depth: Page's L p " + SeedStatsSection.p(ms.trendP());
    return "**"
        + set
        + ", "
        + ms.metric().label()
        + "**: "
        + String.join("; ", steps)
        + trend
        + ".";
  }
}
