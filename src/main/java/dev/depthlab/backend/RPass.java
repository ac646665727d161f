package dev.depthlab.backend;

import dev.depthlab.data.DataSet;
import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.OutputGradient;
import dev.depthlab.model.Parameters;
import dev.depthlab.model.Reduction;
import java.util.List;

/**
 * Exact Hessian-vector products of the batch objective by Pearlmutter's R-operator (Pearlmutter
 * 1994, "Fast exact multiplication by the Hessian"), in fp64, one sample at a time with plain loops
 * like the reference network: a forward pass that also carries {@code R{z} = d z / d theta . v},
 * and a backward pass that also carries {@code R{dz}}, whose weight and bias sums are {@code H v}.
 *
 * <p>For weight layer l (row-major {@code w[i * out + j]}, direction {@code V}, {@code c}):
 *
 * <ul>
 *   <li>{@code R{z_j} = c_j + sum_i (a_i V_ij + R{a_i} w_ij)}, started at {@code c_j}, each input i
 *       in increasing order as {@code fma(a_i, V_ij, .)} then {@code fma(R{a_i}, w_ij, .)}; {@code
 *       R{a} = act'(z) R{z}}, {@code R{a_0} = 0};
 *   <li>at the output, {@code dz = g(p, y)} and {@code R{dz} = g'(z) R{z}}, both times {@code 1.0 /
 *       B} under {@code mean}: g is the spec's output gradient rule, so H is the Jacobian of the
 *       gradient every backend computes ({@code p - y}: {@code g' = p (1 - p)});
 *   <li>{@code (H v)_W[i,j] += fma(a_i, R{dz_j}, fma(R{a_i}, dz_j, .))}, {@code (H v)_c[j] +=
 *       R{dz_j}}, over the batch's samples in order;
 *   <li>{@code R{dA_i} = sum_j (fma(dz_j, V_ij, .) then fma(R{dz_j}, w_ij, .))}, j increasing, and
 *       {@code R{dz'} = R{dA} act'(z') + dA act''(z') R{z'}}: {@code act'' = 0} for ReLU and leaky
 *       ReLU (a kink is where the Hessian does not exist; there, as in the gradient, the derivative
 *       on the side {@code z <= 0} is taken), {@code -2 a (1 - a^2)} for tanh.
 * </ul>
 *
 * The reference and CPU backends offer their products through this class (they hand it their
 * parameters), so both compute the same numbers; the CUDA backend runs the same passes on the
 * device (backend/cuda/DeviceRPass, the elementwise steps as here, the sums as cuBLAS products) and
 * is held to this class within rounding.
 */
public final class RPass {
  private final NetworkSpec net;
  private final int layers;
  private final int[] sizes;
  private final double[][] a;
  private final double[][] ra;
  private final double[][] z;
  private final double[][] rz;
  private final double[][] dz;
  private final double[][] rdz;

  /** Work space for networks of shape {@code net}. */
  public RPass(NetworkSpec net) {
    this.net = net;
    this.layers = net.layers();
    this.sizes = net.sizes();
    a = new double[layers][];
    ra = new double[layers][];
    z = new double[layers][];
    rz = new double[layers][];
    dz = new double[layers][];
    rdz = new double[layers][];
    for (int l = 0; l < layers; l++) {
      a[l] = new double[sizes[l]];
      ra[l] = new double[sizes[l]];
      z[l] = new double[sizes[l + 1]];
      rz[l] = new double[sizes[l + 1]];
      dz[l] = new double[sizes[l + 1]];
      rdz[l] = new double[sizes[l + 1]];
    }
  }

  /**
   * {@code H v} of each replica's batch objective on training samples {@code indices[r]} of {@code
   * train.get(r)}, at parameters {@code theta.get(r)}, along {@code v.get(r)}; {@code loss[r]} is
   * the batch's mean clipped BCE. The batch rule is the caller's ({@link Group#checkBatches}).
   */
  public static Gradients times(
      NetworkSpec net,
      List<Parameters> theta,
      List<DataSet> train,
      int[][] indices,
      List<Parameters> v) {
    int rN = indices.length;
    if (theta.size() != rN || train.size() != rN || v.size() != rN) {
      throw new IllegalArgumentException(
          "parameters, data and directions must cover every replica");
    }
    RPass pass = new RPass(net);
    double[][][] hw = new double[rN][][];
    double[][][] hb = new double[rN][][];
    double[] loss = new double[rN];
    for (int r = 0; r < rN; r++) {
      Parameters out = Parameters.zeros(net);
      loss[r] = pass.batch(theta.get(r), v.get(r), train.get(r), indices[r], out);
      hw[r] = out.weights();
      hb[r] = out.biases();
    }
    return new Gradients(hw, hb, loss);
  }

