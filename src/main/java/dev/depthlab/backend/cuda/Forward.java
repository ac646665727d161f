package dev.depthlab.backend.cuda;

/**
 * The forward pass over a network's layers, written once for training batches ({@link
 * LayeredStep}), evaluations ({@link Evaluator}) and predictions ({@link Predictor}): for each
 * layer l, the GEMM {@code Z = A W} of all replicas (skipped for an empty set), then what follows
 * it ({@link After}: a hidden layer's bias and activation, or the output layer's kernels).
 */
final class Forward {
  /** Where a pass reads and writes. */
  interface Views {
    /** Layer l's input (layer 0: the data), {@code rows x sizes[l]} per replica. */
    Strided input(int l);

    /** Layer l's pre-activation, {@code rows x sizes[l + 1]} per replica. */
    Strided z(int l);

    /** Layer l's weights of the first replica of the pass (replicas at fanIn * fanOut apart). */
    long weights(int l);
  }

  /** What follows layer l's GEMM; {@code top}: l is the output layer. */
  interface After {
    void layer(int l, boolean top);
  }

  private Forward() {}

  /**
   * The pass over {@code rows} rows of {@code replicas} replicas of a net of layer sizes {@code
   * sizes}.
   */
  static void run(
      CudaKernelCalls calls, int[] sizes, int rows, int replicas, Views views, After after) {
    int layers = sizes.length - 1;
    for (int l = 0; l < layers; l++) {
      if (rows > 0) {
        calls.forward(
            views.weights(l), views.input(l), views.z(l), rows, sizes[l], sizes[l + 1], replicas);
      }
      after.layer(l, l == layers - 1);
    }
  }
}
