package dev.depthlab.report;

/**
 * A run's per-epoch series from its epochs.csv, for figures: {@code batchLoss[e - 1]} (the mean
 * batch loss of epoch e), {@code layerGradNorm[l][e - 1]} (the mean gradient norm of weight layer l
 * + 1, the output layer last) and {@code deadFraction[h][e - 1]} (hidden layer h + 1's dead
 * fraction; NaN on epochs without a diagnostic pass).
 */
public record RunCurves(double[] batchLoss, double[][] layerGradNorm, double[][] deadFraction) {}
