package dev.depthlab.signal;

import dev.depthlab.model.Activation;

/**
 * The mean-field theory of signal propagation at initialisation (Poole et al. 2016; Schoenholz et
 * al. 2017) for one hidden activation and a constant bias b: a hidden pre-activation is taken as
 * {@code z = b + g}, {@code g ~ N(0, v)}, whose variance {@code v} follows the length map
 *
 * <pre>
 *   v^{l+1} = sigma_w^2 E[phi(z^l)^2],   q^l = E[(z^l)^2] = b^2 + v^l,
 * </pre>
 *
 * with {@code sigma_w^2 = fan_in * Var(w)}; and back-propagated gradients scale per layer by {@code
 * sigma_w^2 (fan_out / fan_in) E[phi'(z)^2]} ({@code chi_1} when the widths are equal). ReLU and
 * LeakyReLU with {@code b = 0} use closed forms ({@code E[relu(z)^2] = v / 2}); every other case
 * Gauss-Hermite quadrature with {@link #NODES} nodes.
 */
public final class MeanField {
  /** Grid step of the quadrature, in standard deviations. */
  public static final double STEP = 0.05;

  /** The grid spans +-RANGE standard deviations (the Gaussian's mass beyond: below 1e-22). */
  public static final double RANGE = 10.0;

  private static final int POINTS = (int) Math.round(2 * RANGE / STEP) + 1;

  /** exp(-t^2 / 2) / sqrt(2 pi) * STEP at the grid's nodes t_k = -RANGE + k * STEP. */
  private static final double[] WEIGHT = new double[POINTS];

  static {
    for (int k = 0; k < POINTS; k++) {
      double t = -RANGE + k * STEP;
      WEIGHT[k] = StrictMath.exp(-0.5 * t * t) / Math.sqrt(2 * Math.PI) * STEP;
    }
  }

  private final Activation activation;
  private final double slope;
  private final double bias;

  /** The theory for {@code activation} (LeakyReLU's negative {@code slope}) and constant bias. */
  public MeanField(Activation activation, double slope, double bias) {
    this.activation = activation;
    this.slope = slope;
    this.bias = bias;
  }

  /** {@code E[phi(z)^2]}, z ~ N(b, v). */
  public double meanSquareActivation(double v) {
    if (bias == 0.0 && activation != Activation.TANH) {
      double a = activation == Activation.RELU ? 0.0 : slope;
      return (1.0 + a * a) / 2.0 * v;
    }
    return expect(v, 0);
  }

  /** {@code E[phi'(z)^2]}, z ~ N(b, v). */
  public double meanSquareDerivative(double v) {
    if (bias == 0.0 && activation != Activation.TANH) {
      double a = activation == Activation.RELU ? 0.0 : slope;
      return (1.0 + a * a) / 2.0;
    }
    return expect(v, 1);
  }

  /** One step of the length map: the next layer's {@code v} from this layer's {@code v}. */
  public double next(double sigmaW2, double v) {
    return sigmaW2 * meanSquareActivation(v);
  }

  /**
   * The fixed point {@code q* = b^2 + v*} of the length map at {@code sigmaW2}, by iterating it
   * from {@code v = 1} until two iterates agree to 1e-14 relative (at most 100000 steps); for tanh
   * with {@code sigma_w^2 <= 1} and {@code b = 0} that is {@code q* = 0}, approached slowly.
   */
  public double fixedPoint(double sigmaW2) {
    double v = 1.0;
    for (int k = 0; k < 100_000; k++) {
      double n = next(sigmaW2, v);
      if (Math.abs(n - v) <= 1e-14 * Math.max(Math.abs(n), 1e-300)) {
        return bias * bias + n;
      }
      v = n;
    }
    return bias * bias + v;
  }

  /** {@code E[phi(z)^2]} (derivative 0) or {@code E[phi'(z)^2]} (1), z ~ N(b, v), by quadrature. */
  private double expect(double v, int derivative) {
    double s = Math.sqrt(Math.max(v, 0.0));
    double sum = 0.0;
    for (int k = 0; k < POINTS; k++) {
      double z = bias + s * (-RANGE + k * STEP);
      double f = derivative == 0 ? phi(z) : phiPrime(z);
      sum += WEIGHT[k] * f * f;
    }
    return sum;
  }

  /** The hidden activation, as the backends compute it. */
  double phi(double z) {
    switch (activation) {
      case RELU:
        return Math.max(z, 0.0);
      case LEAKY_RELU:
        return z > 0.0 ? z : slope * z;
      default:
        return StrictMath.tanh(z);
    }
  }

  private double phiPrime(double z) {
    switch (activation) {
      case RELU:
        return z > 0.0 ? 1.0 : 0.0;
      case LEAKY_RELU:
        return z > 0.0 ? 1.0 : slope;
      default:
        double t = StrictMath.tanh(z);
        return 1.0 - t * t;
    }
  }
}
