package dev.depthlab.report;

/**
 * What the report knows of one finished run, read back from its folder (run.json and epochs.csv):
 * the run's identity, its summary, its loss-curve metrics, its per-epoch mean gradient norm ({@code
 * epochGradNorm[e - 1]} for epoch e: the series any window's gradient statistics come from) and the
 * per-epoch series the figures draw.
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
    RunCurves curves) {

  public boolean ok() {
    return "ok".equals(status);
  }
}
