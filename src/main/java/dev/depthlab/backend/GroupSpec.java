package dev.depthlab.backend;

import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.Precision;

/**
 * What every replica of a group shares: the architecture and loss, the precision, the largest batch
 * a step will use, and the most steps an epoch will take (so a backend can size its per-step
 * diagnostic buffers once).
 */
public record GroupSpec(NetworkSpec net, Precision precision, int maxBatch, int maxStepsPerEpoch) {
  public GroupSpec {
    if (maxBatch < 1 || maxStepsPerEpoch < 1) {
      throw new IllegalArgumentException("maxBatch and maxStepsPerEpoch must be positive");
    }
  }
}
