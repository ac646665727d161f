package dev.depthlab.backend;

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
   * How many epochs one {@link #trainEpochs} call runs to advantage: a device that runs several
   * epochs in one launch says how many (more than 1); 1 when it gains nothing over the single epoch
   * calls.
   */
  default int epochsPerLaunch() {
    return 1;
  }

  /**
   * Trains {@code orders.length} epochs, {@code orders[e]} epoch e's orders as for {@link
   * #beginEpoch}, each in steps of {@code batch} samples (the last the rest) at rate {@code lr};
   * after epoch e, with {@code diagnose[e]}, evaluates and reads the parameters. Every result is
   * the bits of the single-epoch calls ({@link #beginEpoch}, {@link #step}, {@link #endEpoch},
   * {@link #evaluate}, {@link #allParameters}), which this default makes, epoch by epoch; a device
   * may run them all in one launch and read every result back in one copy.
   */
  default List<EpochRun> trainEpochs(int[][][] orders, int batch, double lr, boolean[] diagnose) {
    if (diagnose.length != orders.length) {
      throw new IllegalArgumentException(
          diagnose.length + " diagnose flags for " + orders.length + " epochs");
    }
    List<EpochRun> runs = new java.util.ArrayList<>(orders.length);
    for (int e = 0; e < orders.length; e++) {
      beginEpoch(orders[e]);
      int n = orders[e].length == 0 ? 0 : orders[e][0].length;
      for (int offset = 0; offset < n; offset += batch) {
        step(offset, Math.min(batch, n - offset), lr);
      }
      StepLog log = endEpoch();
      Evaluation eval = diagnose[e] ? evaluate() : null;
      runs.add(new EpochRun(log, eval, diagnose[e] ? allParameters() : null));
    }
    return runs;
  }

  /**
   * Gradients of the batch objective (per the spec's reduction) on training samples {@code
   * indices[r]} of each replica, without updating anything. The batch rule of every backend: one
   * index list per replica, all of the same length, between 1 and the group's max batch, each index
   * a training sample (see {@link #checkBatches}); anything else is an {@link
   * IllegalArgumentException}.
   */
  Gradients gradients(int[][] indices);

  /**
   * The product {@code H v} of each replica's batch-objective Hessian (per the spec's reduction, on
   * training samples {@code indices[r]}, at the current parameters) with direction {@code
   * v.get(r)}, shaped like the network, in the layout of {@link #gradients}; {@code loss[r]} is the
   * batch's mean loss. Exact, by Pearlmutter's R-operator: on the host in fp64 ({@link RPass}) at
   * the group's parameters (an fp32 group's, widened) for the reference and CPU backends, on the
   * device in the group's precision for CUDA (within rounding of RPass); the same batch rule as
   * {@link #gradients}. Nothing is updated.
   */
  default Gradients hessianTimes(int[][] indices, List<Parameters> v) {
    throw new UnsupportedOperationException(
        getClass().getSimpleName() + " offers no Hessian-vector products");
  }

  /** Loss, accuracy and dead units of every replica on its full train and test sets. */
  Evaluation evaluate();

  /**
   * The network's output (the sigmoid's probability of class 1) for each of the {@code
   * inputs.length / features} points of {@code inputs} (row-major, the data sets' feature count per
   * point), with replica {@code replica}'s current parameters, computed in the group's precision.
   * Any points: a grid over the input square for a decision boundary, a test set.
   */
  double[] predict(int replica, double[] inputs);

  /**
   * A copy of every replica's current parameters, in double, in replica order. On a device this is
   * one read of the group's parameter memory, whatever R and the depth.
   */
  List<Parameters> allParameters();

  /** A copy of replica r's current parameters, in double (via {@link #allParameters}). */
  default Parameters parameters(int replica) {
    List<Parameters> all = allParameters();
    if (replica < 0 || replica >= all.size()) {
      throw new IndexOutOfBoundsException("replica " + replica + " of " + all.size());
    }
    return all.get(replica);
  }

  /**
   * Replaces every replica's parameters with {@code all} (replica order, shaped like the group's
   * network), rounded to the group's precision; training and every later call continue from them.
   * For diagnostics that probe the loss around the current point (the sharpness estimate) and put
   * the parameters back: setting what {@link #allParameters} returned restores them bit for bit.
   */
  void setParameters(List<Parameters> all);

  /** Frees the group's resources; the group is unusable afterwards. */
  @Override
  void close();

  /**
   * Checks {@link #gradients}' batch rule; returns the common batch size. {@code nTrain[r]} is
   * replica r's training-set size.
   */
  static int checkBatches(int[][] indices, int maxBatch, int[] nTrain) {
    if (indices.length != nTrain.length) {
      throw new IllegalArgumentException(
          "indices for " + indices.length + " replicas, group has " + nTrain.length);
    }
    int count = indices[0].length;
    if (count < 1 || count > maxBatch) {
      throw new IllegalArgumentException("batch of " + count + " outside 1.." + maxBatch);
    }
    for (int r = 0; r < indices.length; r++) {
      if (indices[r].length != count) {
        throw new IllegalArgumentException(
            "replica "
                + r
                + " has a batch of "
                + indices[r].length
                + ", replica 0 of "
                + count
                + ": every replica's batch must have the same size");
      }
      for (int idx : indices[r]) {
        if (idx < 0 || idx >= nTrain[r]) {
          throw new IllegalArgumentException(
              "replica " + r + ": sample index " + idx + " outside [0, " + nTrain[r] + ")");
        }
      }
    }
    return count;
  }

  /**
   * Checks {@link #predict}'s arguments; returns the number of points. {@code replicas} is the
   * group's replica count, {@code features} the inputs per point.
   */
  static int checkPredict(int replica, double[] inputs, int replicas, int features) {
    if (replica < 0 || replica >= replicas) {
      throw new IndexOutOfBoundsException("replica " + replica + " of " + replicas);
    }
    if (inputs.length % features != 0) {
      throw new IllegalArgumentException(
          inputs.length
              + " input values are not a whole number of "
              + features
              + "-feature points");
    }
    return inputs.length / features;
  }
}
