package dev.depthlab.report;

import dev.depthlab.common.MeanStd;
import dev.depthlab.common.UserError;
import dev.depthlab.config.DiagnosticsConfig.GradStats;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.data.DatasetSpec;
import dev.depthlab.model.OutputGradient;
import dev.depthlab.stats.PageTrend;
import dev.depthlab.stats.Paired;
import dev.depthlab.train.RunSpec;
import dev.depthlab.train.RunSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

/**
 * report.md: the seed-style tables per data set and depth (beside a published table when the study
 * names one), then observations drawn from them. Holds no timestamps or wall times, so rebuilding
 * it from the same files gives the same bytes.
 */
final class ReportMarkdown {
  private ReportMarkdown() {}

  /**
   * report.md, headed {@code title} ({@link StudyTitle}), for the finished {@code runs} of {@code
   * planned}; {@code failed}: one line per run whose backend failed ("name: reason"), listed after
   * the counts.
   */
  static String text(
      String title,
      StudyConfig cfg,
      String hash,
      List<RunRecord> runs,
      int planned,
      List<String> failed) {
    StringBuilder md = new StringBuilder();
    md.append("# ").append(title).append("\n\n");
    md.append(protocol(cfg, hash)).append("\n\n");
    String reach = reach(cfg);
    if (!reach.isEmpty()) {
      md.append(reach).append("\n\n");
    }
    TreeSet<String> backends = new TreeSet<>();
    runs.forEach(r -> backends.add(r.backend()));
    md.append(
        String.format(
            Locale.ROOT,
            "Runs: %d of %d planned finished (%s)",
            runs.size(),
            planned,
            statusCounts(runs, failed.size())));
    md.append(backends.isEmpty() ? "." : "; backend " + String.join(", ", backends) + ".");
    md.append("\n\n");
    if (!failed.isEmpty()) {
      md.append("Failed (the backend failed; rerun the sweep to retry them):\n\n");
      failed.forEach(f -> md.append("- ").append(f).append('\n'));
      md.append('\n');
    }
    md.append(
        "Every cell is the mean +- std over seeds (population std, as NumPy's default) of "
            + "each run's value; diverged runs are counted but left out of the means. The metrics are "
            + SUMMARY_NOTE);
    GradStats grad = cfg.diagnostics().gradStats();
    int epochs = cfg.training().epochs();
    if (!grad.equals(GradStats.ALL_EPOCHS)) {
      md.append("\n").append(gradStatsNote(grad, epochs)).append("\n");
    }
    md.append("\n").append(Findings.markdown(cfg, runs));
    PublishedGradNorms pub = grad.hasPublished() ? PublishedGradNorms.load(grad.published()) : null;
    List<Integer> depths = RunSpec.depthsOf(cfg);
    for (DatasetSpec d : cfg.data().sets()) {
      List<List<RunRecord>> byDepth = byDepth(runs, d.label(), depths);
      md.append("\n## ").append(d.label()).append("\n");
      accuracy(md, depths, byDepth);
      gradients(md, depths, byDepth, grad.fromEpoch() == 1 ? "epochs" : window(grad, epochs));
      if (pub != null) {
        PublishedComparison.section(md, pub, d.label(), depths, byDepth, epochs);
      }
      curves(md, depths, byDepth);
      dead(md, depths, byDepth);
      md.append(statsAndObservations(d.label(), depths, byDepth));
    }
    return md.toString();
  }

  /** A data set section's last part: the statistics over seeds and the observations. */
  static String statsAndObservations(
      String label, List<Integer> depths, List<List<RunRecord>> byDepth) {
    StringBuilder md = new StringBuilder();
    List<MetricStats> stats = MetricStats.all(depths, byDepth);
    SeedStatsSection.append(md, depths, stats);
    md.append("\n").append(OBSERVATIONS).append("\n\n");
    md.append(Observations.paragraph(label, depths, byDepth, stats)).append("\n");
    return md.toString();
  }

  static final String SUMMARY_NOTE =
      "defined in docs/report.md; the per-run values are in summary.csv. Each data set's"
          + " \"Statistics over seeds\" gives 95% confidence intervals, a trend test across"
          + " depth and the paired comparisons of adjacent depths with their verdicts"
          + " (differs, equivalent, inconclusive); stats_depth.csv and stats_pairs.csv hold them"
          + " for every metric.\n";

