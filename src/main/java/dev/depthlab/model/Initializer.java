package dev.depthlab.model;

import dev.depthlab.common.Rng;
import java.util.Arrays;

/**
 * Draws initial parameters on the host: weights layer by layer, row-major, from {@code N(0, std^2)}
 * of the chosen scheme (or a scaled semi-orthogonal matrix); biases constant for the named schemes,
 * {@code N(0, sigma_b^2)} for the parametrised ones. Every backend receives these exact numbers.
 */
public final class Initializer {
  private Initializer() {}

  /**
   * A named scheme with constant biases (the parametrised schemes need {@link #draw(NetworkSpec,
   * Scheme, Rng)}).
   */
  public static Parameters draw(NetworkSpec spec, Init init, double biasInit, Rng rng) {
    return draw(spec, new Scheme(init, biasInit, 1.0, 0.0), rng);
  }

  /**
   * How a network is initialised: the scheme, the named schemes' bias constant, and the
   * parametrised schemes' {@code sigmaW} (the gain, for orthogonal) and {@code sigmaB}.
   */
  public record Scheme(Init init, double biasInit, double sigmaW, double sigmaB) {
    /** The root mean square of a layer's weights. */
    public double std(int fanIn, int fanOut) {
      return init.std(fanIn, fanOut, sigmaW);
    }

    /** The mean of every initial bias. */
    public double biasMean() {
      return init.parametrised() ? 0.0 : biasInit;
    }

    /** The variance of every initial bias. */
    public double biasVariance() {
      return init.parametrised() ? sigmaB * sigmaB : 0.0;
    }
  }

  public static Parameters draw(NetworkSpec spec, Scheme scheme, Rng rng) {
    Parameters p = Parameters.zeros(spec);
    Init init = scheme.init();
    for (int l = 0; l < spec.layers(); l++) {
      int fanIn = spec.fanIn(l);
      int fanOut = spec.fanOut(l);
      double std = scheme.std(fanIn, fanOut);
      double[] w = p.weights()[l];
      for (int k = 0; k < w.length; k++) {
        w[k] = std * rng.nextGaussian();
      }
      if (init == Init.ORTHOGONAL) {
        // the Gaussian draw made orthonormal (a Haar-distributed semi-orthogonal matrix), then
        // scaled so that every weight's mean square is sigma_w^2 / fan_in, as for GAUSSIAN
        orthonormalise(w, fanIn, fanOut);
        double scale = scheme.sigmaW() * Math.sqrt(Math.max(1.0, (double) fanOut / fanIn));
        for (int k = 0; k < w.length; k++) {
          w[k] *= scale;
        }
      }
      double[] b = p.biases()[l];
      if (init.parametrised()) {
        for (int j = 0; j < b.length; j++) {
          b[j] = scheme.sigmaB() * rng.nextGaussian();
        }
      } else {
        Arrays.fill(b, scheme.biasInit());
      }
    }
    return p;
  }

  /**
   * Replaces the row-major {@code rows x cols} matrix {@code a} by the Q of its QR decomposition
   * (positive diagonal of R): orthonormal columns when {@code rows >= cols}, else orthonormal rows.
   * Modified Gram-Schmidt, applied twice for orthogonality to rounding.
   */
  static void orthonormalise(double[] a, int rows, int cols) {
    boolean byColumns = rows >= cols;
    int n = byColumns ? cols : rows; // vectors
    int len = byColumns ? rows : cols; // their length
    double[][] v = new double[n][len];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        if (byColumns) {
          v[j][i] = a[i * cols + j];
        } else {
          v[i][j] = a[i * cols + j];
        }
      }
    }
    for (int k = 0; k < n; k++) {
      for (int pass = 0; pass < 2; pass++) {
        for (int m = 0; m < k; m++) {
          double dot = 0.0;
          for (int t = 0; t < len; t++) {
            dot += v[m][t] * v[k][t];
          }
          for (int t = 0; t < len; t++) {
            v[k][t] -= dot * v[m][t];
          }
        }
      }
      double norm = 0.0;
      for (int t = 0; t < len; t++) {
        norm += v[k][t] * v[k][t];
      }
      norm = Math.sqrt(norm);
      for (int t = 0; t < len; t++) {
        v[k][t] /= norm;
      }
    }
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        a[i * cols + j] = byColumns ? v[j][i] : v[i][j];
      }
    }
  }
}
