package dev.depthlab.backend.cpu;

/**
 * Dense-layer kernels in double over flat row-major arrays; nothing here allocates. {@link Dense32}
 * is the float twin. These are the CPU backend's scalar path, run when the JVM has no Vector API
 * ({@link CpuKernels}); {@link VectorGemm64} computes the same sums faster.
 *
 * <p>Their speed comes from two things, not from SIMD (the JIT does not vectorise loops this
 * short): ReLU leaves about half of all activations and back-propagated gradients exactly zero, so
 * each row's non-zero positions are listed once (branch-free) and only those are visited; and
 * outputs are computed four at a time in local accumulators, which cuts the loads and stores per
 * multiply-add. Sums still run in a fixed order (increasing input index), each term one {@code
 * Math.fma} into the accumulator (docs/arithmetic.md), and skipping exact zeros changes no result.
 */
final class Dense64 {
  private Dense64() {}

  /**
   * Lists the non-zero positions of each of {@code rows} rows of {@code a[rows x cols]}: row s's
   * count goes to {@code cnt[s]}, its positions to {@code idx[s * cols ...]}.
   */
  static void nonZeros(double[] a, int rows, int cols, int[] idx, int[] cnt) {
    for (int s = 0; s < rows; s++) {
      int o = s * cols;
      int c = 0;
      for (int i = 0; i < cols; i++) {
        idx[o + c] = i;
        c += a[o + i] != 0.0 ? 1 : 0;
      }
      cnt[s] = c;
    }
  }

  /**
   * {@code z[rows x out] = a[rows x in] * w[in x out] + b}, visiting only the non-zero inputs
   * listed by {@link #nonZeros} for {@code a}.
   */
  static void multAddBias(
      double[] a,
      int rows,
      int in,
      int[] idx,
      int[] cnt,
      double[] w,
      int out,
      double[] b,
      double[] z) {
    for (int s = 0; s < rows; s++) {
      int ao = s * in;
      int zo = s * out;
      int n = cnt[s];
      int j = 0;
      for (; j + 7 < out; j += 8) {
        double c0 = b[j];
        double c1 = b[j + 1];
        double c2 = b[j + 2];
        double c3 = b[j + 3];
        double c4 = b[j + 4];
        double c5 = b[j + 5];
        double c6 = b[j + 6];
        double c7 = b[j + 7];
        for (int k = 0; k < n; k++) {
          int i = idx[ao + k];
          double av = a[ao + i];
          int wo = i * out + j;
          c0 = Math.fma(av, w[wo], c0);
          c1 = Math.fma(av, w[wo + 1], c1);
          c2 = Math.fma(av, w[wo + 2], c2);
          c3 = Math.fma(av, w[wo + 3], c3);
          c4 = Math.fma(av, w[wo + 4], c4);
          c5 = Math.fma(av, w[wo + 5], c5);
          c6 = Math.fma(av, w[wo + 6], c6);
          c7 = Math.fma(av, w[wo + 7], c7);
        }
        z[zo + j] = c0;
        z[zo + j + 1] = c1;
        z[zo + j + 2] = c2;
        z[zo + j + 3] = c3;
        z[zo + j + 4] = c4;
        z[zo + j + 5] = c5;
        z[zo + j + 6] = c6;
        z[zo + j + 7] = c7;
      }
      for (; j + 3 < out; j += 4) {
        double c0 = b[j];
        double c1 = b[j + 1];
        double c2 = b[j + 2];
        double c3 = b[j + 3];
        for (int k = 0; k < n; k++) {
          int i = idx[ao + k];
          double av = a[ao + i];
          int wo = i * out + j;
          c0 = Math.fma(av, w[wo], c0);
          c1 = Math.fma(av, w[wo + 1], c1);
          c2 = Math.fma(av, w[wo + 2], c2);
          c3 = Math.fma(av, w[wo + 3], c3);
        }
        z[zo + j] = c0;
        z[zo + j + 1] = c1;
        z[zo + j + 2] = c2;
        z[zo + j + 3] = c3;
      }
      for (; j < out; j++) {
        double c = b[j];
        for (int k = 0; k < n; k++) {
          int i = idx[ao + k];
          c = Math.fma(a[ao + i], w[i * out + j], c);
        }
        z[zo + j] = c;
      }
    }
  }