  /** The note of reports written before the paired analysis, replaced on a refresh. */
  static final String SUMMARY_NOTE_UNPAIRED =
      "defined in docs/report.md; the per-run values are in summary.csv. Each data set's"
          + " \"Statistics over seeds\" gives 95% confidence intervals and tests of adjacent"
          + " depths; stats_depth.csv and stats_pairs.csv hold them for every metric.\n";

  static final String OBSERVATIONS = "### Observations";
  static final String SUMMARY_NOTE_OLD =
      "defined in docs/report.md; the per-run values are in summary.csv.\n";

  /**
   * {@code old} (a report.md written from the same runs, by this or an earlier version) with the
   * header's note and each data set's statistics and observations rebuilt from {@code runs}; every
   * other table stays as it is. For study folders whose run folders are not kept.
   */
  static String refreshed(String old, StudyConfig cfg, List<RunRecord> runs) {
    String md =
        old.replace(SUMMARY_NOTE_OLD, SUMMARY_NOTE).replace(SUMMARY_NOTE_UNPAIRED, SUMMARY_NOTE);
    String reach = reach(cfg);
    int runsAt = md.indexOf("\nRuns: ");
    if (!reach.isEmpty() && runsAt >= 0 && !md.contains(reach)) {
      md = md.substring(0, runsAt + 1) + reach + "\n\n" + md.substring(runsAt + 1);
    }

    String findings = "\n" + Findings.markdown(cfg, runs);
    int f0 = md.indexOf("\n" + Findings.TITLE + "\n");
    if (f0 >= 0) {
      int f1 = md.indexOf("\n## ", f0 + 1);
      md = md.substring(0, f0) + findings + md.substring(f1 < 0 ? md.length() : f1);
    } else {
      String first = "\n## " + cfg.data().sets().get(0).label() + "\n";
      int at = md.indexOf(first);
      if (at < 0) {
        throw new UserError(
            "report.md has no section for data set " + cfg.data().sets().get(0).label());
      }
      md = md.substring(0, at) + findings + md.substring(at);
    }
    List<Integer> depths = RunSpec.depthsOf(cfg);
    for (DatasetSpec d : cfg.data().sets()) {
      String head = "\n## " + d.label() + "\n";
      int start = md.indexOf(head);
      if (start < 0) {
        throw new UserError("report.md has no section for data set " + d.label());
      }
      int end = md.indexOf("\n## ", start + head.length());
      end = end < 0 ? md.length() : end;
      String section = md.substring(start, end);
      int cut = section.indexOf("\n" + SeedStatsSection.TITLE + "\n");
      cut = cut < 0 ? section.indexOf("\n" + OBSERVATIONS + "\n") : cut;
      if (cut < 0) {
        throw new UserError("report.md's section " + d.label() + " has no observations");
      }
      String fresh =
          section.substring(0, cut + 1)
              + statsAndObservations(d.label(), depths, byDepth(runs, d.label(), depths))
                  .substring(1);
      md = md.substring(0, start) + fresh + md.substring(end);
    }
    return md;
  }

  /**
   * One sentence for a study whose seeds are too few for a test to reach the level at all: the
   * exact signed-rank test (Holm over the adjacent pairs of one metric) or Page's trend test; with
   * the number of seeds that would. Empty when both can.
   */
  static String reach(StudyConfig cfg) {
    int n = cfg.seeds().size();
    int k = RunSpec.depthsOf(cfg).size();
    if (k < 2) {
      return "";
    }
    List<String> cannot = new ArrayList<>();
    List<String> would = new ArrayList<>();
    double sr = Paired.smallestSignedRankP(n, k - 1);
    if (sr >= Paired.ALPHA) {
      cannot.add(
          String.format(
              Locale.ROOT,
              "the exact signed-rank test, Holm-adjusted over the %d adjacent depth pair%s, cannot"
                  + " go below p = %.3g",
              k - 1,
              k - 1 == 1 ? "" : "s",
              sr));
      would.add(Paired.seedsForSignedRank(k - 1) + " seeds would let it corroborate a difference");
    }
    if (k >= 3 && PageTrend.smallestP(n, k) >= Paired.ALPHA) {
      int m = n;
      while (PageTrend.smallestP(m, k) >= Paired.ALPHA) {
        m++;
      }
      cannot.add(
          String.format(
              Locale.ROOT,
              "Page's trend test cannot go below p = %.3g",
              PageTrend.smallestP(n, k)));
      would.add(m + " seeds would let it show a trend");
    }
    if (n < 2) {
      cannot.add("the paired t-test needs two seeds");
      would.add("2 seeds would let it decide");
    }
    if (cannot.isEmpty()) {
      return "";
    }
    return String.format(
        Locale.ROOT,
        "**Too few seeds for some verdicts:** with %d seed%s %s, so %s can never reach p < %s;"
            + " %s.",
        n,
        n == 1 ? "" : "s",
        String.join(" and ", cannot),
        cannot.size() == 1 ? "it" : "they",
        Paired.ALPHA,
        String.join(", ", would));
  }

