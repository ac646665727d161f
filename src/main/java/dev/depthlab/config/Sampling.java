package dev.depthlab.config;

import java.util.Locale;

/**
 * How an epoch's steps draw their samples. Both give an epoch ceil(n / B) steps with the same batch
 * sizes (the last one holds the rest); they differ in which samples a step sees.
 */
public enum Sampling {
  /**
   * The training set is shuffled once per epoch and cut into consecutive batches: every sample once
   * per epoch (the nn-depth-study seed; the default).
   */
  EPOCH_SHUFFLE,
  /**
   * Before every step the whole training set is reshuffled and the step takes the slice at its
   * position, {@code [offset, offset + B)}: each batch is B distinct samples drawn afresh, so
   * within an epoch a sample may come twice or not at all (the nn_scratch seed's loop).
   */
  RANDOM_BATCHES;

  /** The name used in configs: {@code epoch_shuffle}, {@code random_batches}. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }
}
