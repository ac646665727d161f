package dev.depthlab.backend;

/**
 * Gradients of each replica's batch objective: {@code weights[r][l]} in the layout of {@link
 * dev.depthlab.model.Parameters}, {@code biases[r][l]}, and {@code loss[r]} the batch's mean
 * per-sample loss.
 */
public record Gradients(double[][][] weights, double[][][] biases, double[] loss) {}
