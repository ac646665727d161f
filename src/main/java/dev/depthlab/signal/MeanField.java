package dev.depthlab.signal;

import dev.depthlab.model.Activation;
import dev.depthlab.model.Initializer;

/**
 * The mean-field theory of signal propagation at initialisation (Poole et al. 2016; Schoenholz et
 * al. 2017) for one hidden activation, biases of mean {@code b} and variance {@code sigma_b^2}: a
 * hidden pre-activation is {@code z = b + g}, {@code g ~ N(0, v)}, whose variance follows the
 * length map, and two inputs' Gaussian parts have covariance {@code v12}, following the covariance
 * map:
 *
 * <pre>
 *   v^{l+1}   = sigma_w^2 E[phi(z^l)^2] + sigma_b^2,        q^l = E[(z^l)^2] = b^2 + v^l,
 *   v12^{l+1} = sigma_w^2 E[phi(z_1^l) phi(z_2^l)] + sigma_b^2,   c^l = (b^2 + v12^l) / q^l,
 * </pre>
 *
 * with {@code sigma_w^2 = fan_in * Var(w)}. At the fixed point q*: {@code chi_1 = sigma_w^2
 * E[phi'(z)^2]} (the slope of the correlation map at c = 1, and the per-layer gradient factor), the
 * correlation map's stable fixed point c*, its slope {@code chi_c = sigma_w^2 E[phi'(z_1)
 * phi'(z_2)]} there, and the depth scales {@code xi_q = -1 / ln(dv^{l+1}/dv^l)} and {@code xi_c =
 * -1 / ln chi_c} (infinite at criticality).
 *
 * <p>Quadrature: ReLU and LeakyReLU with b = 0 use closed forms (the arc-cosine kernel of Cho and
 * Saul 2009); every other case the trapezoidal rule on an equispaced grid in standard deviations,
 * {@value #STEP} apart over +-{@value #RANGE} in one dimension and {@value #STEP2} apart over
 * +-{@value #RANGE2} per axis in two. For an integrand analytic in a strip (tanh) the trapezoidal
 * rule on the Gaussian-weighted line converges geometrically, faster than Gauss-Hermite with as
 * many nodes when tanh saturates (large v puts its poles near the real axis; MeanFieldTest holds
 * both to SciPy); for a kink off zero (ReLU with b != 0) it is second order (limits:
 * docs/metrics.md).
 */
public final class MeanField {
  /** Grid step of the one-dimensional quadrature, in standard deviations. */
  public static final double STEP = 0.05;

  /** The grid spans +-RANGE standard deviations (the Gaussian's mass beyond: below 1e-22). */
  public static final double RANGE = 10.0;

  /** Grid step of the two-dimensional quadrature (per axis), in standard deviations. */
  public static final double STEP2 = 0.1;

  /** The two-dimensional grid spans +-RANGE2 per axis (mass beyond: below 2e-15). */
  public static final double RANGE2 = 8.0;

  private static final double[] NODE = grid(RANGE, STEP);
  private static final double[] WEIGHT = weights(NODE, STEP);
  private static final double[] NODE2 = grid(RANGE2, STEP2);
  private static final double[] WEIGHT2 = weights(NODE2, STEP2);

  private static double[] grid(double range, double step) {
    int n = (int) Math.round(2 * range / step) + 1;
    double[] t = new double[n];
    for (int k = 0; k < n; k++) {
      t[k] = -range + k * step;
    }
    return t;
  }

  /** exp(-t^2 / 2) / sqrt(2 pi) * step at the grid's nodes. */
  private static double[] weights(double[] t, double step) {
    double[] w = new double[t.length];
    for (int k = 0; k < t.length; k++) {
      w[k] = StrictMath.exp(-0.5 * t[k] * t[k]) / Math.sqrt(2 * Math.PI) * step;
    }
    return w;
  }

  private final Activation activation;
  private final double slope;
  private final double bias;
  private final double biasVariance;

  /** The theory for {@code activation} (LeakyReLU's negative {@code slope}) and constant bias. */
  public MeanField(Activation activation, double slope, double bias) {
    this(activation, slope, bias, 0.0);
  }

  /** With biases of mean {@code bias} and variance {@code biasVariance}. */
  public MeanField(Activation activation, double slope, double bias, double biasVariance) {
    this.activation = activation;
    this.slope = slope;
    this.bias = bias;
    this.biasVariance = biasVariance;
  }

  /** The theory of networks initialised by {@code scheme}. */
  public static MeanField of(Activation activation, double slope, Initializer.Scheme scheme) {
    return new MeanField(activation, slope, scheme.biasMean(), scheme.biasVariance());
  }