  /**
   * {@code dw[in x out] = a[rows x in]^T * dz[rows x out]} and {@code db = column sums of dz},
   * visiting only the non-zero entries of each row of a and of dz (both listed by {@link
   * #nonZeros}); every sum runs over rows in order.
   */
  static void multTransA(
      double[] a,
      int[] aIdx,
      int[] aCnt,
      double[] dz,
      int[] gIdx,
      int[] gCnt,
      int rows,
      int in,
      int out,
      double[] dw,
      double[] db) {
    java.util.Arrays.fill(dw, 0, in * out, 0.0);
    java.util.Arrays.fill(db, 0, out, 0.0);
    for (int s = 0; s < rows; s++) {
      int ao = s * in;
      int zo = s * out;
      int ng = gCnt[s];
      for (int kg = 0; kg < ng; kg++) {
        int j = gIdx[zo + kg];
        db[j] += dz[zo + j];
      }
      int na = aCnt[s];
      for (int ka = 0; ka < na; ka++) {
        int i = aIdx[ao + ka];
        double av = a[ao + i];
        int wo = i * out;
        for (int kg = 0; kg < ng; kg++) {
          int j = gIdx[zo + kg];
          dw[wo + j] = Math.fma(av, dz[zo + j], dw[wo + j]);
        }
      }
    }
  }

  /**
   * {@code da[rows x in] = dz[rows x out] * w[in x out]^T}, visiting only the non-zero entries of
   * each dz row listed by {@link #nonZeros} for {@code dz}.
   */
  static void multTransB(
      double[] dz, int rows, int out, int[] idx, int[] cnt, double[] w, int in, double[] da) {
    for (int s = 0; s < rows; s++) {
      int zo = s * out;
      int ao = s * in;
      int n = cnt[s];
      int i = 0;
      for (; i + 3 < in; i += 4) {
        int w0 = i * out;
        int w1 = w0 + out;
        int w2 = w1 + out;
        int w3 = w2 + out;
        double c0 = 0.0;
        double c1 = 0.0;
        double c2 = 0.0;
        double c3 = 0.0;
        for (int k = 0; k < n; k++) {
          int j = idx[zo + k];
          double d = dz[zo + j];
          c0 = Math.fma(d, w[w0 + j], c0);
          c1 = Math.fma(d, w[w1 + j], c1);
          c2 = Math.fma(d, w[w2 + j], c2);
          c3 = Math.fma(d, w[w3 + j], c3);
        }
        da[ao + i] = c0;
        da[ao + i + 1] = c1;
        da[ao + i + 2] = c2;
        da[ao + i + 3] = c3;
      }
      for (; i < in; i++) {
        int wo = i * out;
        double c = 0.0;
        for (int k = 0; k < n; k++) {
          int j = idx[zo + k];
          c = Math.fma(dz[zo + j], w[wo + j], c);
        }
        da[ao + i] = c;
      }
    }
  }

  /**
   * ReLU's input gradient in one pass: {@code da = (dz * w^T)} masked to the positions where the
   * layer's ReLU output is positive (listed by {@link #nonZeros} for that output as {@code
   * keepIdx/keepCnt}); every other position is 0, as ReLU's derivative makes it. Computes only the
   * kept entries, with the same sums as {@link #multTransB}.
   */
  static void multTransBMasked(
      double[] dz,
      int rows,
      int out,
      int[] idx,
      int[] cnt,
      double[] w,
      int in,
      int[] keepIdx,
      int[] keepCnt,
      double[] da) {
    java.util.Arrays.fill(da, 0, rows * in, 0.0);
    for (int s = 0; s < rows; s++) {
      int zo = s * out;
      int ao = s * in;
      int n = cnt[s];
      int keep = keepCnt[s];
      int k = 0;
      for (; k + 1 < keep; k += 2) {
        int i0 = keepIdx[ao + k];
        int i1 = keepIdx[ao + k + 1];
        int w0 = i0 * out;
        int w1 = i1 * out;
        double c0 = 0.0;
        double c1 = 0.0;
        for (int m = 0; m < n; m++) {
          int j = idx[zo + m];
          double d = dz[zo + j];
          c0 = Math.fma(d, w[w0 + j], c0);
          c1 = Math.fma(d, w[w1 + j], c1);
        }
        da[ao + i0] = c0;
        da[ao + i1] = c1;
      }
      for (; k < keep; k++) {
        int i = keepIdx[ao + k];
        int wo = i * out;
        double c = 0.0;
        for (int m = 0; m < n; m++) {
          int j = idx[zo + m];
          c = Math.fma(dz[zo + j], w[wo + j], c);
        }
        da[ao + i] = c;
      }
    }
  }

