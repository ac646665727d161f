package dev.depthlab.train;

/** One SGD step of one run: its batch's mean loss and global weight-gradient norm. */
public record StepRecord(int epoch, int step, double loss, double gradNorm) {}