  public double biasVariance() {
    return biasVariance;
  }

  private boolean closedForm() {
    return bias == 0.0 && activation != Activation.TANH;
  }

  private double leak() {
    return activation == Activation.RELU ? 0.0 : slope;
  }

  /** {@code E[phi(z)^2]}, z ~ N(b, v). */
  public double meanSquareActivation(double v) {
    if (closedForm()) {
      double a = leak();
      return (1.0 + a * a) / 2.0 * v;
    }
    return expect(v, 0);
  }

  /** {@code E[phi'(z)^2]}, z ~ N(b, v). */
  public double meanSquareDerivative(double v) {
    if (closedForm()) {
      double a = leak();
      return (1.0 + a * a) / 2.0;
    }
    return expect(v, 1);
  }

  /** One step of the length map: the next layer's {@code v} from this layer's {@code v}. */
  public double next(double sigmaW2, double v) {
    return sigmaW2 * meanSquareActivation(v) + biasVariance;
  }

  /**
   * The fixed point {@code q* = b^2 + v*} of the length map at {@code sigmaW2}, by iterating it
   * from {@code v = 1} until two iterates agree to 1e-14 relative (at most 100000 steps); for tanh
   * with {@code sigma_w^2 <= 1} and {@code b = sigma_b = 0} that is {@code q* = 0}, approached
   * slowly. Infinite where the map has no finite fixed point (ReLU with {@code sigma_w^2 > 2}).
   */
  public double fixedPoint(double sigmaW2) {
    double v = 1.0;
    for (int k = 0; k < 100_000; k++) {
      double n = next(sigmaW2, v);
      if (!Double.isFinite(n) || n > 1e200) {
        return Double.POSITIVE_INFINITY;
      }
      if (Math.abs(n - v) <= 1e-14 * Math.max(Math.abs(n), 1e-300)) {
        return bias * bias + n;
      }
      v = n;
    }
    return bias * bias + v;
  }

  /** {@code chi_1 = sigma_w^2 E[phi'(z)^2]} at the length map's fixed point. */
  public double chi1(double sigmaW2) {
    return sigmaW2 * meanSquareDerivative(fixedPoint(sigmaW2) - bias * bias);
  }

  /**
   * The slope of the length map, {@code dv^{l+1}/dv^l = sigma_w^2 E[(u^2 - 1) phi(z)^2] / (2 v)}
   * (Stein's lemma twice, u the standard normal of z = b + sqrt(v) u).
   */
  public double lengthSlope(double sigmaW2, double v) {
    if (closedForm()) {
      double a = leak();
      return sigmaW2 * (1.0 + a * a) / 2.0;
    }
    double s = Math.sqrt(v);
    double sum = 0.0;
    for (int k = 0; k < NODE.length; k++) {
      double u = NODE[k];
      double f = phi(bias + s * u);
      sum += WEIGHT[k] * (u * u - 1.0) * f * f;
    }
    return sigmaW2 * sum / (2.0 * v);
  }

  /**
   * {@code E[phi(z_1) phi(z_2)]} (derivative 0) or {@code E[phi'(z_1) phi'(z_2)]} (1) for {@code
   * z_i = b + g_i}, {@code (g_1, g_2)} centred normal with variances v1, v2 and covariance v12.
   */
  public double cross(double v1, double v2, double v12, int derivative) {
    double c = v12 / Math.sqrt(v1 * v2);
    c = Math.max(-1.0, Math.min(1.0, c));
    if (closedForm()) {
      double a = leak();
      double theta = Math.acos(c);
      if (derivative == 1) {
        // P(both > 0) = P(both < 0) = (pi - theta) / (2 pi); P(signs differ) / 2 = theta / (2 pi)
        return ((1 + a * a) * (Math.PI - theta) + 2 * a * theta) / (2 * Math.PI);
      }
      // phi(x) = relu(x) - a relu(-x); E[relu(g1) relu(g2)] = sqrt(v1 v2) k(c)
      return Math.sqrt(v1 * v2) * ((1 + a * a) * arcCos1(c) - 2 * a * arcCos1(-c));
    }
    double s1 = Math.sqrt(v1);
    double s2 = Math.sqrt(v2);
    double r = Math.sqrt(Math.max(0.0, 1.0 - c * c));
    double sum = 0.0;
    for (int i = 0; i < NODE2.length; i++) {
      double u1 = NODE2[i];
      double f1 = derivative == 0 ? phi(bias + s1 * u1) : phiPrime(bias + s1 * u1);
      double inner = 0.0;
      for (int j = 0; j < NODE2.length; j++) {
        double z2 = bias + s2 * (c * u1 + r * NODE2[j]);
        inner += WEIGHT2[j] * (derivative == 0 ? phi(z2) : phiPrime(z2));
      }
      sum += WEIGHT2[i] * f1 * inner;
    }
    return sum;
  }

