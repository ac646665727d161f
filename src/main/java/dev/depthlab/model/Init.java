package dev.depthlab.model;

import java.util.Locale;

/**
 * Weight initialisation schemes: zero-mean normals with a fan-based standard deviation (the named
 * schemes, constant biases), or the two parametrised by {@code sigma_w} and {@code sigma_b}.
 */
public enum Init {
  /** std = sqrt(2 / fan_in) (He et al., for ReLU). */
  HE_NORMAL,
  /** std = sqrt(2 / (fan_in + fan_out)) (Glorot and Bengio). */
  XAVIER_NORMAL,
  /** std = sqrt(1 / fan_in) (LeCun); also the nn_scratch scheme N(0,1)/sqrt(fan_in). */
  LECUN_NORMAL,
  /** Weights N(0, sigma_w^2 / fan_in), biases N(0, sigma_b^2) (Poole et al. 2016). */
  GAUSSIAN,
  /**
   * Weights sigma_w (the gain) times a random semi-orthogonal matrix, scaled so every weight has
   * mean square sigma_w^2 / fan_in as in {@link #GAUSSIAN}; biases N(0, sigma_b^2).
   */
  ORTHOGONAL;

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Whether the scheme reads {@code sigma_w} and {@code sigma_b} (and ignores the bias constant).
   */
  public boolean parametrised() {
    return this == GAUSSIAN || this == ORTHOGONAL;
  }

  /**
   * The root mean square of a layer's weights: the standard deviation of the normal schemes; {@code
   * sigmaW / sqrt(fan_in)} for the parametrised ones (which alone read {@code sigmaW}).
   */
  public double std(int fanIn, int fanOut, double sigmaW) {
    switch (this) {
      case HE_NORMAL:
        return Math.sqrt(2.0 / fanIn);
      case XAVIER_NORMAL:
        return Math.sqrt(2.0 / (fanIn + fanOut));
      case LECUN_NORMAL:
        return Math.sqrt(1.0 / fanIn);
      default:
        return sigmaW / Math.sqrt(fanIn);
    }
  }
}
