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

  /**
   * The activation at pre-activation {@code v} ({@code slope}: LeakyReLU's), as the plain scalar
   * paths compute it (the reference network and the R-operator): tanh is StrictMath's
   * (docs/arithmetic.md).
   */
  public double value(double v, double slope) {
    switch (this) {
      case RELU:
        return Math.max(v, 0.0);
      case LEAKY_RELU:
        return v > 0.0 ? v : slope * v;
      default:
        return StrictMath.tanh(v);
    }
  }

  /** The derivative at pre-activation {@code v}, whose activation is {@code act}. */
  public double derivative(double v, double act, double slope) {
    switch (this) {
      case RELU:
        return v > 0.0 ? 1.0 : 0.0;
      case LEAKY_RELU:
        return v > 0.0 ? 1.0 : slope;
      default:
        return Math.fma(-act, act, 1.0);
    }
  }

  /** The second derivative, given the activation {@code act}: 0 off tanh (0 at ReLU's kink too). */
  public double secondDerivative(double act) {
    return this == TANH ? -2.0 * act * Math.fma(-act, act, 1.0) : 0.0;
  }
}
