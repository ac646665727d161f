package dev.depthlab.backend.cpu;

import dev.depthlab.backend.ReplicaSetup;
import dev.depthlab.model.Activation;
import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.OutputGradient;
import dev.depthlab.model.Parameters;
import dev.depthlab.model.Reduction;
import java.util.List;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Replicas in lanes: the training step of up to {@link #lanes()} replicas of one narrow network at
 * once, replica r in SIMD lane r. Every value of the per-replica step ({@link CpuNet64}) is stored
 * as one vector of its replicas' values ({@code x[e * L + lane]} for element e), and every scalar
 * operation of that step becomes the same operation lane by lane: each lane runs exactly the sums
 * of docs/arithmetic.md in their order (bias first, then one fused multiply-add per k, k
 * increasing; batch sums in batch order; the squared norm in index order), so each replica's bits
 * are those of its own {@link CpuNet64}, and {@code LaneParityTest} checks it raw bit for raw bit.
 * {@link LaneNet32} is the float twin.
 *
 * <p>Why it wins on narrow networks: a per-replica step of width 16 spends most of its time outside
 * its products: the squared norm is one chain of dependent fused multiply-adds per layer, the
 * output layer has one column, the input layer two rows. Across lanes the chain serves a vector of
 * replicas (eight doubles, sixteen floats on AVX-512), and every product is full vectors. The
 * sigmoid and the cross-entropy run lane by lane ({@code StrictMath}), as before.
 *
 * <p>Only the training step runs here; the group copies the parameters back to its per-replica nets
 * for evaluation, gradients and reading ({@link #store}). Lanes without a replica (a last block of
 * fewer replicas) repeat replica 0's data, order and parameters; their results are dropped. Like
 * {@link VectorGemm64}, this class names {@code jdk.incubator.vector} and is loaded only on the
 * vector path.
 */
final class LaneNet64 implements LaneNet {
  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  /** The widest layer (units) for which lanes beat the per-replica path (docs/performance.md). */
  static final int MAX_WIDTH = 32;

  private final int layers;
  private final int[] sizes;
  private final Activation act;
  private final double slope;
  private final double clipEps;
  private final boolean mean;
  private final boolean chained;

  /** How many lanes hold a replica (the rest repeat lane 0). */
  private final int used;

  private final double[][] w;
  private final double[][] b;
  private final double[][] dw;
  private final double[][] db;
  private final double[][] a;
  private final double[][] z;
  private final double[][] dz;
  private final double[] y;

  /** Each lane's training data (lane r: replica r's, shared, not copied). */
  private final double[][] trainX;

  private final double[][] trainY;

  /** Per-lane scratch: the loss sums and squared norms read out of the vectors. */
  private final double[] lossSum = new double[L];

  private final double[] sqLanes = new double[L];

  /** SIMD lanes of one vector of doubles: the most replicas one block holds. */
  static int lanes() {
    return L;
  }

  /** Whether the lanes path serves a network: every layer at most {@link #MAX_WIDTH} wide. */
  static boolean serves(NetworkSpec net) {
    return net.maxWidth() <= MAX_WIDTH;
  }

  LaneNet64(NetworkSpec net, int maxBatch, List<ReplicaSetup> replicas) {
    if (replicas.isEmpty() || replicas.size() > L) {
      throw new IllegalArgumentException(replicas.size() + " replicas for " + L + " lanes");
    }
    layers = net.layers();
    sizes = net.sizes();
    act = net.activation();
    slope = net.leakySlope();
    clipEps = net.clipEps();
    mean = net.reduction() == Reduction.MEAN;
    chained = net.outputGradient() == OutputGradient.CHAINED;
    used = replicas.size();
    w = new double[layers][];
    b = new double[layers][];
    dw = new double[layers][];
    db = new double[layers][];
    a = new double[layers][];
    z = new double[layers][];
    dz = new double[layers][];
    // L replicas' buffers are L times one replica's; a deep step's working set would leave
    // the L2 cache. So buffers that die early are shared: the hidden pre-activations (the backward
    // pass reads a = act(z) instead, except LeakyReLU's) and dz, ping-pong between two layers.
    int widest = net.maxWidth() * maxBatch * L;
    double[] zShared = new double[widest];
    double[][] dzShared = {new double[widest], new double[widest]};
    for (int l = 0; l < layers; l++) {
      w[l] = new double[sizes[l] * sizes[l + 1] * L];
      b[l] = new double[sizes[l + 1] * L];
      dw[l] = new double[sizes[l] * sizes[l + 1] * L];
      db[l] = new double[sizes[l + 1] * L];
      a[l] = new double[maxBatch * sizes[l] * L];
      boolean keepZ = l == layers - 1 || act == Activation.LEAKY_RELU;
      z[l] = keepZ ? new double[maxBatch * sizes[l + 1] * L] : zShared;
      dz[l] = dzShared[(layers - 1 - l) % 2];
    }
    y = new double[maxBatch * L];
    trainX = new double[L][];
    trainY = new double[L][];
    for (int lane = 0; lane < L; lane++) {
      ReplicaSetup r = replicas.get(lane < used ? lane : 0);
      trainX[lane] = r.train().x();
      trainY[lane] = r.train().y();
      load(lane, r.initial());
    }
  }

  @Override
  public void load(int lane, Parameters p) {
    for (int l = 0; l < layers; l++) {
      double[] pw = p.weights()[l];
      double[] pb = p.biases()[l];
      for (int e = 0; e < pw.length; e++) {
        w[l][e * L + lane] = pw[e];
      }
      for (int e = 0; e < pb.length; e++) {
        b[l][e * L + lane] = pb[e];
      }
    }
  }

  @Override
  public void store(int lane, Parameters out) {
    for (int l = 0; l < layers; l++) {
      double[] pw = out.weights()[l];
      double[] pb = out.biases()[l];
      for (int e = 0; e < pw.length; e++) {
        pw[e] = w[l][e * L + lane];
      }
      for (int e = 0; e < pb.length; e++) {
        pb[e] = b[l][e * L + lane];
      }
    }
  }

  @Override
  public void step(
      int[][] orders,
      int offset,
      int count,
      double lr,
      double[] loss,
      int lossOff,
      int lossStride,
      double[] gradSq,
      int gOff,
      int gStride) {
    gather(orders, offset, count);
    forward(count);
    outputGradient(count);
    backward(count);
    for (int lane = 0; lane < used; lane++) {
      loss[lossOff + lane * lossStride] = lossSum[lane] / count;
    }
    DoubleVector negLr = DoubleVector.broadcast(S, -lr);
    for (int l = 0; l < layers; l++) {
      double[] bl = b[l];
      double[] gl = db[l];
      for (int k = 0; k < bl.length; k += L) {
        negLr
            .fma(DoubleVector.fromArray(S, gl, k), DoubleVector.fromArray(S, bl, k))
            .intoArray(bl, k);
      }
    }
    for (int l = 0; l < layers; l++) {
      double[] wl = w[l];
      double[] gl = dw[l];
      DoubleVector sq = DoubleVector.zero(S);
      for (int k = 0; k < wl.length; k += L) {
        DoubleVector g = DoubleVector.fromArray(S, gl, k);
        sq = g.fma(g, sq);
        negLr.fma(g, DoubleVector.fromArray(S, wl, k)).intoArray(wl, k);
      }
      sq.intoArray(sqLanes, 0);
      for (int lane = 0; lane < used; lane++) {
        gradSq[gOff + lane * gStride + l] = sqLanes[lane];
      }
    }
  }

  /** The output pre-activations of the last step are still in z. */
  @Override
  public double batchAccuracy(int lane, int count) {
    double[] zo = z[layers - 1];
    int correct = 0;
    for (int s = 0; s < count; s++) {
      double p = 1.0 / (1.0 + StrictMath.exp(-zo[s * L + lane]));
      correct += CpuNet.correct(p, y[s * L + lane]);
    }
    return (double) correct / count;
  }

  private void gather(int[][] orders, int offset, int count) {
    int f = sizes[0];
    double[] a0 = a[0];
    for (int lane = 0; lane < L; lane++) {
      int[] order = orders[lane < used ? lane : 0];
      double[] x = trainX[lane];
      double[] labels = trainY[lane];
      for (int s = 0; s < count; s++) {
        int idx = order[offset + s];
        for (int k = 0; k < f; k++) {
          a0[(s * f + k) * L + lane] = x[idx * f + k];
        }
        y[s * L + lane] = labels[idx];
      }
    }
  }

  private void forward(int rows) {
    for (int l = 0; l < layers; l++) {
      int in = sizes[l];
      int out = sizes[l + 1];
      gemm(a[l], in, 1, w[l], out, 1, b[l], z[l], rows, out, in);
      if (l < layers - 1) {
        activationForward(z[l], a[l + 1], rows * out * L);
      }
    }
  }

  /** The sigmoid, the loss and dL/dz of the output, lane by lane as {@link CpuNet64} does. */
  private void outputGradient(int count) {
    int top = layers - 1;
    double scale = mean ? 1.0 / count : 1.0;
    double[] zo = z[top];
    double[] g = dz[top];
    for (int lane = 0; lane < L; lane++) {
      double sum = 0.0;
      for (int s = 0; s < count; s++) {
        int k = s * L + lane;
        double p = 1.0 / (1.0 + StrictMath.exp(-zo[k]));
        sum += bce(p, y[k]);
        double d = chained ? OutputGradient.chained(p, y[k], clipEps) : p - y[k];
        g[k] = d * scale;
      }
      lossSum[lane] = sum;
    }
  }

  /** {@link CpuNet64}'s bce, the same operations. */
  private double bce(double p, double label) {
    double pc = Math.min(Math.max(p, clipEps), 1.0 - clipEps);
    if (label == 1.0) {
      return -StrictMath.log(pc);
    }
    if (label == 0.0) {
      return -StrictMath.log(1.0 - pc);
    }
    return -Math.fma(label, StrictMath.log(pc), (1.0 - label) * StrictMath.log(1.0 - pc));
  }

  private void backward(int count) {
    for (int l = layers - 1; l >= 0; l--) {
      int in = sizes[l];
      int out = sizes[l + 1];
      // dW = a^T dz: A(i, s) = a[s * in + i]
      gemm(a[l], 1, in, dz[l], out, 1, null, dw[l], in, out, count);
      columnSums(dz[l], count, out, db[l]);
      if (l > 0) {
        // da = dz W^T: B(j, i) = w[i * out + j]
        gemm(dz[l], out, 1, w[l], 1, out, null, dz[l - 1], count, in, out);
        activationBackward(l - 1, count * in * L);
      }
    }
  }

  private void activationForward(double[] in, double[] out, int n) {
    if (act == Activation.TANH) {
      for (int k = 0; k < n; k++) {
        out[k] = StrictMath.tanh(in[k]);
      }
      return;
    }
    DoubleVector zero = DoubleVector.zero(S);
    for (int k = 0; k < n; k += L) {
      DoubleVector v = DoubleVector.fromArray(S, in, k);
      if (act == Activation.RELU) {
        // Math.max(v, 0.0) exactly: +0.0 where v <= 0 (-0.0 included), v elsewhere (NaN included)
        v.blend(zero, v.compare(VectorOperators.LE, 0.0)).intoArray(out, k);
      } else {
        // v > 0 ? v : slope * v
        v.blend(v.mul(slope), v.compare(VectorOperators.GT, 0.0).not()).intoArray(out, k);
      }
    }
  }

  /**
   * dz[h] holds dL/da of hidden layer h; multiplies it by act'(z[h]) as {@link CpuNet64} does (ReLU
   * and tanh from a = act(z), LeakyReLU from z).
   */
  private void activationBackward(int h, int n) {
    double[] g = dz[h];
    double[] zh = z[h];
    double[] ah = a[h + 1];
    DoubleVector zero = DoubleVector.zero(S);
    for (int k = 0; k < n; k += L) {
      DoubleVector gv = DoubleVector.fromArray(S, g, k);
      switch (act) {
        case RELU:
          {
            // keep where a = relu(z) != 0 (VectorGemm64.keepWhereNonZero)
            VectorMask<Double> off =
                DoubleVector.fromArray(S, ah, k).compare(VectorOperators.EQ, 0.0);
            gv.blend(zero, off).intoArray(g, k);
            break;
          }
        case LEAKY_RELU:
          {
            VectorMask<Double> on =
                DoubleVector.fromArray(S, zh, k).compare(VectorOperators.GT, 0.0);
            gv.blend(gv.mul(slope), on.not()).intoArray(g, k);
            break;
          }
        default:
          {
            DoubleVector av = DoubleVector.fromArray(S, ah, k);
            gv.mul(av.neg().fma(av, DoubleVector.broadcast(S, 1.0))).intoArray(g, k);
          }
      }
    }
  }

  /** out[j] = sum over rows r of g(r, j), r increasing from +0.0, every lane at once. */
  private static void columnSums(double[] g, int rows, int n, double[] out) {
    for (int j = 0; j < n; j++) {
      DoubleVector s = DoubleVector.zero(S);
      for (int r = 0; r < rows; r++) {
        s = s.add(DoubleVector.fromArray(S, g, (r * n + j) * L));
      }
      s.intoArray(out, j * L);
    }
  }

  /**
   * {@code C(r, j) = init(j) + sum_q A(r, q) B(q, j)} lane by lane, for q increasing, each product
   * fused into the running sum; {@code A(r, q)} is the vector at {@code a[(r * ars + q * acs) *
   * L]}, {@code B(q, j)} at {@code bm[(q * brs + j * bcs) * L]}, C row-major with n columns; a null
   * init starts at +0.0. Blocks of four rows by four columns keep sixteen sums in registers (half a
   * load per fused multiply-add); the tails run the same sums in smaller blocks.
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
    int r = 0;
    for (; r + 4 <= m; r += 4) {
      int j = 0;
      for (; j + 4 <= n; j += 4) {
        block4x4(a, ars, acs, bm, brs, bcs, init, c, r, j, n, k);
      }
      for (; j < n; j++) {
        block4x1(a, ars, acs, bm, brs, bcs, init, c, r, j, n, k);
      }
    }
    for (; r < m; r++) {
      int j = 0;
      for (; j + 4 <= n; j += 4) {
        block1x4(a, ars, acs, bm, brs, bcs, init, c, r, j, n, k);
      }
      for (; j < n; j++) {
        DoubleVector s = start(init, j);
        for (int q = 0; q < k; q++) {
          s = at(a, r * ars + q * acs).fma(at(bm, q * brs + j * bcs), s);
        }
        s.intoArray(c, (r * n + j) * L);
      }
    }
  }

  private static DoubleVector at(double[] x, int e) {
    return DoubleVector.fromArray(S, x, e * L);
  }

  private static DoubleVector start(double[] init, int j) {
    return init == null ? DoubleVector.zero(S) : at(init, j);
  }

  private static void block4x4(
      double[] a,
      int ars,
      int acs,
      double[] bm,
      int brs,
      int bcs,
      double[] init,
      double[] c,
      int r,
      int j,
      int n,
      int k) {
    DoubleVector i0 = start(init, j);
    DoubleVector i1 = start(init, j + 1);
    DoubleVector i2 = start(init, j + 2);
    DoubleVector i3 = start(init, j + 3);
    DoubleVector c00 = i0, c01 = i1, c02 = i2, c03 = i3;
    DoubleVector c10 = i0, c11 = i1, c12 = i2, c13 = i3;
    DoubleVector c20 = i0, c21 = i1, c22 = i2, c23 = i3;
    DoubleVector c30 = i0, c31 = i1, c32 = i2, c33 = i3;
    for (int q = 0; q < k; q++) {
      int bq = q * brs + j * bcs;
      DoubleVector b0 = at(bm, bq);
      DoubleVector b1 = at(bm, bq + bcs);
      DoubleVector b2 = at(bm, bq + 2 * bcs);
      DoubleVector b3 = at(bm, bq + 3 * bcs);
      int aq = r * ars + q * acs;
      DoubleVector a0 = at(a, aq);
      c00 = a0.fma(b0, c00);
      c01 = a0.fma(b1, c01);
      c02 = a0.fma(b2, c02);
      c03 = a0.fma(b3, c03);
      DoubleVector a1 = at(a, aq + ars);
      c10 = a1.fma(b0, c10);
      c11 = a1.fma(b1, c11);
      c12 = a1.fma(b2, c12);
      c13 = a1.fma(b3, c13);
      DoubleVector a2 = at(a, aq + 2 * ars);
      c20 = a2.fma(b0, c20);
      c21 = a2.fma(b1, c21);
      c22 = a2.fma(b2, c22);
      c23 = a2.fma(b3, c23);
      DoubleVector a3 = at(a, aq + 3 * ars);
      c30 = a3.fma(b0, c30);
      c31 = a3.fma(b1, c31);
      c32 = a3.fma(b2, c32);
      c33 = a3.fma(b3, c33);
    }
    int c0 = (r * n + j) * L;
    int rs = n * L;
    c00.intoArray(c, c0);
    c01.intoArray(c, c0 + L);
    c02.intoArray(c, c0 + 2 * L);
    c03.intoArray(c, c0 + 3 * L);
    c10.intoArray(c, c0 + rs);
    c11.intoArray(c, c0 + rs + L);
    c12.intoArray(c, c0 + rs + 2 * L);
    c13.intoArray(c, c0 + rs + 3 * L);
    c20.intoArray(c, c0 + 2 * rs);
    c21.intoArray(c, c0 + 2 * rs + L);
    c22.intoArray(c, c0 + 2 * rs + 2 * L);
    c23.intoArray(c, c0 + 2 * rs + 3 * L);
    c30.intoArray(c, c0 + 3 * rs);
    c31.intoArray(c, c0 + 3 * rs + L);
    c32.intoArray(c, c0 + 3 * rs + 2 * L);
    c33.intoArray(c, c0 + 3 * rs + 3 * L);
  }

  private static void block4x1(
      double[] a,
      int ars,
      int acs,
      double[] bm,
      int brs,
      int bcs,
      double[] init,
      double[] c,
      int r,
      int j,
      int n,
      int k) {
    DoubleVector c0 = start(init, j);
    DoubleVector c1 = c0;
    DoubleVector c2 = c0;
    DoubleVector c3 = c0;
    for (int q = 0; q < k; q++) {
      DoubleVector bv = at(bm, q * brs + j * bcs);
      int aq = r * ars + q * acs;
      c0 = at(a, aq).fma(bv, c0);
      c1 = at(a, aq + ars).fma(bv, c1);
      c2 = at(a, aq + 2 * ars).fma(bv, c2);
      c3 = at(a, aq + 3 * ars).fma(bv, c3);
    }
    int o = (r * n + j) * L;
    c0.intoArray(c, o);
    c1.intoArray(c, o + n * L);
    c2.intoArray(c, o + 2 * n * L);
    c3.intoArray(c, o + 3 * n * L);
  }

  private static void block1x4(
      double[] a,
      int ars,
      int acs,
      double[] bm,
      int brs,
      int bcs,
      double[] init,
      double[] c,
      int r,
      int j,
      int n,
      int k) {
    DoubleVector c0 = start(init, j);
    DoubleVector c1 = start(init, j + 1);
    DoubleVector c2 = start(init, j + 2);
    DoubleVector c3 = start(init, j + 3);
    for (int q = 0; q < k; q++) {
      DoubleVector av = at(a, r * ars + q * acs);
      int bq = q * brs + j * bcs;
      c0 = av.fma(at(bm, bq), c0);
      c1 = av.fma(at(bm, bq + bcs), c1);
      c2 = av.fma(at(bm, bq + 2 * bcs), c2);
      c3 = av.fma(at(bm, bq + 3 * bcs), c3);
    }
    int o = (r * n + j) * L;
    c0.intoArray(c, o);
    c1.intoArray(c, o + L);
    c2.intoArray(c, o + 2 * L);
    c3.intoArray(c, o + 3 * L);
  }
}