  /** Adds {@code H v} of the batch {@code idx} of {@code set} into {@code out}; the mean loss. */
  public double batch(Parameters theta, Parameters v, DataSet set, int[] idx, Parameters out) {
    for (int l = 0; l < layers; l++) {
      if (v.weights()[l].length != theta.weights()[l].length
          || v.biases()[l].length != theta.biases()[l].length) {
        throw new IllegalArgumentException("direction of layer " + l + " does not fit " + net);
      }
    }
    int count = idx.length;
    double scale = net.reduction() == Reduction.MEAN ? 1.0 / count : 1.0;
    double lossSum = 0.0;
    for (int s = 0; s < count; s++) {
      int n = idx[s];
      double zOut = forward(theta, v, set.x(), n * sizes[0]);
      double y = set.y()[n];
      double p = 1.0 / (1.0 + StrictMath.exp(-zOut));
      lossSum += bce(p, y);
      dz[layers - 1][0] = outputGradient(p, y) * scale;
      rdz[layers - 1][0] = outputCurvature(p, y) * rz[layers - 1][0] * scale;
      backward(theta, v, out);
    }
    return lossSum / count;
  }

  private double forward(Parameters theta, Parameters v, double[] x, int off) {
    for (int i = 0; i < sizes[0]; i++) {
      a[0][i] = x[off + i];
      ra[0][i] = 0.0;
    }
    for (int l = 0; l < layers; l++) {
      double[] w = theta.weights()[l];
      double[] vw = v.weights()[l];
      int in = sizes[l];
      int out = sizes[l + 1];
      for (int j = 0; j < out; j++) {
        double sum = theta.biases()[l][j];
        double rsum = v.biases()[l][j];
        for (int i = 0; i < in; i++) {
          sum = Math.fma(a[l][i], w[i * out + j], sum);
          rsum = Math.fma(a[l][i], vw[i * out + j], rsum);
          rsum = Math.fma(ra[l][i], w[i * out + j], rsum);
        }
        z[l][j] = sum;
        rz[l][j] = rsum;
      }
      if (l < layers - 1) {
        for (int j = 0; j < out; j++) {
          a[l + 1][j] = net.activation().value(z[l][j], net.leakySlope());
          ra[l + 1][j] =
              net.activation().derivative(z[l][j], a[l + 1][j], net.leakySlope()) * rz[l][j];
        }
      }
    }
    return z[layers - 1][0];
  }

  private void backward(Parameters theta, Parameters v, Parameters hv) {
    for (int l = layers - 1; l >= 0; l--) {
      double[] w = theta.weights()[l];
      double[] vw = v.weights()[l];
      double[] hw = hv.weights()[l];
      int in = sizes[l];
      int out = sizes[l + 1];
      for (int i = 0; i < in; i++) {
        for (int j = 0; j < out; j++) {
          double acc = Math.fma(ra[l][i], dz[l][j], hw[i * out + j]);
          hw[i * out + j] = Math.fma(a[l][i], rdz[l][j], acc);
        }
      }
      for (int j = 0; j < out; j++) {
        hv.biases()[l][j] += rdz[l][j];
      }
      if (l > 0) {
        for (int i = 0; i < in; i++) {
          double da = 0.0;
          double rda = 0.0;
          for (int j = 0; j < out; j++) {
            da = Math.fma(dz[l][j], w[i * out + j], da);
            rda = Math.fma(dz[l][j], vw[i * out + j], rda);
            rda = Math.fma(rdz[l][j], w[i * out + j], rda);
          }
          double zi = z[l - 1][i];
          double act = a[l][i];
          dz[l - 1][i] = da * net.activation().derivative(zi, act, net.leakySlope());
          rdz[l - 1][i] =
              Math.fma(
                  rda,
                  net.activation().derivative(zi, act, net.leakySlope()),
                  da * net.activation().secondDerivative(act) * rz[l - 1][i]);
        }
      }
    }
  }

  /** The gradient rule at the output: {@code p - y}, or {@link OutputGradient#chained}. */
  private double outputGradient(double p, double y) {
    return net.outputGradient() == OutputGradient.CHAINED
        ? OutputGradient.chained(p, y, net.clipEps())
        : p - y;
  }

  /**
   * The derivative of {@link #outputGradient} with respect to the output pre-activation z. For
   * {@code p - y}: {@code p (1 - p)}. For the chained rule {@code d(pc) * p (1 - p)} with {@code d
   * = (1 - y) / (1 - pc) - y / pc}: {@code d p (1 - p)(1 - 2p)}, plus {@code ((1 - y) / (1 - pc)^2
   * + y / pc^2) (p (1 - p))^2} where the clip is inactive (pc = p).
   */
  private double outputCurvature(double p, double y) {
    double s = p * (1.0 - p);
    if (net.outputGradient() != OutputGradient.CHAINED) {
      return s;
    }
    double eps = net.clipEps();
    double pc = Math.min(Math.max(p, eps), 1.0 - eps);
    double d = (1.0 - y) / (1.0 - pc) - y / pc;
    double out = d * s * (1.0 - 2.0 * p);
    if (p > eps && p < 1.0 - eps) {
      double dd = (1.0 - y) / ((1.0 - pc) * (1.0 - pc)) + y / (pc * pc);
      out = Math.fma(dd * s, s, out);
    }
    return out;
  }

  private double bce(double p, double label) {
    double eps = net.clipEps();
    double pc = Math.min(Math.max(p, eps), 1.0 - eps);
    if (label == 1.0) {
      return -StrictMath.log(pc);
    }
    if (label == 0.0) {
      return -StrictMath.log(1.0 - pc);
    }
    return -Math.fma(label, StrictMath.log(pc), (1.0 - label) * StrictMath.log(1.0 - pc));
  }
}
