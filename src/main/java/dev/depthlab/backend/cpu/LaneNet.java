package dev.depthlab.backend.cpu;

import dev.depthlab.model.Parameters;

/**
 * One block of replicas in SIMD lanes, in one precision ({@link LaneNet64}, its float twin {@link
 * LaneNet32}): what {@link CpuGroup} asks of it.
 */
interface LaneNet {
  /** Lane {@code lane}'s parameters become {@code p} (rounded to this block's precision). */
  void load(int lane, Parameters p);

  /** Lane {@code lane}'s parameters into {@code out}. */
  void store(int lane, Parameters out);

  /**
   * One SGD step of every replica on its samples {@code orders[r][offset .. offset + count)}.
   * Replica r's mean loss goes to {@code loss[lossOff + r * lossStride]}, its squared
   * weight-gradient norm of layer l to {@code gradSq[gOff + r * gStride + l]}, as {@link
   * CpuNet#step} returns and writes them.
   */
  void step(
      int[][] orders,
      int offset,
      int count,
      double lr,
      double[] loss,
      int lossOff,
      int lossStride,
      double[] gradSq,
      int gOff,
      int gStride);

  /** The last step's batch accuracy of replica {@code lane}, as {@link CpuNet#batchAccuracy}. */
  double batchAccuracy(int lane, int count);
}
