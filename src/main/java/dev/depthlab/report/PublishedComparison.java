package dev.depthlab.report;

import dev.depthlab.common.MeanStd;
import dev.depthlab.train.GradNormStats;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * report.md's comparison of one data set's gradient statistics with a published table: for each
 * published cell (depth, statistic), the published value beside the same statistic over the same
 * epochs of each run here, as mean +- std over the seeds, its standard error, and how far the
 * published value lies from the seeds' mean in units of their std.
 *
 * <p>A published value of the nn-depth-study kind is one run's, so it is set against the spread of
 * single runs (the std over seeds), not against the standard error of their mean: z = (published -
 * mean) / std, and "within 2 std" when |z| <= 2.
 */
final class PublishedComparison {
  /** How far, in std over seeds, a published value may lie from the mean and count as "within". */
  static final double WITHIN = 2.0;

  private PublishedComparison() {}

  private record Statistic(String label, ToDoubleFunction<GradNormStats> value, String format) {}

  private static final List<Statistic> STATISTICS =
      List.of(
          new Statistic("mean", GradNormStats::mean, "%.4g"),
          new Statistic("std", GradNormStats::std, "%.4g"),
          new Statistic("CV", GradNormStats::cv, "%.4f"));

  static void section(
      StringBuilder md,
      PublishedGradNorms pub,
      String dataset,
      List<Integer> depths,
      List<List<RunRecord>> byDepth,
      int epochs) {
    List<PublishedGradNorms.Row> rows = new ArrayList<>();
    for (PublishedGradNorms.Row r : pub.of(dataset)) {
      if (depths.contains(r.depth())) {
        rows.add(r);
      }
    }
    if (rows.isEmpty()) {
      return;
    }
    md.append("\n### Gradient norm beside the published table ").append(pub.name()).append("\n\n");
    Set<String> protocols = new LinkedHashSet<>();
    Set<String> sources = new LinkedHashSet<>();
    rows.forEach(
        r -> {
          protocols.add(r.protocol());
          sources.add(r.source());
        });
    md.append("Published: ")
        .append(String.join("; ", protocols))
        .append(". Source: ")
        .append(String.join("; ", sources))
        .append(". Here: the same statistics over the same epochs of every run, mean +- std over")
        .append(" the seeds; s.e. = std / sqrt(n - 1), the standard error of that mean;")
        .append(" z = (published - mean) / std.\n\n");
    md.append(
        "| depth | epochs | statistic | published | here (mean +- std) | s.e. | z | within 2 std |\n"
            + "| ---: | ---: | :--- | ---: | ---: | ---: | ---: | :--- |\n");
    int within = 0;
    int compared = 0;
    List<String> beyond = new ArrayList<>();
    boolean tooShort = false;
    for (PublishedGradNorms.Row r : rows) {
      List<RunRecord> ok = ReportMarkdown.okOnly(byDepth.get(depths.indexOf(r.depth())));
      List<GradNormStats> windows =
          ok.stream()
              .map(run -> GradNormStats.over(run.epochGradNorm(), r.fromEpoch(), r.toEpoch()))
              .toList();
      tooShort |= r.toEpoch() > epochs;
      double[] published = {r.mean(), r.std(), r.cv()};
      for (int i = 0; i < STATISTICS.size(); i++) {
        Statistic st = STATISTICS.get(i);
        MeanStd s = MeanStd.ofFinite(windows, st.value());
        double se = s.n() > 1 ? s.std() / Math.sqrt(s.n() - 1) : Double.NaN;
        double z = (published[i] - s.mean()) / s.std();
        String verdict = "n/a";
        if (Double.isFinite(z)) {
          compared++;
          if (Math.abs(z) <= WITHIN) {
            within++;
            verdict = "yes";
          } else {
            verdict = "no";
            beyond.add(
                String.format(Locale.ROOT, "depth %d %s (z = %.2f)", r.depth(), st.label(), z));
          }
        }
        md.append(
            String.format(
                Locale.ROOT,
                "| %d | %d-%d | %s | %s | %s | %s | %s | %s |\n",
                r.depth(),
                r.fromEpoch(),
                r.toEpoch(),
                st.label(),
                ReportMarkdown.fmt(st.format(), published[i]),
                s.n() == 0
                    ? "n/a"
                    : ReportMarkdown.fmt(st.format(), s.mean())
                        + " +- "
                        + ReportMarkdown.fmt(st.format(), s.std()),
                ReportMarkdown.fmt(st.format(), se),
                ReportMarkdown.fmt("%.2f", z),
                verdict));
      }
    }
    md.append('\n');
    if (tooShort) {
      md.append("The published epochs reach past this study's ")
          .append(epochs)
          .append(" epochs: those cells are n/a. ");
    }
    md.append(
        String.format(
            Locale.ROOT,
            "The published value lies within %.0f std of the seeds here in %d of %d cells",
            WITHIN,
            within,
            compared));
    md.append(beyond.isEmpty() ? "." : "; beyond: " + String.join(", ", beyond) + ".");
    md.append('\n');
  }
}