  /** The arc-cosine kernel of degree 1: E[relu(u1) relu(u2)] for unit normals of correlation c. */
  static double arcCos1(double c) {
    double theta = Math.acos(c);
    return (Math.sqrt(Math.max(0.0, 1 - c * c)) + (Math.PI - theta) * c) / (2 * Math.PI);
  }

  /** One step of the covariance map: the next {@code v12} from this layer's v1, v2, v12. */
  public double nextCovariance(double sigmaW2, double v1, double v2, double v12) {
    return sigmaW2 * cross(v1, v2, v12, 0) + biasVariance;
  }

  /** The correlation map at the length map's fixed point: {@code c^{l+1}} from {@code c^l}. */
  public double correlationMap(double sigmaW2, double c) {
    return correlationMap(sigmaW2, fixedPoint(sigmaW2), c);
  }

  private double correlationMap(double sigmaW2, double q, double c) {
    double v = q - bias * bias;
    double v12 = c * q - bias * bias;
    return (bias * bias + nextCovariance(sigmaW2, v, v, v12)) / q;
  }

  /** What the theory says at one (sigma_w^2, activation, bias) point; docs/metrics.md. */
  public record Point(
      double sigmaW2,
      double qStar,
      double chi1,
      double cStar,
      double chiC,
      double xiQ,
      double xiC) {}

  /**
   * The fixed points, slopes and depth scales at {@code sigmaW2}. c* is 1 where chi_1 <= 1 (the
   * ordered phase, or within {@link #CRITICAL} of the critical line); otherwise (chaos) the root of
   * {@code f(c) = c} below 1, by bisection between the correlation of independent Gaussian parts
   * ({@code b^2 / q*}, where f(c) >= c) and {@code 1 - 1e-9} (where f(c) < c as f'(1) = chi_1 > 1).
   * NaN scales where q* is infinite (and NaN chi_1, except for ReLU/LeakyReLU with b = 0, whose
   * chi_1 does not depend on q*).
   */
  public Point point(double sigmaW2) {
    double q = fixedPoint(sigmaW2);
    if (!Double.isFinite(q)) {
      // ReLU/LeakyReLU with b = 0: chi_1 does not depend on q*, so it is still defined
      double chi1 = closedForm() ? sigmaW2 * meanSquareDerivative(1.0) : Double.NaN;
      return new Point(sigmaW2, q, chi1, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    double b2 = bias * bias;
    double v = q - b2;
    double chi1 = sigmaW2 * meanSquareDerivative(v);
    double cStar = 1.0;
    double chiC = chi1;
    if (chi1 > 1.0 + CRITICAL && v > 0) {
      double lo = b2 / q;
      double hi = 1.0 - 1e-9;
      for (int k = 0; k < 60 && hi - lo > 1e-13; k++) {
        double mid = 0.5 * (lo + hi);
        if (correlationMap(sigmaW2, q, mid) > mid) {
          lo = mid;
        } else {
          hi = mid;
        }
      }
      cStar = 0.5 * (lo + hi);
      chiC = sigmaW2 * cross(v, v, cStar * q - b2, 1);
    }
    double slopeQ = v > 0 ? lengthSlope(sigmaW2, v) : chi1;
    return new Point(sigmaW2, q, chi1, cStar, chiC, depthScale(slopeQ), depthScale(chiC));
  }

  /**
   * Slopes within this of 1 count as 1 (critical): He init's sigma_w^2 = 16 * (sqrt(2/16))^2 is 2
   * only to rounding.
   */
  static final double CRITICAL = 1e-12;

  /** {@code -1 / ln(slope)}: infinite at slope 1, NaN above (no decay to a fixed point). */
  static double depthScale(double slope) {
    if (Math.abs(slope - 1.0) <= CRITICAL) {
      return Double.POSITIVE_INFINITY;
    }
    if (slope > 1.0) {
      return Double.NaN;
    }
    return -1.0 / Math.log(slope);
  }

  /** {@code E[phi(z)^2]} (derivative 0) or {@code E[phi'(z)^2]} (1), z ~ N(b, v), by quadrature. */
  private double expect(double v, int derivative) {
    double s = Math.sqrt(Math.max(v, 0.0));
    double sum = 0.0;
    for (int k = 0; k < NODE.length; k++) {
      double z = bias + s * NODE[k];
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

  /** The activation's derivative, as the backends compute it. */
  double derivative(double z) {
    return phiPrime(z);
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
