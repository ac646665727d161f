package dev.depthlab.backend.cpu;

/**
 * Dense-layer kernels in double over flat row-major arrays. Inner loops run over contiguous
 * memory so the JIT can vectorise them; nothing here allocates. {@link Dense32} is the float twin.
 */
final class Dense64 {
  private Dense64() {}

  /** {@code z[rows x out] = a[rows x in] * w[in x out] + b}. */
  static void multAddBias(double[] a, int rows, int in, double[] w, int out, double[] b, double[] z) {
    for (int s = 0; s < rows; s++) {
      int zo = s * out;
      System.arraycopy(b, 0, z, zo, out);
      int ao = s * in;
      for (int i = 0; i < in; i++) {
        double av = a[ao + i];
        if (av == 0.0) {
          continue; // ReLU zeros are common; skipping them changes no bit of the result
        }
        int wo = i * out;
        for (int j = 0; j < out; j++) {
          z[zo + j] += av * w[wo + j];
        }
      }
    }
  }

  /** {@code dw[in x out] = a[rows x in]^T * dz[rows x out]}, {@code db = column sums of dz}. */
  static void multTransA(
      double[] a, double[] dz, int rows, int in, int out, double[] dw, double[] db) {
    java.util.Arrays.fill(dw, 0, in * out, 0.0);
    java.util.Arrays.fill(db, 0, out, 0.0);
    for (int s = 0; s < rows; s++) {
      int ao = s * in;
      int zo = s * out;
      for (int j = 0; j < out; j++) {
        db[j] += dz[zo + j];
      }
      for (int i = 0; i < in; i++) {
        double av = a[ao + i];
        if (av == 0.0) {
          continue;
        }
        int wo = i * out;
        for (int j = 0; j < out; j++) {
          dw[wo + j] += av * dz[zo + j];
        }
      }
    }
  }

  /** {@code da[rows x in] = dz[rows x out] * w[in x out]^T}. */
  static void multTransB(double[] dz, int rows, int out, double[] w, int in, double[] da) {
    for (int s = 0; s < rows; s++) {
      int zo = s * out;
      int ao = s * in;
      for (int i = 0; i < in; i++) {
        int wo = i * out;
        double sum = 0.0;
        for (int j = 0; j < out; j++) {
          sum += dz[zo + j] * w[wo + j];
        }
        da[ao + i] = sum;
      }
    }
  }

  /** {@code w -= lr * dw} over n elements; returns the squared norm of dw. */
  static double sgdUpdate(double[] w, double[] dw, int n, double lr) {
    double sq = 0.0;
    for (int k = 0; k < n; k++) {
      double g = dw[k];
      sq += g * g;
      w[k] -= lr * g;
    }
    return sq;
  }

  static double squaredNorm(double[] v, int n) {
    double sq = 0.0;
    for (int k = 0; k < n; k++) {
      sq += v[k] * v[k];
    }
    return sq;
  }
}
