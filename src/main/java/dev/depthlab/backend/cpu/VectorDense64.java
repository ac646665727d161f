package dev.depthlab.backend.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The dense layer {@code z = b + a W} with the incubating Vector API: the only class that names
 * {@code jdk.incubator.vector}, loaded through {@link CpuKernels} only when that module is present.
 *
 * <p>Each z[s][j] is summed exactly as {@link Dense64#multAddBias} sums it: b_j, then + a_si * w_ij
 * for i increasing, each product rounded before the add ({@code mul} then {@code add}, never {@code
 * fma}), so the bits are the scalar path's. It does not skip zero inputs: adding an exact zero
 * product changes no finite sum (b is never -0.0 here), and dense blocks keep the vector units
 * busy. Four rows times two vectors of outputs stay in registers while i runs; row and column tails
 * run the same sums with fewer rows, one vector, or scalars.
 */
final class VectorDense64 {
  private VectorDense64() {}

  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  /** Doubles per vector on this machine. */
  static int lanes() {
    return L;
  }

  /** {@code z[rows x out] = b + a[rows x in] * w[in x out]}, all flat row-major. */
  static void multAddBias(
      double[] a, int rows, int in, double[] w, int out, double[] b, double[] z) {
    int s = 0;
    for (; s + 3 < rows; s += 4) {
      rows4(a, s, in, w, out, b, z);
    }
    for (; s < rows; s++) {
      row1(a, s, in, w, out, b, z);
    }
  }

  /** Rows s..s+3: two vectors of columns at a time, then one, then scalar columns. */
  private static void rows4(
      double[] a, int s, int in, double[] w, int out, double[] b, double[] z) {
    int a0 = s * in;
    int a1 = a0 + in;
    int a2 = a1 + in;
    int a3 = a2 + in;
    int z0 = s * out;
    int z1 = z0 + out;
    int z2 = z1 + out;
    int z3 = z2 + out;
    int j = 0;
    for (; j + 2 * L <= out; j += 2 * L) {
      DoubleVector bl = DoubleVector.fromArray(S, b, j);
      DoubleVector bh = DoubleVector.fromArray(S, b, j + L);
      DoubleVector c0l = bl;
      DoubleVector c0h = bh;
      DoubleVector c1l = bl;
      DoubleVector c1h = bh;
      DoubleVector c2l = bl;
      DoubleVector c2h = bh;
      DoubleVector c3l = bl;
      DoubleVector c3h = bh;
      for (int i = 0; i < in; i++) {
        int wo = i * out + j;
        DoubleVector wl = DoubleVector.fromArray(S, w, wo);
        DoubleVector wh = DoubleVector.fromArray(S, w, wo + L);
        DoubleVector v0 = DoubleVector.broadcast(S, a[a0 + i]);
        DoubleVector v1 = DoubleVector.broadcast(S, a[a1 + i]);
        DoubleVector v2 = DoubleVector.broadcast(S, a[a2 + i]);
        DoubleVector v3 = DoubleVector.broadcast(S, a[a3 + i]);
        c0l = c0l.add(wl.mul(v0));
        c0h = c0h.add(wh.mul(v0));
        c1l = c1l.add(wl.mul(v1));
        c1h = c1h.add(wh.mul(v1));
        c2l = c2l.add(wl.mul(v2));
        c2h = c2h.add(wh.mul(v2));
        c3l = c3l.add(wl.mul(v3));
        c3h = c3h.add(wh.mul(v3));
      }
      c0l.intoArray(z, z0 + j);
      c0h.intoArray(z, z0 + j + L);
      c1l.intoArray(z, z1 + j);
      c1h.intoArray(z, z1 + j + L);
      c2l.intoArray(z, z2 + j);
      c2h.intoArray(z, z2 + j + L);
      c3l.intoArray(z, z3 + j);
      c3h.intoArray(z, z3 + j + L);
    }
    for (; j + L <= out; j += L) {
      DoubleVector bl = DoubleVector.fromArray(S, b, j);
      DoubleVector c0 = bl;
      DoubleVector c1 = bl;
      DoubleVector c2 = bl;
      DoubleVector c3 = bl;
      for (int i = 0; i < in; i++) {
        DoubleVector wl = DoubleVector.fromArray(S, w, i * out + j);
        c0 = c0.add(wl.mul(DoubleVector.broadcast(S, a[a0 + i])));
        c1 = c1.add(wl.mul(DoubleVector.broadcast(S, a[a1 + i])));
        c2 = c2.add(wl.mul(DoubleVector.broadcast(S, a[a2 + i])));
        c3 = c3.add(wl.mul(DoubleVector.broadcast(S, a[a3 + i])));
      }
      c0.intoArray(z, z0 + j);
      c1.intoArray(z, z1 + j);
      c2.intoArray(z, z2 + j);
      c3.intoArray(z, z3 + j);
    }
    for (; j < out; j++) {
      double c0 = b[j];
      double c1 = c0;
      double c2 = c0;
      double c3 = c0;
      for (int i = 0; i < in; i++) {
        double wv = w[i * out + j];
        c0 += a[a0 + i] * wv;
        c1 += a[a1 + i] * wv;
        c2 += a[a2 + i] * wv;
        c3 += a[a3 + i] * wv;
      }
      z[z0 + j] = c0;
      z[z1 + j] = c1;
      z[z2 + j] = c2;
      z[z3 + j] = c3;
    }
  }

  /** Row s alone (the rows left after blocks of four): one vector of columns, then scalars. */
  private static void row1(double[] a, int s, int in, double[] w, int out, double[] b, double[] z) {
    int ao = s * in;
    int zo = s * out;
    int j = 0;
    for (; j + L <= out; j += L) {
      DoubleVector c = DoubleVector.fromArray(S, b, j);
      for (int i = 0; i < in; i++) {
        DoubleVector wl = DoubleVector.fromArray(S, w, i * out + j);
        c = c.add(wl.mul(DoubleVector.broadcast(S, a[ao + i])));
      }
      c.intoArray(z, zo + j);
    }
    for (; j < out; j++) {
      double c = b[j];
      for (int i = 0; i < in; i++) {
        c += a[ao + i] * w[i * out + j];
      }
      z[zo + j] = c;
    }
  }
}
