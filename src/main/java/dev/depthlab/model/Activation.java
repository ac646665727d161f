package dev.depthlab.model;

import java.util.Locale;

/** Hidden-layer activation functions. The output layer is always a sigmoid. */
public enum Activation {
  RELU,
  LEAKY_RELU,
  TANH;

  /** The name used in configs and files: {@code relu}, {@code leaky_relu}, {@code tanh}. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Whether a unit with pre-activation {@code z} counts as inactive for the dead-unit statistic:
   * ReLU and LeakyReLU units are inactive where {@code z <= 0} (ReLU passes no gradient there,
   * LeakyReLU only the slope); tanh units where they saturate, {@code |z| >=} {@link
   * Rules#TANH_SATURATION}. A unit is dead when it is inactive on every sample of the training set.
   * The kernels' twin is {@code dl_inactive} (kernels/common.cuh), reading the same table.
   */
  public boolean inactive(double z) {
    return this == TANH ? Math.abs(z) >= Rules.TANH_SATURATION : z <= 0.0;
  }
}
