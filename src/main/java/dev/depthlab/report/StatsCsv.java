package dev.depthlab.report;

import dev.depthlab.common.CsvFiles;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.data.DatasetSpec;
import dev.depthlab.stats.Comparison;
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
        List.of("dataset", "metric", "depth", "n", "mean", "ci_low", "ci_high", "iqm", "sd"),
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
                    num(st.sd()));
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
            "n_a",
            "n_b",
            "diff",
            "diff_ci_low",
            "diff_ci_high",
            "p_improve",
            "welch_t",
            "welch_p",
            "welch_p_holm",
            "mwu_u",
            "mwu_p",
            "mwu_p_holm",
            "cliffs_delta",
            "cohens_d",
            "mdd",
            "differs"),
        p -> {
          for (int s = 0; s < sets.size(); s++) {
            for (MetricStats ms : stats.get(s)) {
              for (int i = 0; i < ms.pairs().size(); i++) {
                Comparison c = ms.pairs().get(i);
                p.printRecord(
                    sets.get(s),
                    ms.metric().column(),
                    depths.get(i),
                    depths.get(i + 1),
                    c.x().n(),
                    c.y().n(),
                    num(c.diff()),
                    num(c.diffLow()),
                    num(c.diffHigh()),
                    num(c.probabilityOfImprovement()),
                    num(c.welchT()),
                    num(c.welchP()),
                    num(c.welchPHolm()),
                    num(c.mannWhitneyU()),
                    num(c.mannWhitneyP()),
                    num(c.mannWhitneyPHolm()),
                    num(c.cliffsDelta()),
                    num(c.cohensD()),
                    num(c.minimalDetectable()),
                    c.differs());
              }
            }
          }
        });
  }

  private static String num(double v) {
    return RunFolder.num(v);
  }
}
