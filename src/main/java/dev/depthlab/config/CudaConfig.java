package dev.depthlab.config;

import java.util.List;

/**
 * Settings of the CUDA backend that change how it runs, not the protocol: {@code graphs} ({@code
 * auto}, {@code on}, {@code off}) runs each epoch's per-layer calls as one captured CUDA graph (the
 * same bits), and {@code kernel} ({@code auto}, {@code fused}, {@code layered}) picks the fused
 * small-network kernel or the per-layer path (the same sums up to rounding; docs/gpu.md). Not part
 * of the protocol hash, like {@code backend}.
 */
public record CudaConfig(String graphs, String kernel) {
  /** The values {@code cuda.graphs} accepts. */
  public static final List<String> GRAPHS = List.of("auto", "on", "off");

  /** The values {@code cuda.kernel} accepts. */
  public static final List<String> KERNELS = List.of("auto", "fused", "layered");

  /** Graphs wherever the device supports them; the fused kernel wherever the network fits it. */
  public static final CudaConfig DEFAULT = new CudaConfig("auto", "auto");

  public CudaConfig {
    if (!GRAPHS.contains(graphs)) {
      throw new IllegalArgumentException("cuda.graphs must be auto, on or off, got " + graphs);
    }
    if (!KERNELS.contains(kernel)) {
      throw new IllegalArgumentException(
          "cuda.kernel must be auto, fused or layered, got " + kernel);
    }
  }

  /** With the kernel path chosen automatically. */
  public CudaConfig(String graphs) {
    this(graphs, "auto");
  }
}
