package dev.depthlab.backend.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The CPU fast path's kernels in double with the incubating Vector API: one matrix product that
 * serves all three products of a training step, and the small vector loops around it. Only {@link
 * CpuKernels} decides whether this class is used, so the jar runs without the module. {@link
 * VectorGemm32} is its float twin (tools/gen-fp32-twins.sh).
 *
 * <p>The product is {@code c[m x n] = init + sum_k A(r, k) * bm[k x n]}, where A is read through
 * strides, {@code A(r, k) = a[r * ars + k * acs]}, so the same code runs {@code z = b + a W}
 * (forward), {@code dW = a^T dz} (A is a transposed) and {@code da = dz W^T} (B is W transposed).
 * Every output is summed exactly as the scalar kernels of {@link Dense64} sum it: the initial
 * value, then one fused multiply-add after another for k increasing ({@code lanewise FMA}, the
 * scalar kernels' {@code Math.fma}; docs/arithmetic.md). Splitting k into blocks stores the partial
 * sum and loads it back, which changes no rounding. So the bits are the scalar path's, and {@link
 * VectorGemmTest} checks it. Exact zeros are not skipped: adding a zero product changes no finite
 * sum, and the sums here never hold -0.0 (they start at +0.0 or a bias, and x + y is -0.0 only when
 * both are).
 *
 * <p>Blocking: four rows (eight in a wide product on 512-bit vectors, {@link #ROWS}) times two
 * vectors of columns stay in registers while k runs over a block of {@link #KC}. A narrow
 * right-hand side (one strip of two vectors) is read in place; a wider or transposed one is copied
 * block by block into a contiguous panel (KC rows, two vectors wide) that stays in the L1 cache for
 * all rows, and a wide product also copies each block of A's rows into a panel. Row and column
 * tails run the same sums with fewer rows, one vector or scalars.
 */
final class VectorGemm64 {
  private VectorGemm64() {}

  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  /**
   * Rows of a wide product's register block: eight (16 accumulators) where vectors are 512 bits
   * wide, as AVX-512's 32 vector registers hold them with the two panel vectors; four (8
   * accumulators) on narrower vectors, whose 16 registers would spill eight rows. Eight rows halve
   * the panel loads per FMA: the fp32 products at width 1024, timed alone, ran 1.2-1.5x faster.
   */
  static final int ROWS = S.vectorBitSize() >= 512 ? 8 : 4;

  /** Rows of the right-hand side per block: 256 x 2 vectors of 8 doubles is 32 KiB. */
  static final int KC = 256;

  /**
   * Whether {@link #gemm} reads a right-hand side of n contiguous columns in place (one strip of
   * two vectors covers it); wider ones are packed into panels block by block.
   */
  static boolean readsInPlace(int n) {
    return n <= 2 * L;
  }

  /** Lanes per vector on this machine. */
  static int lanes() {
    return L;
  }

  /**
   * {@code c[m x n] = init + A * B} with {@code A(r, q) = a[r * ars + q * acs]} and {@code B(q, j)
   * = bm[q * brs + j * bcs]}; {@code init} is a row of n values added first to every row, or null
   * for zero; c is flat row-major with n columns.
   */
  static void gemm(
      double[] a,
      int ars,
      int acs,
      double[] bm,
      int brs,
      int bcs,
      double[] init,
      double[] c,
      int m,
      int n,
      int k) {
    checkShapes(a.length, ars, acs, bm.length, brs, bcs, init, c.length, m, n, k);
    if (k == 0) {
      for (int r = 0; r < m; r++) {
        for (int j = 0; j < n; j++) {
          c[r * n + j] = init == null ? 0.0 : init[j];
        }
      }
      return;
    }
    // B is read in place when its rows are contiguous and one strip of columns covers it. Else
    // each block of it is first copied into a contiguous panel (as BLAS libraries do): a
    // transposed B then needs no transposed copy, and a wide B's rows, a multiple of 4 KiB apart,
    // no longer share a few L1 sets. Wide products also copy a block of A's rows into a panel,
    // read once per strip of columns.
    boolean inPlace = bcs == 1 && readsInPlace(n);
    boolean wide = n > 2 * L;
    int m4 = m / 4 * 4;
    int mp = m / ROWS * ROWS;
    double[] bPanel = inPlace ? null : new double[Math.min(k, KC) * 2 * L];
    double[] aPanel = wide && mp > 0 ? new double[mp * Math.min(k, KC)] : null;
    for (int k0 = 0; k0 < k; k0 += KC) {
      int k1 = Math.min(k, k0 + KC);
      int kb = k1 - k0;
      boolean first = k0 == 0;
      if (aPanel != null) {
        packRows(a, ars, acs, mp, k0, k1, aPanel);
      }
      int j = 0;
      for (; j + 2 * L <= n; j += 2 * L) {
        double[] bp = bm;
        int bBase = j;
        int ldb = brs;
        if (!inPlace) {
          pack(bm, brs, bcs, k0, k1, j, 2 * L, bPanel);
          bp = bPanel;
          bBase = -k0 * 2 * L;
          ldb = 2 * L;
        }
        int r = 0;
        if (aPanel != null) {
          for (; r < mp; r += ROWS) {
            int aBase = r * kb - k0 * ROWS;
            if (ROWS == 8) {
              rows8x2(aPanel, aBase, bp, bBase, ldb, init, c, r, j, n, k0, k1, first);
            } else {
              rows4x2(aPanel, aBase, 1, 4, bp, bBase, ldb, init, c, r, j, n, k0, k1, first);
            }
          }
        }
        for (; r < m4; r += 4) {
          rows4x2(a, r * ars, ars, acs, bp, bBase, ldb, init, c, r, j, n, k0, k1, first);
        }
        for (; r < m; r++) {
          rows1x2(a, r * ars, acs, bp, bBase, ldb, init, c, r, j, n, k0, k1, first);
        }
      }
      for (; j + L <= n; j += L) {
        double[] bp = bm;
        int bBase = j;
        int ldb = brs;
        if (!inPlace) {
          pack(bm, brs, bcs, k0, k1, j, L, bPanel);
          bp = bPanel;
          bBase = -k0 * L;
          ldb = L;
        }
        int r = 0;
        for (; r + 3 < m; r += 4) {
          rows4x1(a, r * ars, ars, acs, bp, bBase, ldb, init, c, r, j, n, k0, k1, first);
        }
        for (; r < m; r++) {
          rows1x1(a, r * ars, acs, bp, bBase, ldb, init, c, r, j, n, k0, k1, first);
        }
      }
      for (; j < n; j++) {
        column(a, ars, acs, bm, brs, bcs, init, c, m, n, j, k0, k1, first);
      }
    }
  }

  /**
   * One column j of c, k in [k0, k1) (an output layer's single column, or the columns left over
   * after whole vectors). When A's rows are contiguous and c is a single column (the output layer's
   * weight gradient a^T g) a vector holds L rows; otherwise four rows run as four independent
   * scalar sums.
   */
  private static void column(
      double[] a,
      int ars,
      int acs,
      double[] bm,
      int brs,
      int bcs,
      double[] init,
      double[] c,
      int m,
      int n,
      int j,
      int k0,
      int k1,
      boolean first) {
    double c0 = init == null ? 0.0 : init[j];
    int r = 0;
    if (ars == 1 && n == 1) {
      for (; r + L <= m; r += L) {
        DoubleVector acc = first ? DoubleVector.broadcast(S, c0) : DoubleVector.fromArray(S, c, r);
        for (int q = k0; q < k1; q++) {
          double bv = bm[q * brs + j * bcs];
          acc = DoubleVector.fromArray(S, a, r + q * acs).fma(DoubleVector.broadcast(S, bv), acc);
        }
        acc.intoArray(c, r);
      }
    }
    for (; r + 3 < m; r += 4) {
      int r0 = r * ars;
      int r1 = r0 + ars;
      int r2 = r1 + ars;
      int r3 = r2 + ars;
      double s0 = first ? c0 : c[r * n + j];
      double s1 = first ? c0 : c[(r + 1) * n + j];
      double s2 = first ? c0 : c[(r + 2) * n + j];
      double s3 = first ? c0 : c[(r + 3) * n + j];
      for (int q = k0; q < k1; q++) {
        double bv = bm[q * brs + j * bcs];
        int ao = q * acs;
        s0 = Math.fma(a[r0 + ao], bv, s0);
        s1 = Math.fma(a[r1 + ao], bv, s1);
        s2 = Math.fma(a[r2 + ao], bv, s2);
        s3 = Math.fma(a[r3 + ao], bv, s3);
      }
      c[r * n + j] = s0;
      c[(r + 1) * n + j] = s1;
      c[(r + 2) * n + j] = s2;
      c[(r + 3) * n + j] = s3;
    }
    for (; r < m; r++) {
      int ro = r * ars;
      double s = first ? c0 : c[r * n + j];
      for (int q = k0; q < k1; q++) {
        s = Math.fma(a[ro + q * acs], bm[q * brs + j * bcs], s);
      }
      c[r * n + j] = s;
    }
  }

  /** Rows of k a transposing copy handles at a time: short runs keep its lines in L1. */
  private static final int RUN = 16;

  /** {@code panel[(q - k0) * width + jj] = B(q, j + jj)} for q in [k0, k1), jj below width. */
  private static void pack(
      double[] bm, int brs, int bcs, int k0, int k1, int j, int width, double[] panel) {
    if (bcs == 1) {
      for (int q = k0; q < k1; q++) {
        System.arraycopy(bm, q * brs + j, panel, (q - k0) * width, width);
      }
      return;
    }
    // B transposed: read each of its columns along its contiguous run, RUN rows of k at a time,
    // so that the panel rows written (RUN of them) and the lines read stay in L1; a column's
    // whole block at once wrote to every line of the panel, which fills L1, for each column
    for (int q0 = k0; q0 < k1; q0 += RUN) {
      int q1 = Math.min(k1, q0 + RUN);
      for (int jj = 0; jj < width; jj++) {
        int src = (j + jj) * bcs;
        for (int q = q0; q < q1; q++) {
          panel[(q - k0) * width + jj] = bm[src + q * brs];
        }
      }
    }
  }

  /**
   * {@code aPanel[rb * ROWS * kb + (q - k0) * ROWS + i] = A(ROWS rb + i, q)} for rows below mp (a
   * multiple of {@link #ROWS}) and q in [k0, k1), kb = k1 - k0: each block of rows with its k
   * interleaved, as {@link #rows8x2} and {@link #rows4x2} read it.
   */
  private static void packRows(
      double[] a, int ars, int acs, int mp, int k0, int k1, double[] aPanel) {
    int kb = k1 - k0;
    if (ars == 1) {
      // A transposed (the weight gradient's a^T): A's rows lie side by side along a's rows, so
      // RUN rows are read along one contiguous run per q; reading one row's k, a's rows apart
      // (often a multiple of 4 KiB), touched lines that all share a few L1 sets
      for (int r0 = 0; r0 < mp; r0 += RUN) {
        int r1 = Math.min(mp, r0 + RUN);
        for (int q = k0; q < k1; q++) {
          int src = q * acs;
          int dst = (q - k0) * ROWS;
          for (int r = r0; r < r1; r++) {
            aPanel[(r / ROWS) * ROWS * kb + dst + (r % ROWS)] = a[src + r];
          }
        }
      }
      return;
    }
    for (int r = 0; r < mp; r++) {
      int dst = (r / ROWS) * ROWS * kb + (r % ROWS);
      int src = r * ars;
      for (int q = k0; q < k1; q++) {
        aPanel[dst + (q - k0) * ROWS] = a[src + q * acs];
      }
    }
  }

  /**
   * Every index {@link #gemm} will touch lies inside its arrays, checked once per call: the
   * launcher and the tests turn the Vector API's per-access checks off
   * (-Djdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK=0), so this check is what stands between a
   * wrong shape and memory outside an array.
   */
  static void checkShapes(
      int aLen,
      int ars,
      int acs,
      int bLen,
      int brs,
      int bcs,
      double[] init,
      int cLen,
      int m,
      int n,
      int k) {
    boolean ok =
        m >= 0
            && n >= 0
            && k >= 0
            && ars >= 0
            && acs >= 0
            && brs >= 0
            && bcs >= 0
            && (init == null || init.length >= n)
            && (long) m * n <= cLen
            && (m == 0 || k == 0 || (long) (m - 1) * ars + (long) (k - 1) * acs < aLen)
            && (n == 0 || k == 0 || (long) (k - 1) * brs + (long) (n - 1) * bcs < bLen);
    if (!ok) {
      throw new IllegalArgumentException(
          String.format(
              "gemm shapes out of range: m %d, n %d, k %d, strides a %d/%d b %d/%d, lengths a %d,"
                  + " b %d, init %d, c %d",
              m, n, k, ars, acs, brs, bcs, aLen, bLen, init == null ? -1 : init.length, cLen));
    }
  }

  private static DoubleVector start(double[] init, double[] c, int off, int j, boolean first) {
    if (!first) {
      return DoubleVector.fromArray(S, c, off);
    }
    return init == null ? DoubleVector.zero(S) : DoubleVector.fromArray(S, init, j);
  }

  /**
   * Rows r..r+3, columns j..j+2L, k in [k0, k1); row q of the right-hand side's columns j.. starts
   * at {@code bm[base + q * ldb]} (the matrix itself, or a packed panel).
   */
  private static void rows4x2(
      double[] a,
      int aBase,
      int ars,
      int acs,
      double[] bm,
      int base,
      int ldb,
      double[] init,
      double[] c,
      int r,
      int j,
      int n,
      int k0,
      int k1,
      boolean first) {
    int o0 = r * n + j;
    int o1 = o0 + n;
    int o2 = o1 + n;
    int o3 = o2 + n;
    DoubleVector c0l = start(init, c, o0, j, first);
    DoubleVector c0h = start(init, c, o0 + L, j + L, first);
    DoubleVector c1l = start(init, c, o1, j, first);
    DoubleVector c1h = start(init, c, o1 + L, j + L, first);
    DoubleVector c2l = start(init, c, o2, j, first);
    DoubleVector c2h = start(init, c, o2 + L, j + L, first);
    DoubleVector c3l = start(init, c, o3, j, first);
    DoubleVector c3h = start(init, c, o3 + L, j + L, first);
    int a0 = aBase;
    int a1 = a0 + ars;
    int a2 = a1 + ars;
    int a3 = a2 + ars;
    for (int q = k0; q < k1; q++) {
      int bo = base + q * ldb;
      int ao = q * acs;
      DoubleVector bl = DoubleVector.fromArray(S, bm, bo);
      DoubleVector bh = DoubleVector.fromArray(S, bm, bo + L);
      DoubleVector v0 = DoubleVector.broadcast(S, a[a0 + ao]);
      DoubleVector v1 = DoubleVector.broadcast(S, a[a1 + ao]);
      DoubleVector v2 = DoubleVector.broadcast(S, a[a2 + ao]);
      DoubleVector v3 = DoubleVector.broadcast(S, a[a3 + ao]);
      c0l = bl.fma(v0, c0l);
      c0h = bh.fma(v0, c0h);
      c1l = bl.fma(v1, c1l);
      c1h = bh.fma(v1, c1h);
      c2l = bl.fma(v2, c2l);
      c2h = bh.fma(v2, c2h);
      c3l = bl.fma(v3, c3l);
      c3h = bh.fma(v3, c3h);
    }
    c0l.intoArray(c, o0);
    c0h.intoArray(c, o0 + L);
    c1l.intoArray(c, o1);
    c1h.intoArray(c, o1 + L);
    c2l.intoArray(c, o2);
    c2h.intoArray(c, o2 + L);
    c3l.intoArray(c, o3);
    c3h.intoArray(c, o3 + L);
  }

  /**
   * Rows r..r+7, columns j..j+2L, k in [k0, k1), A from a panel of {@link #packRows} (row i of the
   * block at {@code a[aBase + q * 8 + i]}): 16 accumulators, the same sums as {@link #rows4x2}.
   */
  private static void rows8x2(
      double[] a,
      int aBase,
      double[] bm,
      int base,
      int ldb,
      double[] init,
      double[] c,
      int r,
      int j,
      int n,
      int k0,
      int k1,
      boolean first) {
    int o0 = r * n + j;
    int o1 = o0 + n;
    int o2 = o1 + n;
    int o3 = o2 + n;
    int o4 = o3 + n;
    int o5 = o4 + n;
    int o6 = o5 + n;
    int o7 = o6 + n;
    DoubleVector c0l = start(init, c, o0, j, first);
    DoubleVector c0h = start(init, c, o0 + L, j + L, first);
    DoubleVector c1l = start(init, c, o1, j, first);
    DoubleVector c1h = start(init, c, o1 + L, j + L, first);
    DoubleVector c2l = start(init, c, o2, j, first);
    DoubleVector c2h = start(init, c, o2 + L, j + L, first);
    DoubleVector c3l = start(init, c, o3, j, first);
    DoubleVector c3h = start(init, c, o3 + L, j + L, first);
    DoubleVector c4l = start(init, c, o4, j, first);
    DoubleVector c4h = start(init, c, o4 + L, j + L, first);
    DoubleVector c5l = start(init, c, o5, j, first);
    DoubleVector c5h = start(init, c, o5 + L, j + L, first);
    DoubleVector c6l = start(init, c, o6, j, first);
    DoubleVector c6h = start(init, c, o6 + L, j + L, first);
    DoubleVector c7l = start(init, c, o7, j, first);
    DoubleVector c7h = start(init, c, o7 + L, j + L, first);
    for (int q = k0; q < k1; q++) {
      int bo = base + q * ldb;
      int ao = aBase + q * 8;
      DoubleVector bl = DoubleVector.fromArray(S, bm, bo);
      DoubleVector bh = DoubleVector.fromArray(S, bm, bo + L);
      DoubleVector v0 = DoubleVector.broadcast(S, a[ao + 0]);
      c0l = bl.fma(v0, c0l);
      c0h = bh.fma(v0, c0h);
      DoubleVector v1 = DoubleVector.broadcast(S, a[ao + 1]);
      c1l = bl.fma(v1, c1l);
      c1h = bh.fma(v1, c1h);
      DoubleVector v2 = DoubleVector.broadcast(S, a[ao + 2]);
      c2l = bl.fma(v2, c2l);
      c2h = bh.fma(v2, c2h);
      DoubleVector v3 = DoubleVector.broadcast(S, a[ao + 3]);
      c3l = bl.fma(v3, c3l);
      c3h = bh.fma(v3, c3h);
      DoubleVector v4 = DoubleVector.broadcast(S, a[ao + 4]);
      c4l = bl.fma(v4, c4l);
      c4h = bh.fma(v4, c4h);
      DoubleVector v5 = DoubleVector.broadcast(S, a[ao + 5]);
      c5l = bl.fma(v5, c5l);
      c5h = bh.fma(v5, c5h);
      DoubleVector v6 = DoubleVector.broadcast(S, a[ao + 6]);
      c6l = bl.fma(v6, c6l);
      c6h = bh.fma(v6, c6h);
      DoubleVector v7 = DoubleVector.broadcast(S, a[ao + 7]);
      c7l = bl.fma(v7, c7l);
      c7h = bh.fma(v7, c7h);
    }
    c0l.intoArray(c, o0);
    c0h.intoArray(c, o0 + L);
    c1l.intoArray(c, o1);
    c1h.intoArray(c, o1 + L);
    c2l.intoArray(c, o2);
    c2h.intoArray(c, o2 + L);
    c3l.intoArray(c, o3);
    c3h.intoArray(c, o3 + L);
    c4l.intoArray(c, o4);
    c4h.intoArray(c, o4 + L);
    c5l.intoArray(c, o5);
    c5h.intoArray(c, o5 + L);
    c6l.intoArray(c, o6);
    c6h.intoArray(c, o6 + L);
    c7l.intoArray(c, o7);
    c7h.intoArray(c, o7 + L);
  }

  /** Rows r..r+3, columns j..j+L. */
  private static void rows4x1(
      double[] a,
      int aBase,
      int ars,
      int acs,
      double[] bm,
      int base,
      int ldb,
      double[] init,
      double[] c,
      int r,
      int j,
      int n,
      int k0,
      int k1,
      boolean first) {
    int o0 = r * n + j;
    int o1 = o0 + n;
    int o2 = o1 + n;
    int o3 = o2 + n;
    DoubleVector c0 = start(init, c, o0, j, first);
    DoubleVector c1 = start(init, c, o1, j, first);
    DoubleVector c2 = start(init, c, o2, j, first);
    DoubleVector c3 = start(init, c, o3, j, first);
    int a0 = aBase;
    int a1 = a0 + ars;
    int a2 = a1 + ars;
    int a3 = a2 + ars;
    for (int q = k0; q < k1; q++) {
      int ao = q * acs;
      DoubleVector bv = DoubleVector.fromArray(S, bm, base + q * ldb);
      c0 = bv.fma(DoubleVector.broadcast(S, a[a0 + ao]), c0);
      c1 = bv.fma(DoubleVector.broadcast(S, a[a1 + ao]), c1);
      c2 = bv.fma(DoubleVector.broadcast(S, a[a2 + ao]), c2);
      c3 = bv.fma(DoubleVector.broadcast(S, a[a3 + ao]), c3);
    }
    c0.intoArray(c, o0);
    c1.intoArray(c, o1);
    c2.intoArray(c, o2);
    c3.intoArray(c, o3);
  }

  /** Row r, columns j..j+2L. */
  private static void rows1x2(
      double[] a,
      int aBase,
      int acs,
      double[] bm,
      int base,
      int ldb,
      double[] init,
      double[] c,
      int r,
      int j,
      int n,
      int k0,
      int k1,
      boolean first) {
    int o = r * n + j;
    DoubleVector cl = start(init, c, o, j, first);
    DoubleVector ch = start(init, c, o + L, j + L, first);
    int ar = aBase;
    for (int q = k0; q < k1; q++) {
      int bo = base + q * ldb;
      DoubleVector v = DoubleVector.broadcast(S, a[ar + q * acs]);
      cl = DoubleVector.fromArray(S, bm, bo).fma(v, cl);
      ch = DoubleVector.fromArray(S, bm, bo + L).fma(v, ch);
    }
    cl.intoArray(c, o);
    ch.intoArray(c, o + L);
  }

  /** Row r, columns j..j+L. */
  private static void rows1x1(
      double[] a,
      int aBase,
      int acs,
      double[] bm,
      int base,
      int ldb,
      double[] init,
      double[] c,
      int r,
      int j,
      int n,
      int k0,
      int k1,
      boolean first) {
    int o = r * n + j;
    DoubleVector cv = start(init, c, o, j, first);
    int ar = aBase;
    for (int q = k0; q < k1; q++) {
      DoubleVector v = DoubleVector.broadcast(S, a[ar + q * acs]);
      cv = DoubleVector.fromArray(S, bm, base + q * ldb).fma(v, cv);
    }
    cv.intoArray(c, o);
  }

  /**
   * {@code d[k] = keep[k] != 0 ? d[k] : 0} for k in [0, n): ReLU's derivative, given keep = the
   * layer's ReLU output (non-zero exactly where the unit passed its input).
   */
  static void keepWhereNonZero(double[] d, double[] keep, int n) {
    if (n < 0 || n > d.length || n > keep.length) {
      throw new IllegalArgumentException("mask length " + n + " out of range");
    }
    int k = 0;
    DoubleVector zero = DoubleVector.zero(S);
    for (; k + L <= n; k += L) {
      VectorMask<Double> off = DoubleVector.fromArray(S, keep, k).compare(VectorOperators.EQ, 0.0);
      DoubleVector.fromArray(S, d, k).blend(zero, off).intoArray(d, k);
    }
    for (; k < n; k++) {
      d[k] = keep[k] != 0.0 ? d[k] : 0.0;
    }
  }

  /** {@code out[j] = sum over rows r of g[r * n + j]}, rows in order: a bias's gradient. */
  static void columnSums(double[] g, int rows, int n, double[] out) {
    if (rows < 0 || n < 0 || n > out.length || (long) rows * n > g.length) {
      throw new IllegalArgumentException("column sums of " + rows + " x " + n + " out of range");
    }
    int j = 0;
    for (; j + L <= n; j += L) {
      DoubleVector s = DoubleVector.zero(S);
      for (int r = 0; r < rows; r++) {
        s = s.add(DoubleVector.fromArray(S, g, r * n + j));
      }
      s.intoArray(out, j);
    }
    for (; j < n; j++) {
      double s = 0.0;
      for (int r = 0; r < rows; r++) {
        s += g[r * n + j];
      }
      out[j] = s;
    }
  }
}
