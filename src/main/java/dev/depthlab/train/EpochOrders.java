package dev.depthlab.train;

import dev.depthlab.common.Rng;
import dev.depthlab.config.Sampling;

/**
 * Draws one run's sample order for each epoch from its shuffle stream ({@code Seeds.SHUFFLE}). An
 * epoch of n samples in batches of B takes ceil(n / B) steps; step k uses the order's slice {@code
 * [k B, min((k + 1) B, n))}, whatever the sampling, so the order always has n entries.
 *
 * <ul>
 *   <li>{@link Sampling#EPOCH_SHUFFLE}: the order is a fresh permutation of 0 .. n-1.
 *   <li>{@link Sampling#RANDOM_BATCHES}: the nn_scratch loop ({@code scripts/train.py} lines 33-47:
 *       {@code for start_idx in range(0, len(X_train), batch_size)}, then {@code perm =
 *       torch.randperm(len(X_train)); X_train = X_train[perm]} and the batch {@code
 *       X_train[start_idx:end_idx]}): before every step the run's arrangement of the training set
 *       is shuffled again (the shuffles compound, as the seed's in-place reassignment does) and the
 *       step's slice of the order is the arrangement's slice at the step's position. A batch holds
 *       B distinct samples; batches are independent of each other.
 * </ul>
 */
final class EpochOrders {
  private final Sampling sampling;
  private final Rng rng;
  private final int batch;

  /** The training set as the seed's loop has rearranged it so far (random batches only). */
  private final int[] arrangement;

  EpochOrders(Sampling sampling, Rng shuffle, int n, int batch) {
    this.sampling = sampling;
    this.rng = shuffle;
    this.batch = batch;
    this.arrangement = new int[n];
    for (int i = 0; i < n; i++) {
      arrangement[i] = i;
    }
  }

  /** Fills {@code order} (length n) with the next epoch's sample order. */
  void next(int[] order) {
    int n = arrangement.length;
    if (sampling == Sampling.EPOCH_SHUFFLE) {
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      rng.shuffle(order);
      return;
    }
    for (int offset = 0; offset < n; offset += batch) {
      rng.shuffle(arrangement);
      System.arraycopy(arrangement, offset, order, offset, Math.min(batch, n - offset));
    }
  }
}
