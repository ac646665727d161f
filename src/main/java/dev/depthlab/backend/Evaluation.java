package dev.depthlab.backend;

/**
 * A full pass over each replica's data: mean loss and accuracy (threshold 0.5) on the train and
 * test sets, and {@code deadFraction[r][h]}, the fraction of hidden layer h's units that are
 * inactive on every training sample (see {@link dev.depthlab.model.Activation#inactive}).
 */
public record Evaluation(
    double[] trainLoss,
    double[] trainAccuracy,
    double[] testLoss,
    double[] testAccuracy,
    double[][] deadFraction) {}
