package dev.depthlab.backend;

import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.Parameters;
import java.util.List;

/**
 * R replicas of one architecture that a backend trains in lockstep. Each replica has its own
 * parameters, data and sample order. The host decides every random number: it hands over the
 * epoch's sample order, and steps name slices of it, so every backend does identical work.
 *
 * <p>Within an epoch ({@link #beginEpoch} .. {@link #endEpoch}) a backend need not synchronise with
 * the host: {@link #step} only enqueues work, and the per-step diagnostics are read back once, by
 * {@code endEpoch}. The diagnostics of a diagnosed epoch are one call each: {@link #endEpoch},
 * {@link #evaluate}, {@link #allParameters}, each covering every replica, so a device backend
 * copies to and from the host a fixed number of times per epoch.
 */
public interface Group extends AutoCloseable {
  NetworkSpec net();

  int replicas();

  /**
   * Starts an epoch. {@code order[r]} lists replica r's training-sample indices in the order the
   * epoch visits them: a permutation, or any index list (random batches concatenate the epoch's
   * batches, in which a sample may come twice; tests use short lists).
   */
  void beginEpoch(int[][] order);

  /**
   * One SGD step on every replica over samples {@code order[r][offset .. offset + count)}: forward,
   * loss, backward, update, and the step's diagnostics into the epoch's log.
   */
  void step(int offset, int count, double lr);

  /** Ends the epoch and returns the per-step diagnostics recorded since {@link #beginEpoch}. */
  StepLog endEpoch();

  /**
   * Gradients of the batch objective (per the spec's reduction) on training samples {@code
   * indices[r]} of each replica, without updating anything.
   */
  Gradients gradients(int[][] indices);

  /** Loss, accuracy and dead units of every replica on its full train and test sets. */
  Evaluation evaluate();

  /**
   * A copy of every replica's current parameters, in double, in replica order. On a device this is
   * one read of the group's parameter memory, whatever R and the depth.
   */
  List<Parameters> allParameters();

  /**
   * A copy of replica r's current parameters, in double (on a device: via {@link #allParameters}).
   */
  default Parameters parameters(int replica) {
    if (replica < 0 || replica >= replicas()) {
      throw new IndexOutOfBoundsException("replica " + replica + " of " + replicas());
    }
    return allParameters().get(replica);
  }

  /** Replaces replica r's parameters (finite differences, tests). */
  void setParameters(int replica, Parameters p);

  /** Frees the group's resources; the group is unusable afterwards. */
  @Override
  void close();
}
