package dev.depthlab.train;

/**
 * One SGD step of one run: its batch's mean loss, global weight-gradient norm and accuracy (the
 * fraction of the batch predicted right at threshold 0.5, before the step's update).
 */
public record StepRecord(int epoch, int step, double loss, double gradNorm, double accuracy) {}
