package dev.depthlab.backend.cuda;

/**
 * The layout of the step-diagnostics row the kernels write for each replica and step (train.cu's
 * {@code step_sums}, fused.cu's epoch loop) and the host reads once an epoch: the batch's mean
 * loss, then each weight layer's squared weight-gradient norm (layer 0 first), then the batch
 * accuracy. Defined here once; {@code DiagRowKernelsTest} reads the kernels' sources and holds
 * their indices to it.
 */
final class DiagRow {
  private DiagRow() {}

  /** The column of the batch's mean per-sample loss. */
  static final int LOSS = 0;

  /** The column of weight layer {@code layer}'s squared gradient norm (0-based layer). */
  static int gradSq(int layer) {
    return 1 + layer;
  }

  /** The column of the batch accuracy in a network of {@code layers} weight layers. */
  static int accuracy(int layers) {
    return 1 + layers;
  }

  /** The row's width for {@code layers} weight layers. */
  static int width(int layers) {
    return layers + 2;
  }
}
