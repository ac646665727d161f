package dev.depthlab.train;

import java.util.List;

/**
 * The headline numbers of a finished run: final full-pass losses and accuracies, and the gradient
 * statistics over the epochs of {@code diagnostics.grad_stats} (every epoch by default): the mean,
 * std and coefficient of variation std/mean of the per-epoch mean gradient norm. {@code status} is
 * the run's health ({@link #STATUSES}), {@code statusEpoch} the first epoch it showed (0 for {@code
 * ok}).
 */
public record RunSummary(
    String status,
    double trainAccuracy,
    double testAccuracy,
    double trainLoss,
    double testLoss,
    GradNormStats gradNorm,
    double[] finalDeadFraction,
    int statusEpoch) {

  /** A run whose numbers stayed finite and healthy. */
  public static final String OK = "ok";

  /** A run whose loss, gradients or parameters became NaN or infinite. */
  public static final String DIVERGED = "diverged";

  /** A run with a step's gradient norm above {@code training.health.grad_norm_limit}. */
  public static final String EXPLODED = "exploded";

  /**
   * A run with a hidden layer dead on every training sample, or one predicted class for the whole
   * training set, at an evaluation.
   */
  public static final String COLLAPSED = "collapsed";

  /**
   * A run that did not finish: its backend failed (run.json carries the reason); a rerun retries.
   */
  public static final String FAILED = "failed";

  /** The statuses of a finished run, mildest first: a run gets the most severe it showed. */
  public static final List<String> STATUSES = List.of(OK, COLLAPSED, EXPLODED, DIVERGED);

  /** Without a status epoch (an {@code ok} run). */
  public RunSummary(
      String status,
      double trainAccuracy,
      double testAccuracy,
      double trainLoss,
      double testLoss,
      GradNormStats gradNorm,
      double[] finalDeadFraction) {
    this(status, trainAccuracy, testAccuracy, trainLoss, testLoss, gradNorm, finalDeadFraction, 0);
  }

  /** Whether {@code status} marks a finished run (every status but {@code failed}). */
  public static boolean isFinal(String status) {
    return STATUSES.contains(status);
  }

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
