package dev.depthlab.train;

/**
 * The headline numbers of a finished run: final full-pass losses and accuracies, and the statistics
 * over epochs of the per-epoch mean gradient norm (the seed's gradient-norm mean, std and
 * coefficient of variation std/mean).
 */
public record RunSummary(
    String status,
    double trainAccuracy,
    double testAccuracy,
    double trainLoss,
    double testLoss,
    double gradNormMean,
    double gradNormStd,
    double gradNormCv,
    double[] finalDeadFraction) {

  /** A run whose losses stayed finite. */
  public static final String OK = "ok";

  /** A run whose loss or gradients became NaN or infinite. */
  public static final String DIVERGED = "diverged";
}
