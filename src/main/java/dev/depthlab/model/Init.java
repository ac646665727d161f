package dev.depthlab.model;

import java.util.Locale;

/** Weight initialisation schemes: zero-mean normals with a fan-based standard deviation. */
public enum Init {
  /** std = sqrt(2 / fan_in) (He et al., for ReLU). */
  HE_NORMAL,
  /** std = sqrt(2 / (fan_in + fan_out)) (Glorot and Bengio). */
  XAVIER_NORMAL,
  /** std = sqrt(1 / fan_in) (LeCun); also the nn_scratch scheme N(0,1)/sqrt(fan_in). */
  LECUN_NORMAL;

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The standard deviation of a layer's weights. */
  public double std(int fanIn, int fanOut) {
    switch (this) {
      case HE_NORMAL:
        return Math.sqrt(2.0 / fanIn);
      case XAVIER_NORMAL:
        return Math.sqrt(2.0 / (fanIn + fanOut));
      default:
        return Math.sqrt(1.0 / fanIn);
    }
  }
}
