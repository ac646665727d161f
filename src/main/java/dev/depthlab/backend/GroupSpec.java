package dev.depthlab.backend;

import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.Precision;

/**
 * What every replica of a group shares: the architecture and loss, the precision, the largest batch
 * a step will use, and the most steps an epoch will take (so a backend can size its per-step
 * diagnostic buffers once). What a step records beyond its loss and gradient norms: with {@code
 * stepAccuracy} its batch accuracy ({@link StepLog#accuracy}; NaN without), and when {@code
 * traceLayer >= 0} the weights and biases of that weight layer (0-based) after every {@code
 * traceEvery}-th step the group takes (counted over the group's life, from 1), for {@link
 * StepLog#traced}.
 */
public record GroupSpec(
    NetworkSpec net,
    Precision precision,
    int maxBatch,
    int maxStepsPerEpoch,
    boolean stepAccuracy,
    int traceLayer,
    int traceEvery) {
  public GroupSpec {
    if (maxBatch < 1 || maxStepsPerEpoch < 1) {
      throw new IllegalArgumentException("maxBatch and maxStepsPerEpoch must be positive");
    }
    if (traceLayer < -1 || traceLayer >= net.layers() || (traceLayer >= 0 && traceEvery < 1)) {
      throw new IllegalArgumentException(
          "trace layer " + traceLayer + " every " + traceEvery + " outside " + net);
    }
  }

  /** A group whose steps record loss and gradient norms only. */
  public GroupSpec(NetworkSpec net, Precision precision, int maxBatch, int maxStepsPerEpoch) {
    this(net, precision, maxBatch, maxStepsPerEpoch, false, -1, 0);
  }

  /** Parameters of the traced layer per record: its weights, then its biases (0 when none). */
  public int traceSize() {
    return traceLayer < 0 ? 0 : (net.fanIn(traceLayer) + 1) * net.fanOut(traceLayer);
  }

  /**
   * The most records one epoch can hold: an epoch's steps are at most maxStepsPerEpoch consecutive
   * step numbers, which hold at most ceil(maxStepsPerEpoch / traceEvery) multiples of traceEvery.
   */
  public int traceSlots() {
    return traceLayer < 0 ? 0 : (maxStepsPerEpoch + traceEvery - 1) / traceEvery;
  }
}
