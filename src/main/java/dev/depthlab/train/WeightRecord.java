package dev.depthlab.train;

/**
 * The traced layer of one run after one step ({@code diagnostics.step_weights}): {@code step}
 * counts the run's steps from 1 (0: the initial parameters, epoch 0), {@code epochStep} is the
 * step's number within its epoch as in steps.csv; {@code values} holds the layer's weights
 * (row-major [fanIn x fanOut]) then its biases.
 */
public record WeightRecord(long step, int epoch, int epochStep, double[] values) {}