  private static String protocol(StudyConfig cfg, String hash) {
    var m = cfg.model();
    var t = cfg.training();
    List<String> sets = cfg.data().sets().stream().map(DatasetSpec::label).toList();
    String net =
        m.explicitLayers()
            ? "layers " + m.layers()
            : "depths " + m.depths() + " x width " + m.width();
    String batch =
        t.batchSize() > 0 ? "batch " + t.batchSize() : "batch fraction " + t.batchFraction();
    return String.format(
        Locale.ROOT,
        "Protocol hash `%s` (the config is in study.yaml). "
            + "Data %s, %d training points; %s, %s, %s init; %d epochs of SGD, %s, lr %s, "
            + "reduction %s%s; seeds %s; %s.",
        hash.substring(0, Math.min(16, hash.length())),
        sets,
        cfg.data().nTrain(),
        net,
        m.activation().key(),
        m.init().key(),
        t.epochs(),
        batch,
        t.lr(),
        t.reduction().key(),
        // said only when not the default, so the reports of stored studies stay as they were
        t.outputGradient() == OutputGradient.FUSED
            ? ""
            : ", output gradient " + t.outputGradient().key(),
        cfg.seeds(),
        cfg.precision().key());
  }

  private static void accuracy(
      StringBuilder md, List<Integer> depths, List<List<RunRecord>> byDepth) {
    md.append("\n### Accuracy (after the last epoch, threshold 0.5)\n\n");
    md.append("| depth | runs | train acc | test acc |\n| ---: | ---: | ---: | ---: |\n");
    for (int i = 0; i < depths.size(); i++) {
      List<RunRecord> rs = byDepth.get(i);
      List<RunRecord> ok = okOnly(rs);
      row(
          md,
          depths.get(i),
          runs(rs),
          pm(ok, RunRecord::trainAcc, "%.4f"),
          pm(ok, RunRecord::testAcc, "%.4f"));
    }
  }

  /** "epochs F-E" of the gradient statistics. */
  private static String window(GradStats grad, int epochs) {
    return "epochs " + grad.fromEpoch() + "-" + epochs;
  }

  /** The header's statement of a study's own gradient-statistics settings (none by default). */
  private static String gradStatsNote(GradStats grad, int epochs) {
    String note =
        grad.fromEpoch() == 1
            ? "Gradient statistics over every epoch of every run."
            : String.format(
                Locale.ROOT,
                "Gradient statistics over %s of every run (diagnostics.grad_stats.from_epoch %d):"
                    + " the gradient-norm table and the grad_norm columns of summary.csv.",
                window(grad, epochs),
                grad.fromEpoch());
    if (grad.hasPublished()) {
      note +=
          " Beside them, the published table "
              + GradStats.publishedResource(grad.published()).substring(1)
              + ", each published cell against the same statistic over its own published epochs"
              + " here.";
    }
    return note;
  }

  /** {@code window}: "epochs" for every epoch (the default), else "epochs F-E". */
  private static void gradients(
      StringBuilder md, List<Integer> depths, List<List<RunRecord>> byDepth, String window) {
    md.append(
        "\n### Gradient norm (global weight-gradient L2 norm per epoch: its mean, std and "
            + "CV over "
            + window
            + ")\n\n");
    md.append("| depth | mean | std | CV |\n| ---: | ---: | ---: | ---: |\n");
    for (int i = 0; i < depths.size(); i++) {
      List<RunRecord> ok = okOnly(byDepth.get(i));
      row(
          md,
          depths.get(i),
          pm(ok, RunRecord::gradNormMean, "%.4g"),
          pm(ok, RunRecord::gradNormStd, "%.4g"),
          pm(ok, RunRecord::gradNormCv, "%.4f"));
    }
  }

