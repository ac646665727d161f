package dev.depthlab.report;

import dev.depthlab.stats.Margin;
import dev.depthlab.train.RunSchema.Summary;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * A per-depth metric the statistics over seeds cover: its summary.csv column, the words the report
 * uses for it, a run's value, the number format of the tables and its equivalence margin (a change
 * inside +-margin counts as none; docs/metrics.md lists them, {@code MarginsDocTest} holds it to
 * this table).
 */
record SeedMetric(
    String column, String label, ToDoubleFunction<RunRecord> value, String format, Margin margin) {

  private static final Margin POINT = Margin.absolute(0.01);
  private static final Margin TENTH = Margin.relative(0.10);
  private static final Margin SHARE = Margin.absolute(0.02);

  /** Every per-run number of the report's tables (the dead fractions, per layer, are not). */
  static final List<SeedMetric> ALL =
      List.of(
          new SeedMetric(
              Summary.TRAIN_ACC.key(), "train accuracy", RunRecord::trainAcc, "%.4f", POINT),
          new SeedMetric(
              Summary.TEST_ACC.key(), "test accuracy", RunRecord::testAcc, "%.4f", POINT),
          new SeedMetric(
              Summary.TRAIN_LOSS.key(), "train loss", RunRecord::trainLoss, "%.4g", TENTH),
          new SeedMetric(Summary.TEST_LOSS.key(), "test loss", RunRecord::testLoss, "%.4g", TENTH),
          new SeedMetric(
              Summary.GRAD_NORM_MEAN.key(),
              "gradient-norm mean",
              RunRecord::gradNormMean,
              "%.4g",
              TENTH),
          new SeedMetric(
              Summary.GRAD_NORM_STD.key(),
              "gradient-norm std",
              RunRecord::gradNormStd,
              "%.4g",
              TENTH),
          new SeedMetric(
              Summary.GRAD_NORM_CV.key(), "gradient-norm CV", RunRecord::gradNormCv, "%.4f", TENTH),
          new SeedMetric(
              Summary.LOSS_FIRST.key(), "first-epoch loss", r -> r.curve().first(), "%.4f", TENTH),
          new SeedMetric(
              Summary.LOSS_LAST.key(), "last-epoch loss", r -> r.curve().last(), "%.4f", TENTH),
          new SeedMetric(
              Summary.LOSS_TREND.key(), "loss trend", r -> r.curve().trend(), "%.4f", SHARE),
          new SeedMetric(
              Summary.LOSS_OSCILLATION.key(),
              "oscillation",
              r -> r.curve().oscillation(),
              "%.3g",
              TENTH),
          new SeedMetric(
              Summary.PLATEAU_EPOCH.key(),
              "loss plateau epoch",
              r -> r.curve().plateauEpoch(),
              "%.1f",
              TENTH),
          new SeedMetric(
              Summary.LATE_GAIN.key(), "late-stage gain", r -> r.curve().lateGain(), "%.4f", SHARE),
          new SeedMetric(
              Summary.SPIKES.key(),
              "loss spikes",
              r -> r.curve().spikes(),
              "%.1f",
              Margin.absolute(1)));

  /** The last sharpness estimate, a metric only of studies that estimate it. */
  static final SeedMetric SHARPNESS =
      new SeedMetric(
          Summary.SHARPNESS_LAST.key(), "last sharpness", RunRecord::sharpnessLast, "%.4g", TENTH);

  /** The metrics report.md tabulates; stats_depth.csv and stats_pairs.csv hold them all. */
  static final List<String> HEADLINE =
      List.of(Summary.TEST_ACC.key(), Summary.TRAIN_LOSS.key(), Summary.GRAD_NORM_MEAN.key());

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
        ? List.of(
            Summary.TEST_ACC.key(),
            Summary.TRAIN_LOSS.key(),
            Summary.GRAD_NORM_MEAN.key(),
            SHARPNESS.column())
        : HEADLINE;
  }

  static SeedMetric named(String column) {
    return ALL.stream().filter(m -> m.column.equals(column)).findFirst().orElseThrow();
  }

  /**
   * This metric by seed: one entry per seed of {@code seeds}, the value of that seed's ok run in
   * {@code runs}, NaN where the seed has no ok run or a non-finite value.
   */
  double[] bySeed(List<RunRecord> runs, List<Long> seeds) {
    double[] v = new double[seeds.size()];
    java.util.Arrays.fill(v, Double.NaN);
    for (RunRecord r : ReportMarkdown.okOnly(runs)) {
      int i = seeds.indexOf(r.seed());
      double x = value.applyAsDouble(r);
      if (i >= 0 && Double.isFinite(x)) {
        v[i] = x;
      }
    }
    return v;
  }

  /** The finite values of the ok runs among {@code runs}, in their order. */
  double[] values(List<RunRecord> runs) {
    return ReportMarkdown.okOnly(runs).stream()
        .mapToDouble(value)
        .filter(Double::isFinite)
        .toArray();
  }
}
