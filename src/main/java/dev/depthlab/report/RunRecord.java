package dev.depthlab.report;

import dev.depthlab.train.RunSummary;

/**
 * What the report knows of one finished run, read back from its folder (run.json and epochs.csv):
 * the run's identity, its summary, its loss-curve metrics, its per-epoch mean gradient norm ({@code
 * epochGradNorm[e - 1]} for epoch e: the series any window's gradient statistics come from) and the
 * per-epoch series the figures draw, and its sharpness estimates ({@code epochSharpness[e - 1]},
 * NaN on epochs without one; empty when the run estimated none) with the batch sharpness of the
 * same epochs ({@code epochBatchSharpness}, the same length), and the epoch its status first showed
 * ({@code statusEpoch}, 0 for ok runs and runs recorded before the field existed).
 */
public record RunRecord(
    String dataset,
    int depth,
    long seed,
    String configHash,
    String backend,
    String precision,
    String status,
    int epochs,
    double trainAcc,
    double testAcc,
    double trainLoss,
    double testLoss,
    double gradNormMean,
    double gradNormStd,
    double gradNormCv,
    double[] deadFraction,
    double wallSeconds,
    CurveMetrics curve,
    double[] epochGradNorm,
    RunCurves curves,
    double[] epochSharpness,
    double[] epochBatchSharpness,
    int statusEpoch) {

  /** Whether the run estimated its sharpness (diagnostics.sharpness on). */
  public boolean hasSharpness() {
    return epochSharpness.length > 0;
  }

  /** The last sharpness estimate that is a number, NaN when there is none. */
  public double sharpnessLast() {
    for (int e = epochSharpness.length - 1; e >= 0; e--) {
      if (!Double.isNaN(epochSharpness[e])) {
        return epochSharpness[e];
      }
    }
    return Double.NaN;
  }

  /**
   * Whether the run's numbers enter the means: every finished run but a diverged one. Exploded and
   * collapsed runs are flags on finite numbers (a deep network that collapses is a result of a
   * depth study), counted apart in the report but kept in its means, as before they were flagged.
   */
  public boolean ok() {
    return !RunSummary.DIVERGED.equals(status);
  }
}
