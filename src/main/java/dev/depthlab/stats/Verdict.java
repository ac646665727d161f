package dev.depthlab.stats;

/** What a comparison of two depths concludes. */
public enum Verdict {
  /** The deciding test (paired t, Holm-adjusted) rejects "no difference". */
  DIFFERS("differs"),
  /**
   * Not "differs", and two one-sided tests (Holm-adjusted) place the difference inside +-margin.
   */
  EQUIVALENT("equivalent"),
  /** Neither: these seeds do not tell. */
  INCONCLUSIVE("inconclusive");

  private final String word;

  Verdict(String word) {
    this.word = word;
  }

  public String word() {
    return word;
  }
}
