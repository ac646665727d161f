package dev.depthlab.report;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * A per-depth metric the statistics over seeds cover: its summary.csv column, the words the report
 * uses for it, a run's value and the number format of the tables.
 */
record SeedMetric(String column, String label, ToDoubleFunction<RunRecord> value, String format) {

  /** Every per-run number of the report's tables (the dead fractions, per layer, are not). */
  static final List<SeedMetric> ALL =
      List.of(
          new SeedMetric("train_acc", "train accuracy", RunRecord::trainAcc, "%.4f"),
          new SeedMetric("test_acc", "test accuracy", RunRecord::testAcc, "%.4f"),
          new SeedMetric("train_loss", "train loss", RunRecord::trainLoss, "%.4g"),
          new SeedMetric("test_loss", "test loss", RunRecord::testLoss, "%.4g"),
          new SeedMetric("grad_norm_mean", "gradient-norm mean", RunRecord::gradNormMean, "%.4g"),
          new SeedMetric("grad_norm_std", "gradient-norm std", RunRecord::gradNormStd, "%.4g"),
          new SeedMetric("grad_norm_cv", "gradient-norm CV", RunRecord::gradNormCv, "%.4f"),
          new SeedMetric("loss_first", "first-epoch loss", r -> r.curve().first(), "%.4f"),
          new SeedMetric("loss_last", "last-epoch loss", r -> r.curve().last(), "%.4f"),
          new SeedMetric("loss_trend", "loss trend", r -> r.curve().trend(), "%.4f"),
          new SeedMetric("loss_oscillation", "oscillation", r -> r.curve().oscillation(), "%.3g"),
          new SeedMetric(
              "plateau_epoch", "loss plateau epoch", r -> r.curve().plateauEpoch(), "%.1f"),
          new SeedMetric("late_gain", "late-stage gain", r -> r.curve().lateGain(), "%.4f"),
          new SeedMetric("spikes", "loss spikes", r -> r.curve().spikes(), "%.1f"));

  /** The last sharpness estimate, a metric only of studies that estimate it. */
  static final SeedMetric SHARPNESS =
      new SeedMetric("sharpness_last", "last sharpness", RunRecord::sharpnessLast, "%.4g");

  /** The metrics report.md tabulates; stats_depth.csv and stats_pairs.csv hold them all. */
  static final List<String> HEADLINE = List.of("test_acc", "train_loss", "grad_norm_mean");

  /** {@link #ALL}, then {@link #SHARPNESS} when some run of {@code byDepth} estimated it. */
  static List<SeedMetric> of(List<List<RunRecord>> byDepth) {
    boolean sharpness = byDepth.stream().flatMap(List::stream).anyMatch(RunRecord::hasSharpness);
    if (!sharpness) {
      return ALL;
    }
    List<SeedMetric> all = new ArrayList<>(ALL);
    all.add(SHARPNESS);
    return List.copyOf(all);
  }

  /** {@link #HEADLINE}, then {@code sharpness_last} when {@code metrics} holds it. */
  static List<String> headline(List<MetricStats> metrics) {
    boolean sharpness =
        metrics.stream().anyMatch(m -> m.metric().column().equals(SHARPNESS.column()));
    return sharpness
        ? List.of("test_acc", "train_loss", "grad_norm_mean", SHARPNESS.column())
        : HEADLINE;
  }

  static SeedMetric named(String column) {
    return ALL.stream().filter(m -> m.column.equals(column)).findFirst().orElseThrow();
  }

  /** The finite values of the ok runs among {@code runs}, in their order. */
  double[] values(List<RunRecord> runs) {
    return ReportMarkdown.okOnly(runs).stream()
        .mapToDouble(value)
        .filter(Double::isFinite)
        .toArray();
  }
}
