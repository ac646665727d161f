package dev.depthlab.config;

import java.util.List;

/**
 * Settings of the CUDA backend that change how it runs, never what it computes: {@code graphs}
 * ({@code auto}, {@code on}, {@code off}) runs each epoch's per-layer calls as one captured CUDA
 * graph (docs/gpu.md). Not part of the protocol hash, like {@code backend}.
 */
public record CudaConfig(String graphs) {
  /** The values {@code cuda.graphs} accepts. */
  public static final List<String> GRAPHS = List.of("auto", "on", "off");

  /** Graphs wherever the device supports them. */
  public static final CudaConfig DEFAULT = new CudaConfig("auto");

  public CudaConfig {
    if (!GRAPHS.contains(graphs)) {
      throw new IllegalArgumentException("cuda.graphs must be auto, on or off, got " + graphs);
    }
  }
}
