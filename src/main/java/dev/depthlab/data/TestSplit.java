package dev.depthlab.data;

/**
 * How a run's test set is made: either drawn separately, {@code n} points from run seed + {@code
 * seedOffset} (the nn-depth-study way; {@code fraction == 0}), or split off the drawn set, the last
 * {@code fraction} of it (the nn_scratch way; {@code n == 0}).
 */
public record TestSplit(int n, long seedOffset, double fraction) {
  public static TestSplit drawn(int n, long seedOffset) {
    return new TestSplit(n, seedOffset, 0.0);
  }

  public static TestSplit split(double fraction) {
    return new TestSplit(0, 0, fraction);
  }

  public boolean isSplit() {
    return fraction > 0;
  }
}