  /** {@code w -= lr * dw} over n elements; returns the squared norm of dw. */
  static double sgdUpdate(double[] w, double[] dw, int n, double lr) {
    double sq = 0.0;
    for (int k = 0; k < n; k++) {
      double g = dw[k];
      sq = Math.fma(g, g, sq);
      w[k] = Math.fma(-lr, g, w[k]);
    }
    return sq;
  }

  /**
   * {@link #sgdUpdate} of two {@code rows x cols} weight matrices (two wide hidden layers of one
   * shape) in one loop, their squared norms into {@code sq[off]} and {@code sq[off + 1]}: the same
   * sums in the same order, but the two chains of dependent adds run side by side.
   */
  static void sgdUpdatePair(
      double[] w1,
      double[] dw1,
      double[] w2,
      double[] dw2,
      int rows,
      int cols,
      double lr,
      double[] sq,
      int off) {
    double sq1 = 0.0;
    double sq2 = 0.0;
    int n = rows * cols;
    for (int k = 0; k < n; k++) {
      double g1 = dw1[k];
      double g2 = dw2[k];
      sq1 = Math.fma(g1, g1, sq1);
      sq2 = Math.fma(g2, g2, sq2);
      w1[k] = Math.fma(-lr, g1, w1[k]);
      w2[k] = Math.fma(-lr, g2, w2[k]);
    }
    sq[off] = sq1;
    sq[off + 1] = sq2;
  }

  /**
   * {@link #sgdUpdate} of a {@code rows x cols} weight matrix that also writes the updated matrix
   * transposed into {@code wT} ({@code wT[j * rows + i] = w[i * cols + j]}); the same sums, in the
   * same order. The squared norm's chain of dependent adds bounds this loop, so the transposed
   * stores come almost free.
   */
  static double sgdUpdateTransposed(
      double[] w, double[] dw, double[] wT, int rows, int cols, double lr) {
    double sq = 0.0;
    for (int i = 0; i < rows; i++) {
      int o = i * cols;
      for (int j = 0; j < cols; j++) {
        double g = dw[o + j];
        sq = Math.fma(g, g, sq);
        double v = Math.fma(-lr, g, w[o + j]);
        w[o + j] = v;
        wT[j * rows + i] = v;
      }
    }
    return sq;
  }

  /**
   * {@link #sgdUpdateTransposed} of two weight matrices of one shape in one loop; their squared
   * norms go to {@code sq[off]} and {@code sq[off + 1]}, each summed in its own order as alone. The
   * two chains of dependent adds then overlap.
   */
  static void sgdUpdateTransposedPair(
      double[] w1,
      double[] dw1,
      double[] wT1,
      double[] w2,
      double[] dw2,
      double[] wT2,
      int rows,
      int cols,
      double lr,
      double[] sq,
      int off) {
    double sq1 = 0.0;
    double sq2 = 0.0;
    for (int i = 0; i < rows; i++) {
      int o = i * cols;
      for (int j = 0; j < cols; j++) {
        double g1 = dw1[o + j];
        double g2 = dw2[o + j];
        sq1 = Math.fma(g1, g1, sq1);
        sq2 = Math.fma(g2, g2, sq2);
        double v1 = Math.fma(-lr, g1, w1[o + j]);
        double v2 = Math.fma(-lr, g2, w2[o + j]);
        w1[o + j] = v1;
        w2[o + j] = v2;
        wT1[j * rows + i] = v1;
        wT2[j * rows + i] = v2;
      }
    }
    sq[off] = sq1;
    sq[off + 1] = sq2;
  }
}
