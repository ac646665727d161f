package dev.depthlab.train;

import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.Parameters;

/**
 * The input-output Jacobian of a network's hidden stack at one input (Pennington et al. 2017,
 * "Resurrecting the sigmoid in deep learning through dynamical isometry"): {@code J = d a_L / d
 * a_1}, the last hidden layer's activations against the first's, an n x n matrix between equal
 * widths, {@code J = prod_{l=2..L} W_l D_l} in the row-vector convention of {@link Parameters}
 * ({@code D_l = diag(phi'(z_l))}); and its singular values, as square roots of the eigenvalues of
 * {@code J^T J} by cyclic Jacobi rotations. Used at initialisation by {@code signal} and during
 * training by the run diagnostic {@code diagnostics.jacobian} ({@link JacobianProbe}).
 */
public final class JacobianSpectrum {
  private JacobianSpectrum() {}

  /**
   * J for the pre-activations {@code z[h]} of hidden layers h = 0..depth-1 (as {@link
   * dev.depthlab.backend.reference.ReferenceTrace#z} gives them), row-major n_1 x n_L: {@code
   * J[i][j] = d a_L[j] / d a_1[i]}. A depth-1 stack is the identity.
   */
  public static double[][] jacobian(NetworkSpec net, Parameters p, double[][] z) {
    int n1 = net.fanOut(0);
    double[][] j = new double[n1][n1];
    for (int i = 0; i < n1; i++) {
      j[i][i] = 1.0;
    }
    for (int l = 1; l < net.depth(); l++) {
      int in = net.fanIn(l);
      int out = net.fanOut(l);
      double[] w = p.weights()[l];
      double[][] next = new double[n1][out];
      for (int r = 0; r < n1; r++) {
        for (int k = 0; k < in; k++) {
          double v = j[r][k];
          if (v == 0.0) {
            continue;
          }
          for (int c = 0; c < out; c++) {
            next[r][c] += v * w[k * out + c];
          }
        }
        for (int c = 0; c < out; c++) {
          next[r][c] *= derivative(net, z[l][c]);
        }
      }
      j = next;
    }
    return j;
  }

  /**
   * The pre-activations {@code z[h]} of hidden layers h = 0..depth-1 at input {@code x}: {@code z =
   * a W + b}, {@code a = phi(z)}, in fp64 on the host from the parameters as given.
   */
  public static double[][] preActivations(NetworkSpec net, Parameters p, double[] x) {
    double[][] z = new double[net.depth()][];
    double[] a = x;
    for (int l = 0; l < net.depth(); l++) {
      int in = net.fanIn(l);
      int out = net.fanOut(l);
      double[] w = p.weights()[l];
      double[] zl = p.biases()[l].clone();
      for (int i = 0; i < in; i++) {
        for (int c = 0; c < out; c++) {
          zl[c] += a[i] * w[i * out + c];
        }
      }
      z[l] = zl;
      a = new double[out];
      for (int c = 0; c < out; c++) {
        a[c] = phi(net, zl[c]);
      }
    }
    return z;
  }

  /** The hidden activation of {@code net} at {@code z} (tanh: StrictMath's). */
  static double phi(NetworkSpec net, double z) {
    switch (net.activation()) {
      case RELU:
        return z > 0.0 ? z : 0.0;
      case LEAKY_RELU:
        return z > 0.0 ? z : net.leakySlope() * z;
      default:
        return StrictMath.tanh(z);
    }
  }

  /** phi' at {@code z}; ReLU's and LeakyReLU's at 0 taken from the left, as the backends do. */
  static double derivative(NetworkSpec net, double z) {
    switch (net.activation()) {
      case RELU:
        return z > 0.0 ? 1.0 : 0.0;
      case LEAKY_RELU:
        return z > 0.0 ? 1.0 : net.leakySlope();
      default:
        double t = StrictMath.tanh(z);
        return 1.0 - t * t;
    }
  }

  /** The singular values of the m x n matrix {@code a}, largest first (n of them). */
  public static double[] singularValues(double[][] a) {
    int m = a.length;
    int n = a[0].length;
    double[][] g = new double[n][n]; // A^T A
    for (int r = 0; r < n; r++) {
      for (int c = r; c < n; c++) {
        double s = 0.0;
        for (int k = 0; k < m; k++) {
          s += a[k][r] * a[k][c];
        }
        g[r][c] = s;
        g[c][r] = s;
      }
    }
    double[] ev = symmetricEigenvalues(g);
    double[] sv = new double[n];
    for (int i = 0; i < n; i++) {
      sv[i] = Math.sqrt(Math.max(0.0, ev[i]));
    }
    java.util.Arrays.sort(sv);
    for (int i = 0; i < n / 2; i++) {
      double t = sv[i];
      sv[i] = sv[n - 1 - i];
      sv[n - 1 - i] = t;
    }
    return sv;
  }

  /** Eigenvalues of symmetric {@code s} (destroyed) by cyclic Jacobi sweeps to 1e-15 off-norm. */
  static double[] symmetricEigenvalues(double[][] s) {
    int n = s.length;
    for (int sweep = 0; sweep < 100; sweep++) {
      double off = 0.0;
      double all = 0.0;
      for (int p = 0; p < n; p++) {
        for (int q = 0; q < n; q++) {
          all += s[p][q] * s[p][q];
          if (p != q) {
            off += s[p][q] * s[p][q];
          }
        }
      }
      if (off <= 1e-30 * all) {
        break;
      }
      for (int p = 0; p < n - 1; p++) {
        for (int q = p + 1; q < n; q++) {
          if (s[p][q] == 0.0) {
            continue;
          }
          double theta = (s[q][q] - s[p][p]) / (2 * s[p][q]);
          double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
          if (theta == 0.0) {
            t = 1.0;
          }
          double c = 1 / Math.sqrt(t * t + 1);
          double sn = t * c;
          for (int k = 0; k < n; k++) {
            double kp = s[k][p];
            double kq = s[k][q];
            s[k][p] = c * kp - sn * kq;
            s[k][q] = sn * kp + c * kq;
          }
          for (int k = 0; k < n; k++) {
            double pk = s[p][k];
            double qk = s[q][k];
            s[p][k] = c * pk - sn * qk;
            s[q][k] = sn * pk + c * qk;
          }
        }
      }
    }
    double[] ev = new double[n];
    for (int i = 0; i < n; i++) {
      ev[i] = s[i][i];
    }
    return ev;
  }
}
