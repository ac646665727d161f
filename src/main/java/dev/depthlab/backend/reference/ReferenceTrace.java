package dev.depthlab.backend.reference;

import dev.depthlab.backend.ReplicaSetup;
import dev.depthlab.model.NetworkSpec;

/**
 * The reference network's own per-layer numbers for one training sample at a time: every weight
 * layer's pre-activations {@code z[l]} and the batch objective's gradient with respect to them,
 * {@code dz[l]}, from the very forward and backward passes that train it ({@link ReferenceNet}).
 * For analyses of a network's signal (package {@code signal}), which read them instead of repeating
 * the passes.
 */
public final class ReferenceTrace {
  private final ReferenceNet net;

  /** The network {@code spec} with {@code setup}'s initial parameters (copied) and training set. */
  public ReferenceTrace(NetworkSpec spec, ReplicaSetup setup) {
    this.net = new ReferenceNet(spec, setup);
  }

  /**
   * Runs training sample {@code n} forward and back as one sample of a batch of {@code count} (the
   * count scales the output gradient under a MEAN reduction, as a training step does).
   */
  public void sample(int n, int count) {
    net.trace(n, count);
  }

  /** Weight layer l's pre-activations of the last sample (the network's array: read, not keep). */
  public double[] z(int l) {
    return net.z(l);
  }

  /** The batch objective's gradient with respect to {@link #z}(l), last sample (not a copy). */
  public double[] dz(int l) {
    return net.dz(l);
  }
}
