package dev.depthlab.report;

import dev.depthlab.common.CsvFiles;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.data.DatasetSpec;
import dev.depthlab.stats.Paired;
import dev.depthlab.stats.SampleStats;
import dev.depthlab.train.RunFolder;
import dev.depthlab.train.RunSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * stats_depth.csv (one row per data set, metric and depth) and stats_pairs.csv (one row per data
 * set, metric and pair of adjacent depths): every metric's statistics over seeds; docs/report.md
 * lists the columns.
 */
final class StatsCsv {
  static final String DEPTH_CSV = "stats_depth.csv";
  static final String PAIRS_CSV = "stats_pairs.csv";

  private StatsCsv() {}

  static void write(Path dir, StudyConfig cfg, List<RunRecord> runs) {
    List<Integer> depths = RunSpec.depthsOf(cfg);
    List<String> sets = new ArrayList<>();
    List<List<MetricStats>> stats = new ArrayList<>();
    for (DatasetSpec d : cfg.data().sets()) {
      sets.add(d.label());
      stats.add(MetricStats.all(depths, ReportMarkdown.byDepth(runs, d.label(), depths)));
    }
    CsvFiles.write(
        dir.resolve(DEPTH_CSV),
        List.of(
            "dataset",
            "metric",
            "depth",
            "n",
            "mean",
            "ci_low",
            "ci_high",
            "iqm",
            "iqm_ci_low",
            "iqm_ci_high",
            "sd",
            "trend_blocks",
            "trend_l",
            "trend_p"),
        p -> {
          for (int s = 0; s < sets.size(); s++) {
            for (MetricStats ms : stats.get(s)) {
              for (int i = 0; i < depths.size(); i++) {
                SampleStats st = ms.perDepth().get(i);
                p.printRecord(
                    sets.get(s),
                    ms.metric().column(),
                    depths.get(i),
                    st.n(),
                    num(st.mean()),
                    num(st.ciLow()),
                    num(st.ciHigh()),
                    num(st.iqm()),
                    num(st.iqmLow()),
                    num(st.iqmHigh()),
                    num(st.sd()),
                    ms.trendBlocks(),
                    num(ms.trendL()),
                    num(ms.trendP()));
              }
            }
          }
        });
    CsvFiles.write(
        dir.resolve(PAIRS_CSV),
        List.of(
            "dataset",
            "metric",
            "depth_a",
            "depth_b",
            "design",
            "pairs",
            "dropped",
            "diff",
            "diff_ci_low",
            "diff_ci_high",
            "effect_dz",
            "t",
            "t_p",
            "t_p_holm",
            "signed_rank",
            "signed_rank_p",
            "signed_rank_p_holm",
            "margin",
            "tost_p",
            "tost_p_holm",
            "p_improve",
            "p_improve_ci_low",
            "p_improve_ci_high",
            "verdict",
            "corroborated"),
        p -> {
          for (int s = 0; s < sets.size(); s++) {
            for (MetricStats ms : stats.get(s)) {
              for (int i = 0; i < ms.pairs().size(); i++) {
                Paired c = ms.pairs().get(i);
                p.printRecord(
                    sets.get(s),
                    ms.metric().column(),
                    depths.get(i),
                    depths.get(i + 1),
                    "paired",
                    c.n(),
                    c.dropped(),
                    num(c.diff()),
                    num(c.diffLow()),
                    num(c.diffHigh()),
                    num(c.effectSize()),
                    num(c.t()),
                    num(c.tP()),
                    num(c.tPHolm()),
                    num(c.signedRank()),
                    num(c.signedRankP()),
                    num(c.signedRankPHolm()),
                    num(c.margin()),
                    num(c.tostP()),
                    num(c.tostPHolm()),
                    num(c.pImprove()),
                    num(c.pImproveLow()),
                    num(c.pImproveHigh()),
                    c.n() < 2 ? "" : c.verdict().word(),
                    c.n() >= 2 && c.corroborated());
              }
            }
          }
        });
  }

  private static String num(double v) {
    return RunFolder.num(v);
  }
}
