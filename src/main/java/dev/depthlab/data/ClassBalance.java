package dev.depthlab.data;

import java.util.Locale;

/**
 * How a data set's labels divide between the classes, with a warning flag: the nn_scratch seed
 * found that a strongly imbalanced set lets a model score well by predicting one class.
 */
public record ClassBalance(int n, int positives) {
  /** Minority share below which a set is flagged as imbalanced. */
  public static final double MINORITY_WARNING = 0.30;

  public ClassBalance {
    if (n < 0 || positives < 0 || positives > n) {
      throw new IllegalArgumentException("bad counts: n " + n + ", positives " + positives);
    }
  }

  public static ClassBalance of(DataSet data) {
    return new ClassBalance(data.size(), data.positives());
  }

  public int negatives() {
    return n - positives;
  }

  /** Share of label 1; 0 for an empty set. */
  public double positiveFraction() {
    return n == 0 ? 0.0 : (double) positives / n;
  }

  /** Share of the smaller class. */
  public double minorityFraction() {
    return Math.min(positiveFraction(), 1.0 - positiveFraction());
  }

  /** True when the smaller class holds less than {@link #MINORITY_WARNING} of the points. */
  public boolean imbalanced() {
    return n > 0 && minorityFraction() < MINORITY_WARNING;
  }

  /** One line for people, e.g. "2000 points: 392 positive (19.6%), 1608 negative; ...". */
  public String describe() {
    String line =
        String.format(
            Locale.ROOT,
            "%d points: %d positive (%.1f%%), %d negative",
            n,
            positives,
            100.0 * positiveFraction(),
            negatives());
    if (imbalanced()) {
      line +=
          String.format(
              Locale.ROOT,
              "; imbalanced: minority class %.1f%% < %.0f%%,"
                  + " a model may learn to predict one class",
              100.0 * minorityFraction(),
              100.0 * MINORITY_WARNING);
    }
    return line;
  }
}
