package dev.depthlab.signal;

import dev.depthlab.data.DataSet;
import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.OutputGradient;
import dev.depthlab.model.Parameters;
import dev.depthlab.model.Reduction;

/**
 * The forward and backward pass of one network on a batch in fp64, sample by sample, keeping what
 * the signal-propagation statistics need: every layer's pre-activations {@code z[l]} and the
 * gradient of the batch objective with respect to them, {@code dz[l]}. The numbers are the
 * reference backend's (backend/reference ReferenceNet, same sums in the same order): the output
 * gradient {@code p - y} or {@link OutputGradient#chained}, times {@code 1.0 / B} under {@code
 * MEAN}; {@code dz[l-1] = (dz[l] W[l]^T) * phi'(z[l-1])}. SignalPassTest holds it to the reference
 * backend's gradients.
 */
final class SignalPass {
  private final NetworkSpec net;
  private final MeanField phi;
  private final double[][] w;
  private final double[][] b;
  private final int[] sizes;
  private final int layers;

  /** a[l]: layer l's input; z[l], dz[l]: its pre-activation and that's gradient, this sample. */
  private final double[][] a;

  private final double[][] z;
  private final double[][] dz;

  SignalPass(NetworkSpec net, Parameters p) {
    this.net = net;
    this.phi = new MeanField(net.activation(), net.leakySlope(), 0.0);
    this.w = p.weights();
    this.b = p.biases();
    this.sizes = net.sizes();
    this.layers = net.layers();
    a = new double[layers][];
    z = new double[layers][];
    dz = new double[layers][];
    for (int l = 0; l < layers; l++) {
      a[l] = new double[sizes[l]];
      z[l] = new double[sizes[l + 1]];
      dz[l] = new double[sizes[l + 1]];
    }
  }

  /**
   * Forward and backward of sample {@code n} of {@code set} in a batch of {@code batch} samples:
   * fills {@link #z} and {@link #dz}.
   */
  void sample(DataSet set, int n, int batch) {
    int off = n * sizes[0];
    for (int i = 0; i < sizes[0]; i++) {
      a[0][i] = set.x()[off + i];
    }
    for (int l = 0; l < layers; l++) {
      int in = sizes[l];
      int out = sizes[l + 1];
      for (int j = 0; j < out; j++) {
        double sum = b[l][j];
        for (int i = 0; i < in; i++) {
          sum = Math.fma(a[l][i], w[l][i * out + j], sum);
        }
        z[l][j] = sum;
      }
      if (l < layers - 1) {
        for (int j = 0; j < out; j++) {
          a[l + 1][j] = phi.phi(z[l][j]);
        }
      }
    }
    double p = 1.0 / (1.0 + StrictMath.exp(-z[layers - 1][0]));
    double y = set.y()[n];
    double d =
        net.outputGradient() == OutputGradient.CHAINED
            ? OutputGradient.chained(p, y, net.clipEps())
            : p - y;
    dz[layers - 1][0] = net.reduction() == Reduction.MEAN ? d * (1.0 / batch) : d;
    for (int l = layers - 1; l > 0; l--) {
      int in = sizes[l];
      int out = sizes[l + 1];
      for (int i = 0; i < in; i++) {
        double sum = 0.0;
        for (int j = 0; j < out; j++) {
          sum = Math.fma(dz[l][j], w[l][i * out + j], sum);
        }
        dz[l - 1][i] = sum * derivative(z[l - 1][i], a[l][i]);
      }
    }
  }

  /** Weight layer l's pre-activations for the last sample (not a copy). */
  double[] z(int l) {
    return z[l];
  }

  /** The batch objective's gradient with respect to {@link #z}(l), last sample (not a copy). */
  double[] dz(int l) {
    return dz[l];
  }

  /** The activation's derivative as the reference computes it (tanh: from the activation). */
  private double derivative(double v, double act) {
    switch (net.activation()) {
      case RELU:
        return v > 0.0 ? 1.0 : 0.0;
      case LEAKY_RELU:
        return v > 0.0 ? 1.0 : net.leakySlope();
      default:
        return Math.fma(-act, act, 1.0);
    }
  }
}
