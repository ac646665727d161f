package dev.depthlab.common;

/**
 * Derives the independent random streams of one run from its seed. Each stream is a separate {@link
 * Rng} seeded with {@code mix(mix(runSeed) + streamId)}, so changing how many numbers one stream
 * draws never shifts another. The host draws every random number; backends see none.
 */
public enum Seeds {
  /** The training set's points and labels (and label noise). */
  TRAIN_DATA(1),
  /** The test set, when it is drawn separately; its run seed is {@code seed + seed_offset}. */
  TEST_DATA(2),
  /** Initial weights and biases. */
  INIT(3),
  /** The per-epoch shuffle of the training set. */
  SHUFFLE(4);

  private final long id;

  Seeds(long id) {
    this.id = id;
  }

  /** The seed of this stream for a run seed. */
  public long seedFor(long runSeed) {
    return Rng.mix(Rng.mix(runSeed) + id);
  }

  /** A fresh generator of this stream for a run seed. */
  public Rng rng(long runSeed) {
    return new Rng(seedFor(runSeed));
  }
}
