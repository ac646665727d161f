package dev.depthlab.backend;

/**
 * Per-step diagnostics of one epoch for all replicas, as recorded by the backend. For replica r,
 * step s (0-based within the epoch) and weight layer l: {@code loss[r * steps + s]} is the step's
 * mean per-sample loss before the update, {@code accuracy[r * steps + s]} the fraction of the batch
 * predicted right before the update (threshold 0.5, as the evaluation; NaN unless the group was
 * asked for it, {@link GroupSpec#stepAccuracy}), and {@code gradSq[(r * steps + s) * layers + l]}
 * the squared L2 norm of layer l's weight gradient (biases excluded).
 *
 * <p>When the group traces a layer ({@link GroupSpec#traceLayer}), {@code traced} lists the steps
 * (0-based within the epoch, ascending) after whose update the layer was recorded, and {@code
 * trace[(r * traced.length + k) * size ..]} holds replica r's k-th record: the layer's weights
 * (row-major [fanIn x fanOut]) then its biases, size = {@link GroupSpec#traceSize}.
 */
public record StepLog(
    int replicas,
    int steps,
    int layers,
    double[] loss,
    double[] gradSq,
    double[] accuracy,
    int[] traced,
    double[] trace) {
  public double loss(int r, int s) {
    return loss[r * steps + s];
  }

  public double accuracy(int r, int s) {
    return accuracy[r * steps + s];
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

  /** Replica r's k-th record of the traced layer (a copy). */
  public double[] traced(int r, int k) {
    int size = traced.length == 0 ? 0 : trace.length / (replicas * traced.length);
    int from = (r * traced.length + k) * size;
    return java.util.Arrays.copyOfRange(trace, from, from + size);
  }
}
