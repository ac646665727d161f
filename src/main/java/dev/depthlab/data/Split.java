package dev.depthlab.data;

/** A run's training and test sets. */
public record Split(DataSet train, DataSet test) {}
