package dev.depthlab.train;

/**
 * The headline numbers of a finished run: final full-pass losses and accuracies, and the gradient
 * statistics over the epochs of {@code diagnostics.grad_stats} (every epoch by default): the mean,
 * std and coefficient of variation std/mean of the per-epoch mean gradient norm.
 */
public record RunSummary(
    String status,
    double trainAccuracy,
    double testAccuracy,
    double trainLoss,
    double testLoss,
    GradNormStats gradNorm,
    double[] finalDeadFraction) {

  /** A run whose losses stayed finite. */
  public static final String OK = "ok";

  /** A run whose loss or gradients became NaN or infinite. */
  public static final String DIVERGED = "diverged";

  public double gradNormMean() {
    return gradNorm.mean();
  }

  public double gradNormStd() {
    return gradNorm.std();
  }

  public double gradNormCv() {
    return gradNorm.cv();
  }
}
