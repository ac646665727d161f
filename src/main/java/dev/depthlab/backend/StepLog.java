package dev.depthlab.backend;

/**
 * Per-step diagnostics of one epoch for all replicas, as recorded by the backend. For replica r,
 * step s (0-based within the epoch) and weight layer l: {@code loss[r * steps + s]} is the step's
 * mean per-sample loss before the update, and {@code gradSq[(r * steps + s) * layers + l]} the
 * squared L2 norm of layer l's weight gradient (biases excluded).
 */
public record StepLog(int replicas, int steps, int layers, double[] loss, double[] gradSq) {
  public double loss(int r, int s) {
    return loss[r * steps + s];
  }

  public double gradSq(int r, int s, int l) {
    return gradSq[(r * steps + s) * layers + l];
  }

  /** The global weight-gradient norm of a step: sqrt of the sum over layers. */
  public double gradNorm(int r, int s) {
    double sum = 0;
    int base = (r * steps + s) * layers;
    for (int l = 0; l < layers; l++) {
      sum += gradSq[base + l];
    }
    return Math.sqrt(sum);
  }
}