  private static void curves(
      StringBuilder md, List<Integer> depths, List<List<RunRecord>> byDepth) {
    md.append("\n### Loss curve (mean batch loss per epoch)\n\n");
    md.append(
        "| depth | first | last | trend | oscillation | plateau epoch | late gain | spikes |\n"
            + "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (int i = 0; i < depths.size(); i++) {
      List<RunRecord> ok = okOnly(byDepth.get(i));
      row(
          md,
          depths.get(i),
          pm(ok, r -> r.curve().first(), "%.4f"),
          pm(ok, r -> r.curve().last(), "%.4f"),
          pm(ok, r -> r.curve().trend(), "%.4f"),
          pm(ok, r -> r.curve().oscillation(), "%.3g"),
          pm(ok, r -> r.curve().plateauEpoch(), "%.1f"),
          pm(ok, r -> r.curve().lateGain(), "%.4f"),
          pm(ok, r -> r.curve().spikes(), "%.1f"));
    }
  }

  private static void dead(StringBuilder md, List<Integer> depths, List<List<RunRecord>> byDepth) {
    int maxDepth = depths.stream().mapToInt(Integer::intValue).max().orElse(0);
    md.append(
        "\n### Dead units (fraction of a hidden layer's units inactive on every training "
            + "sample after the last epoch; mean over seeds)\n\n");
    StringBuilder head = new StringBuilder("| depth |");
    StringBuilder rule = new StringBuilder("| ---: |");
    for (int h = 1; h <= maxDepth; h++) {
      head.append(" h").append(h).append(" |");
      rule.append(" ---: |");
    }
    md.append(head).append('\n').append(rule).append('\n');
    for (int i = 0; i < depths.size(); i++) {
      List<RunRecord> ok = okOnly(byDepth.get(i));
      List<String> cells = new ArrayList<>();
      for (int h = 0; h < maxDepth; h++) {
        int layer = h;
        cells.add(
            h < depths.get(i)
                ? fmt(
                    "%.3f",
                    MeanStd.ofFinite(
                            ok,
                            r ->
                                layer < r.deadFraction().length
                                    ? r.deadFraction()[layer]
                                    : Double.NaN)
                        .mean())
                : "");
      }
      row(md, depths.get(i), cells.toArray(String[]::new));
    }
  }

  /** The runs of data set {@code label}, one list per depth in {@code depths}' order. */
  static List<List<RunRecord>> byDepth(List<RunRecord> runs, String label, List<Integer> depths) {
    List<List<RunRecord>> byDepth = new ArrayList<>();
    for (int depth : depths) {
      byDepth.add(
          runs.stream().filter(r -> r.dataset().equals(label) && r.depth() == depth).toList());
    }
    return byDepth;
  }

  /**
   * "N ok, N diverged", then each other status with its count where some run has it (exploded,
   * collapsed, then failed: runs that did not finish), so a study of ok and diverged runs reads as
   * it always did.
   */
  static String statusCounts(List<RunRecord> runs, int failed) {
    StringBuilder b = new StringBuilder();
    b.append(count(runs, RunSummary.OK)).append(" ok, ");
    b.append(count(runs, RunSummary.DIVERGED)).append(" diverged");
    for (String s : List.of(RunSummary.EXPLODED, RunSummary.COLLAPSED)) {
      long n = count(runs, s);
      if (n > 0) {
        b.append(", ").append(n).append(' ').append(s);
      }
    }
    if (failed > 0) {
      b.append(", ").append(failed).append(" failed");
    }
    return b.toString();
  }

  private static long count(List<RunRecord> runs, String status) {
    return runs.stream().filter(r -> r.status().equals(status)).count();
  }

  static List<RunRecord> okOnly(List<RunRecord> rs) {
    return rs.stream().filter(RunRecord::ok).toList();
  }

  /** A table's runs cell: the count, and how many of them diverged or were flagged. */
  private static String runs(List<RunRecord> rs) {
    List<String> notes = new ArrayList<>();
    for (String s : List.of(RunSummary.DIVERGED, RunSummary.EXPLODED, RunSummary.COLLAPSED)) {
      long n = count(rs, s);
      if (n > 0) {
        notes.add(n + " " + s);
      }
    }
    return notes.isEmpty()
        ? Integer.toString(rs.size())
        : rs.size() + " (" + String.join(", ", notes) + ")";
  }

  static void row(StringBuilder md, int depth, String... cells) {
    md.append("| ").append(depth);
    for (String c : cells) {
      md.append(" | ").append(c);
    }
    md.append(" |\n");
  }

  static String pm(List<RunRecord> rs, ToDoubleFunction<RunRecord> v, String f) {
    MeanStd s = MeanStd.ofFinite(rs, v);
    return s.n() == 0 ? "n/a" : fmt(f, s.mean()) + " +- " + fmt(f, s.std());
  }

  static String fmt(String f, double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, f, v) : "n/a";
  }
}
