package dev.depthlab.config;

import dev.depthlab.model.OutputGradient;
import dev.depthlab.model.Reduction;

/**
 * Mini-batch SGD settings. Exactly one of {@code batchSize} (> 0) and {@code batchFraction} (in (0,
 * 1], of the training set, rounded to at least one sample) is in use; the other is 0.
 */
public record TrainingConfig(
    int epochs,
    int batchSize,
    double batchFraction,
    double lr,
    Reduction reduction,
    double clipEps,
    OutputGradient outputGradient) {

  /** The batch size for a training set of {@code nTrain} points. */
  public int batchFor(int nTrain) {
    if (batchSize > 0) {
      return Math.min(batchSize, nTrain);
    }
    return Math.max(1, (int) Math.round(batchFraction * nTrain));
  }
}
