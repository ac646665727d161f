package dev.depthlab.config;

/**
 * How often the full diagnostic pass runs (every {@code every} epochs, and always after the last
 * epoch) and whether per-step loss and gradient norm go to steps.csv.
 */
public record DiagnosticsConfig(int every, boolean steps) {}
