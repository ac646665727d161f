package dev.depthlab.model;

import java.util.Locale;

/**
 * How per-sample gradients combine over a batch: {@code SUM} (the nn-depth-study seed: no 1/B) or
 * {@code MEAN}. The reported batch loss is always the mean per-sample loss.
 */
public enum Reduction {
  SUM,
  MEAN;

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }
}
