package dev.depthlab.config;

import dev.depthlab.model.OutputGradient;
import dev.depthlab.model.Reduction;

/**
 * Mini-batch SGD settings. Exactly one of {@code batchSize} (> 0) and {@code batchFraction} (in (0,
 * 1], of the training set, floored, at least one sample) is in use; the other is 0. {@code
 * sampling} says how each step's batch is drawn, {@code outputGradient} which rule gives the output
 * layer's gradient. {@code gradNormLimit} is the health bound: a run with a step's gradient norm
 * above it is {@code exploded} ({@code training.health.grad_norm_limit}). {@code fullBatch} ({@code
 * training.full_batch}): gradient descent, every step the whole training set in index order (then
 * batchSize is 0 and batchFraction 1).
 */
public record TrainingConfig(
    int epochs,
    int batchSize,
    double batchFraction,
    double lr,
    Reduction reduction,
    double clipEps,
    Sampling sampling,
    OutputGradient outputGradient,
    double gradNormLimit,
    boolean fullBatch) {

  /** Mini-batch settings ({@code fullBatch} false). */
  public TrainingConfig(
      int epochs,
      int batchSize,
      double batchFraction,
      double lr,
      Reduction reduction,
      double clipEps,
      Sampling sampling,
      OutputGradient outputGradient,
      double gradNormLimit) {
    this(
        epochs,
        batchSize,
        batchFraction,
        lr,
        reduction,
        clipEps,
        sampling,
        outputGradient,
        gradNormLimit,
        false);
  }

  /** The default {@code training.health.grad_norm_limit}: far above any healthy run's norms. */
  public static final double DEFAULT_GRAD_NORM_LIMIT = 1e6;

  /** The settings with the default health bound ({@link #DEFAULT_GRAD_NORM_LIMIT}). */
  public TrainingConfig(
      int epochs,
      int batchSize,
      double batchFraction,
      double lr,
      Reduction reduction,
      double clipEps,
      Sampling sampling,
      OutputGradient outputGradient) {
    this(
        epochs,
        batchSize,
        batchFraction,
        lr,
        reduction,
        clipEps,
        sampling,
        outputGradient,
        DEFAULT_GRAD_NORM_LIMIT);
  }

  /**
   * The settings with the default sampling ({@link Sampling#EPOCH_SHUFFLE}) and output gradient
   * ({@link OutputGradient#FUSED}).
   */
  public TrainingConfig(
      int epochs,
      int batchSize,
      double batchFraction,
      double lr,
      Reduction reduction,
      double clipEps) {
    this(
        epochs,
        batchSize,
        batchFraction,
        lr,
        reduction,
        clipEps,
        Sampling.EPOCH_SHUFFLE,
        OutputGradient.FUSED);
  }

  /** The same settings over {@code n} epochs. */
  public TrainingConfig withEpochs(int n) {
    return new TrainingConfig(
        n,
        batchSize,
        batchFraction,
        lr,
        reduction,
        clipEps,
        sampling,
        outputGradient,
        gradNormLimit,
        fullBatch);
  }

  /**
   * The batch size for a training set of {@code nTrain} points. A fraction is floored, as the
   * nn_scratch seed's {@code int(len(X_train) * batch_perc)} does (480 * 0.084 = 40.32 gives 40).
   */
  public int batchFor(int nTrain) {
    if (fullBatch) {
      return nTrain;
    }
    if (batchSize > 0) {
      return Math.min(batchSize, nTrain);
    }
    return Math.max(1, (int) Math.floor(batchFraction * nTrain));
  }
}
