package dev.depthlab.backend.cuda;

/**
 * A strided view of a device buffer: replica r's block starts {@code r * stride} elements after
 * {@code base} (a device address). What kernel calls and GEMMs take for every per-replica buffer.
 */
record Strided(long base, long stride) {}
