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

  /**
   * The step log of {@code steps} steps read from rows of this layout: replica r's step s at row
   * {@code r * rowsPerReplica + s} of {@code all} from element {@code from}; the batch accuracy
   * kept only with {@code stepAccuracy} (NaN otherwise, as on the CPU), the traced layer's records
   * as given.
   */
  static dev.depthlab.backend.StepLog read(
      double[] all,
      int from,
      int rowsPerReplica,
      int replicas,
      int steps,
      int layers,
      boolean stepAccuracy,
      int[] traced,
      double[] records) {
    int width = width(layers);
    double[] loss = new double[replicas * steps];
    double[] gradSq = new double[replicas * steps * layers];
    double[] accuracy = new double[replicas * steps];
    for (int r = 0; r < replicas; r++) {
      for (int s = 0; s < steps; s++) {
        int src = from + (r * rowsPerReplica + s) * width;
        loss[r * steps + s] = all[src + LOSS];
        System.arraycopy(all, src + gradSq(0), gradSq, (r * steps + s) * layers, layers);
        // computed on the device in any case (step_sums: free); reported as asked, as on the CPU
        accuracy[r * steps + s] = stepAccuracy ? all[src + accuracy(layers)] : Double.NaN;
      }
    }
    return new dev.depthlab.backend.StepLog(
        replicas, steps, layers, loss, gradSq, accuracy, traced, records);
  }
}
