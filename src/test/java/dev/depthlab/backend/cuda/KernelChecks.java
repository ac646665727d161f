package dev.depthlab.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.depthlab.model.Precision;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each kernel of kernels/train.cu and kernels/eval.cu alone, in the manner of llm.c's dev/cuda: one
 * launch on random inputs (strided, several replicas, a grid of several blocks with a partial last
 * block), its outputs compared bit for bit with a plain Java version of what the kernel's comment
 * says, written here from the rules of docs/arithmetic.md (StrictMath's exp, log and tanh; one
 * rounding per fma; T-precision arithmetic rounded after each operation). Parity suites check the
 * kernels only together, through CudaGroup; a wrong index or stride in one kernel fails here by
 * name.
 */
abstract class KernelChecks {
  abstract Device device();

  static final int BLOCK = 128;

  private Device dev;
  private Lane lane;
  private final List<Long> owned = new ArrayList<>();

  @BeforeEach
  void open() {
    dev = device();
    lane = dev.openLane();
  }

  @AfterEach
  void close() {
    if (lane == null) {
      return; // skipped: no device
    }
    lane.close();
    for (long p : owned) {
      dev.free(p);
    }
    owned.clear();
  }

  /** The precision T of a kernel's {@code _f32} or {@code _f64} entry point, as Java arithmetic. */
  enum Real {
    F32,
    F64;

    /** x rounded to T. */
    double r(double x) {
      return this == F32 ? (float) x : x;
    }

    /** dl_fma in T: a * b + c rounded once to T. */
    double fma(double a, double b, double c) {
      return this == F32 ? Math.fma((float) a, (float) b, (float) c) : Math.fma(a, b, c);
    }

    String suffix() {
      return this == F32 ? "_f32" : "_f64";
    }

    Precision precision() {
      return this == F32 ? Precision.FP32 : Precision.FP64;
    }
  }

  // ---- the scalar rules of kernels/common.cuh, in Java ----

  static double activate(Real t, double z, int act, double slope) {
    if (act == 0) {
      return z > 0 ? z : 0;
    }
    if (act == 1) {
      return z > 0 ? z : t.r(t.r(slope) * z);
    }
    return t.r(StrictMath.tanh(z));
  }

  static double activateBackward(Real t, double g, double z, double a, int act, double slope) {
    if (act == 0) {
      return z > 0 ? g : 0;
    }
    if (act == 1) {
      return z > 0 ? g : t.r(t.r(slope) * g);
    }
    return t.r(g * t.fma(-a, a, 1));
  }

  static double sigmoid(Real t, double z) {
    return t.r(1.0 / (1.0 + StrictMath.exp(-z)));
  }

  static double bce(Real t, double p, double label, double eps) {
    double hi = t.r(1 - eps);
    double pc = p < eps ? eps : (p > hi ? hi : p);
    if (label == 1) {
      return t.r(-StrictMath.log(pc));
    }
    if (label == 0) {
      return t.r(-StrictMath.log(t.r(1 - pc)));
    }
    return t.r(-Math.fma(label, StrictMath.log(pc), t.r(1 - label) * StrictMath.log(t.r(1 - pc))));
  }

  static double chained(double p, double label, double eps) {
    double hi = 1.0 - eps;
    double pc = p < eps ? eps : (p > hi ? hi : p);
    double dp = (1.0 - label) / (1.0 - pc) - label / pc;
    return dp * p * (1.0 - p);
  }

  static int correct(double p, double label) {
    return (p >= 0.5) == (label >= 0.5) ? 1 : 0;
  }

  static boolean inactive(double z, int act) {
    return act == 2 ? Math.abs(z) >= 4.0 : z <= 0.0;
  }

  // ---- buffers ----

  private final SplittableRandom rng = new SplittableRandom(25);

  /** n values rounded to T, normal around 0 with the given spread. */
  double[] random(Real t, int n, double spread) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = t.r(spread * rng.nextGaussian());
    }
    return v;
  }

  /** n labels: mostly 0 and 1, some in between (the seed's noisy labels). */
  double[] labels(Real t, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      int k = rng.nextInt(5);
      v[i] = k < 2 ? 0 : k < 4 ? 1 : t.r(rng.nextDouble());
    }
    return v;
  }

  private long alloc(long bytes) {
    long p = dev.alloc(bytes);
    owned.add(p);
    return p;
  }

  /** A device buffer of T holding {@code v}. */
  long put(Real t, double[] v) {
    long p = alloc(Math.max(8, 8L * v.length));
    if (t == Real.F64) {
      lane.copyIn(p, v);
    } else {
      float[] f = new float[v.length];
      for (int i = 0; i < v.length; i++) {
        f[i] = (float) v[i];
      }
      lane.copyIn(p, f);
    }
    return p;
  }

  /** A device buffer of doubles holding {@code v} (whatever T). */
  long putDouble(double[] v) {
    long p = alloc(Math.max(8, 8L * v.length));
    lane.copyIn(p, v);
    return p;
  }

  long putInt(int[] v) {
    long p = alloc(Math.max(8, 4L * v.length));
    lane.copyIn(p, v);
    return p;
  }

  double[] get(Real t, long p, int n) {
    double[] out = new double[n];
    if (t == Real.F64) {
      lane.copyOut(p, out);
    } else {
      float[] f = new float[n];
      lane.copyOut(p, f);
      for (int i = 0; i < n; i++) {
        out[i] = f[i];
      }
    }
    return out;
  }

  double[] getDouble(long p, int n) {
    double[] out = new double[n];
    lane.copyOut(p, out);
    return out;
  }

  /** An int buffer read through a float copy, bit for bit. */
  int[] getInt(long p, int n) {
    float[] f = new float[n];
    lane.copyOut(p, f);
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = Float.floatToRawIntBits(f[i]);
    }
    return out;
  }

  void launch(Real t, String kernel, int threads, Object... args) {
    lane.launch(kernel + t.suffix(), (threads + BLOCK - 1) / BLOCK, BLOCK, args);
  }

  static void assertBits(double[] want, double[] got, String what) {
    assertEquals(want.length, got.length, what);
    for (int i = 0; i < want.length; i++) {
      if (Double.doubleToLongBits(want[i]) != Double.doubleToLongBits(got[i])) {
        assertEquals(want[i], got[i], what + " [" + i + "] differs in its bits");
      }
    }
  }

  // ---- the kernels ----

  /** Shapes: replicas, rows, units, with strides past the used part (padding never read). */
  static final int R = 3;

  static final int ROWS = 45;
  static final int UNITS = 7;

  @ParameterizedTest
  @EnumSource(Real.class)
  void gather(Real t) {
    int n = 60;
    int features = 3;
    int count = 40;
    int offset = 9;
    int orderStride = 70;
    int xStride = n * features + 5;
    int yStride = n + 2;
    int aStride = count * features + 4;
    int ybStride = count + 3;
    double[] x = random(t, R * xStride, 1);
    double[] y = labels(t, R * yStride);
    int[] order = new int[R * orderStride];
    for (int i = 0; i < order.length; i++) {
      order[i] = rng.nextInt(n);
    }
    long a0 = put(t, new double[R * aStride]);
    long yb = put(t, new double[R * ybStride]);
    launch(
        t,
        "gather",
        R * count,
        put(t, x),
        put(t, y),
        putInt(order),
        orderStride,
        offset,
        count,
        features,
        xStride,
        yStride,
        a0,
        aStride,
        yb,
        ybStride,
        R);
    double[] wantA = new double[R * aStride];
    double[] wantY = new double[R * ybStride];
    for (int r = 0; r < R; r++) {
      for (int s = 0; s < count; s++) {
        int idx = order[r * orderStride + offset + s];
        for (int k = 0; k < features; k++) {
          wantA[r * aStride + s * features + k] = x[r * xStride + idx * features + k];
        }
        wantY[r * ybStride + s] = y[r * yStride + idx];
      }
    }
    assertBits(wantA, get(t, a0, wantA.length), "a0");
    assertBits(wantY, get(t, yb, wantY.length), "yb");
  }

  @ParameterizedTest
  @EnumSource(Real.class)
  void biasAct(Real t) {
    for (int act = 0; act < 3; act++) {
      double slope = 0.01;
      int zStride = ROWS * UNITS + 3;
      int bStride = UNITS + 2;
      int aStride = ROWS * UNITS + 5;
      double[] z = random(t, R * zStride, 3);
      double[] b = random(t, R * bStride, 1);
      long zp = put(t, z);
      long ap = put(t, new double[R * aStride]);
      launch(
          t,
          "bias_act",
          R * ROWS * UNITS,
          zp,
          put(t, b),
          ap,
          ROWS,
          UNITS,
          zStride,
          bStride,
          aStride,
          act,
          slope,
          R);
      double[] wantZ = z.clone();
      double[] wantA = new double[R * aStride];
      for (int r = 0; r < R; r++) {
        for (int e = 0; e < ROWS * UNITS; e++) {
          double v = t.r(z[r * zStride + e] + b[r * bStride + e % UNITS]);
          wantZ[r * zStride + e] = v;
          wantA[r * aStride + e] = activate(t, v, act, slope);
        }
      }
      assertBits(wantZ, get(t, zp, wantZ.length), "z, activation " + act);
      assertBits(wantA, get(t, ap, wantA.length), "a, activation " + act);
    }
  }

  @ParameterizedTest
  @EnumSource(Real.class)
  void outputGrad(Real t) {
    double eps = 1e-8;
    double tEps = t.r(eps);
    for (int mode = 0; mode < 4; mode++) {
      int mean = mode & 1;
      int chainedRule = mode >> 1;
      int stride = ROWS + 4;
      int bStride = 3;
      double[] z = random(t, R * stride, 4);
      double[] b = random(t, R * bStride, 1);
      double[] y = labels(t, R * stride);
      long zp = put(t, z);
      long dzp = put(t, new double[R * stride]);
      long lossp = putDouble(new double[R * stride]);
      launch(
          t,
          "output_grad",
          R * ROWS,
          zp,
          put(t, b),
          put(t, y),
          dzp,
          lossp,
          ROWS,
          stride,
          bStride,
          eps,
          mean,
          R,
          chainedRule);
      double[] wantZ = z.clone();
      double[] wantDz = new double[R * stride];
      double[] wantLoss = new double[R * stride];
      double scale = mean == 1 ? t.r(1.0 / ROWS) : 1;
      for (int r = 0; r < R; r++) {
        for (int s = 0; s < ROWS; s++) {
          int i = r * stride + s;
          double v = t.r(z[i] + b[r * bStride]);
          wantZ[i] = v;
          double p = sigmoid(t, v);
          wantLoss[i] = bce(t, p, y[i], tEps);
          double d = chainedRule == 1 ? t.r(chained(p, y[i], tEps)) : t.r(p - y[i]);
          wantDz[i] = t.r(d * scale);
        }
      }
      String m = "mean " + mean + " chained " + chainedRule;
      assertBits(wantZ, get(t, zp, wantZ.length), "z, " + m);
      assertBits(wantDz, get(t, dzp, wantDz.length), "dz, " + m);
      assertBits(wantLoss, getDouble(lossp, wantLoss.length), "loss, " + m);
    }
  }

  @ParameterizedTest
  @EnumSource(Real.class)
  void actBackwardDb(Real t) {
    for (int act = 0; act < 3; act++) {
      double slope = 0.01;
      int zStride = ROWS * UNITS + 2;
      int bStride = UNITS + 1;
      double[] dz = random(t, R * zStride, 1);
      double[] z = random(t, R * zStride, 2);
      double[] a = new double[R * zStride];
      for (int i = 0; i < a.length; i++) {
        a[i] = activate(t, z[i], act, slope);
      }
      long dzp = put(t, dz);
      long dbp = put(t, new double[R * bStride]);
      launch(
          t,
          "act_backward_db",
          R * UNITS,
          dzp,
          put(t, z),
          put(t, a),
          dbp,
          ROWS,
          UNITS,
          zStride,
          bStride,
          act,
          slope,
          R);
      double[] wantDz = dz.clone();
      double[] wantDb = new double[R * bStride];
      for (int r = 0; r < R; r++) {
        for (int u = 0; u < UNITS; u++) {
          double sum = 0;
          for (int s = 0; s < ROWS; s++) {
            int i = r * zStride + s * UNITS + u;
            double g = activateBackward(t, dz[i], z[i], a[i], act, slope);
            wantDz[i] = g;
            sum = t.r(sum + g);
          }
          wantDb[r * bStride + u] = sum;
        }
      }
      assertBits(wantDz, get(t, dzp, wantDz.length), "dz, activation " + act);
      assertBits(wantDb, get(t, dbp, wantDb.length), "db, activation " + act);
    }
  }

  /**
   * Two layers of 5 x 30 and 30 x 1 weights, R replicas, chunks of 8 (CudaGroup's table layout:
   * first chunk, chunks per replica, weight block offset, weights per replica).
   */
  private static int[] normTable(int chunk, int[] weights, int[] offsets) {
    int[] table = new int[4 * weights.length];
    int chunks = 0;
    for (int l = 0; l < weights.length; l++) {
      int perReplica = (weights[l] + chunk - 1) / chunk;
      table[4 * l] = chunks;
      table[4 * l + 1] = perReplica;
      table[4 * l + 2] = offsets[l];
      table[4 * l + 3] = weights[l];
      chunks += R * perReplica;
    }
    return table;
  }

  private static double[] chunkSums(double[] g, int[] table, int layers, int chunk) {
    int chunks = table[4 * (layers - 1)] + R * table[4 * (layers - 1) + 1];
    double[] partial = new double[chunks];
    for (int l = 0; l < layers; l++) {
      int perReplica = table[4 * l + 1];
      int weights = table[4 * l + 3];
      for (int r = 0; r < R; r++) {
        for (int c = 0; c < perReplica; c++) {
          double sq = 0;
          for (int k = c * chunk; k < Math.min(weights, (c + 1) * chunk); k++) {
            double v = g[table[4 * l + 2] + r * weights + k];
            sq = Math.fma(v, v, sq);
          }
          partial[table[4 * l] + r * perReplica + c] = sq;
        }
      }
    }
    return partial;
  }

  @ParameterizedTest
  @EnumSource(Real.class)
  void gradNormChunks(Real t) {
    int chunk = 8;
    int[] weights = {150, 30};
    int[] offsets = {0, R * 150 + R * 30};
    int[] table = normTable(chunk, weights, offsets);
    int chunks = table[4] + R * table[5];
    double[] g = random(t, offsets[1] + R * 30 + R, 0.5);
    long partial = putDouble(new double[chunks]);
    launch(t, "grad_norm_chunks", chunks, put(t, g), putInt(table), 2, chunk, partial, chunks);
    assertBits(chunkSums(g, table, 2, chunk), getDouble(partial, chunks), "partial");
  }

  @ParameterizedTest
  @EnumSource(Real.class)
  void stepSums(Real t) {
    int layers = 3;
    int chunk = 8;
    int[] weights = {40, 90, 9};
    int[] offsets = {0, 200, 600};
    int[] table = normTable(chunk, weights, offsets);
    int chunks = table[8] + R * table[9];
    double[] partial = new double[chunks];
    for (int i = 0; i < chunks; i++) {
      partial[i] = Math.abs(rng.nextGaussian());
    }
    int stride = ROWS + 3;
    int bStride = 2;
    int diagStride = 2 + layers + 1;
    double[] loss = new double[R * stride];
    for (int i = 0; i < loss.length; i++) {
      loss[i] = Math.abs(rng.nextGaussian());
    }
    double[] dzOut = random(t, R * stride, 1);
    double[] zOut = random(t, R * stride, 3);
    double[] yb = labels(t, R * stride);
    long dbOut = put(t, new double[R * bStride]);
    long diag = putDouble(new double[R * diagStride]);
    launch(
        t,
        "step_sums",
        R * (1 + layers),
        putDouble(loss),
        put(t, dzOut),
        stride,
        ROWS,
        dbOut,
        bStride,
        putDouble(partial),
        putInt(table),
        layers,
        diag,
        diagStride,
        R,
        put(t, zOut),
        put(t, yb));
    double[] wantDb = new double[R * bStride];
    double[] wantDiag = new double[R * diagStride];
    for (int r = 0; r < R; r++) {
      double lossSum = 0;
      double dbSum = 0;
      int right = 0;
      for (int s = 0; s < ROWS; s++) {
        int i = r * stride + s;
        lossSum += loss[i];
        dbSum = t.r(dbSum + dzOut[i]);
        right += correct(sigmoid(t, zOut[i]), yb[i]);
      }
      wantDb[r * bStride] = dbSum;
      wantDiag[r * diagStride] = lossSum / ROWS;
      wantDiag[r * diagStride + 1 + layers] = (double) right / ROWS;
      for (int l = 0; l < layers; l++) {
        double sq = 0;
        for (int c = 0; c < table[4 * l + 1]; c++) {
          sq += partial[table[4 * l] + r * table[4 * l + 1] + c];
        }
        wantDiag[r * diagStride + 1 + l] = sq;
      }
    }
    assertBits(wantDb, get(t, dbOut, wantDb.length), "dbOut");
    assertBits(wantDiag, getDouble(diag, wantDiag.length), "diag");
  }

  @ParameterizedTest
  @EnumSource(Real.class)
  void sgdUpdate(Real t) {
    int n = 1000;
    double lr = 0.013;
    double[] p = random(t, n, 1);
    double[] g = random(t, n, 1);
    long pp = put(t, p);
    launch(t, "sgd_update", n, pp, put(t, g), n, lr);
    double[] want = new double[n];
    for (int i = 0; i < n; i++) {
      want[i] = t.fma(-t.r(lr), g[i], p[i]);
    }
    assertBits(want, get(t, pp, n), "p");
  }

  @ParameterizedTest
  @EnumSource(Real.class)
  void copyLayer(Real t) {
    int wOff = 17;
    int wn = 12;
    int bOff = wOff + R * wn + 5;
    int bn = 4;
    double[] p = random(t, bOff + R * bn + 3, 1);
    long dst = put(t, new double[R * (wn + bn)]);
    launch(t, "copy_layer", R * (wn + bn), put(t, p), wOff, wn, bOff, bn, dst, R);
    double[] want = new double[R * (wn + bn)];
    for (int r = 0; r < R; r++) {
      for (int e = 0; e < wn + bn; e++) {
        want[r * (wn + bn) + e] = e < wn ? p[wOff + r * wn + e] : p[bOff + r * bn + e - wn];
      }
    }
    assertBits(want, get(t, dst, want.length), "dst");
  }

  @ParameterizedTest
  @EnumSource(Real.class)
  void evalOutputChunksAndSums(Real t) {
    double eps = 1e-8;
    double tEps = t.r(eps);
    int rows = 301;
    int chunk = 64;
    int chunks = (rows + chunk - 1) / chunk;
    int zStride = rows + 2;
    int yStride = rows + 5;
    int bStride = 4;
    double[] z = random(t, R * zStride, 4);
    double[] y = labels(t, R * yStride);
    double[] b = random(t, R * bStride, 1);
    long partial = putDouble(new double[2 * R * chunks]);
    launch(
        t,
        "eval_output_chunks",
        R * chunks,
        put(t, z),
        put(t, b),
        put(t, y),
        rows,
        zStride,
        yStride,
        bStride,
        eps,
        chunk,
        partial,
        R);
    double[] want = new double[2 * R * chunks];
    for (int r = 0; r < R; r++) {
      for (int c = 0; c < chunks; c++) {
        double lossSum = 0;
        int right = 0;
        for (int s = c * chunk; s < Math.min(rows, (c + 1) * chunk); s++) {
          double p = sigmoid(t, t.r(z[r * zStride + s] + b[r * bStride]));
          lossSum += bce(t, p, y[r * yStride + s], tEps);
          right += correct(p, y[r * yStride + s]);
        }
        want[2 * (r * chunks + c)] = lossSum;
        want[2 * (r * chunks + c) + 1] = right;
      }
    }
    double[] got = getDouble(partial, want.length);
    assertBits(want, got, "partial");

    int outStride = 3;
    long out = putDouble(new double[R * outStride]);
    launch(t, "eval_sums", R, partial, rows, chunk, out, outStride, R);
    double[] wantOut = new double[R * outStride];
    for (int r = 0; r < R; r++) {
      double lossSum = 0;
      double right = 0;
      for (int c = 0; c < chunks; c++) {
        lossSum += got[2 * (r * chunks + c)];
        right += got[2 * (r * chunks + c) + 1];
      }
      wantOut[r * outStride] = lossSum / rows;
      wantOut[r * outStride + 1] = right / rows;
    }
    assertBits(wantOut, getDouble(out, wantOut.length), "out");
  }

  @ParameterizedTest
  @EnumSource(Real.class)
  void aliveChunksAndDeadFlags(Real t) {
    for (int act = 0; act < 3; act++) {
      int rows = 150;
      int chunk = 64;
      int chunks = (rows + chunk - 1) / chunk;
      int zStride = rows * UNITS + 3;
      double[] z = random(t, R * zStride, 2);
      // unit 2 inactive on every row, unit 4 active on one row only
      for (int r = 0; r < R; r++) {
        for (int s = 0; s < rows; s++) {
          z[r * zStride + s * UNITS + 2] = act == 2 ? 5 : -1;
          z[r * zStride + s * UNITS + 4] = s == 77 ? 0.5 : (act == 2 ? -4 : 0);
        }
      }
      int aliveStride = UNITS * chunks;
      long alive = putInt(new int[R * aliveStride]);
      launch(
          t,
          "alive_chunks",
          R * chunks * UNITS,
          put(t, z),
          rows,
          UNITS,
          zStride,
          act,
          chunk,
          alive,
          aliveStride,
          R);
      int[] wantAlive = new int[R * aliveStride];
      double[] wantDead = new double[R * (UNITS + 1)];
      for (int r = 0; r < R; r++) {
        for (int u = 0; u < UNITS; u++) {
          int any = 0;
          for (int c = 0; c < chunks; c++) {
            int on = 0;
            for (int s = c * chunk; s < Math.min(rows, (c + 1) * chunk); s++) {
              on |= inactive(z[r * zStride + s * UNITS + u], act) ? 0 : 1;
            }
            wantAlive[r * aliveStride + u * chunks + c] = on;
            any |= on;
          }
          wantDead[r * (UNITS + 1) + u] = any == 0 ? 1 : 0;
        }
        assertEquals(1.0, wantDead[r * (UNITS + 1) + 2], "the all-inactive unit");
        assertEquals(0.0, wantDead[r * (UNITS + 1) + 4], "the once-active unit");
      }
      int[] gotAlive = getInt(alive, wantAlive.length);
      for (int i = 0; i < wantAlive.length; i++) {
        assertEquals(wantAlive[i], gotAlive[i], "alive [" + i + "], activation " + act);
      }
      long dead = putDouble(new double[R * (UNITS + 1)]);
      launch(t, "dead_flags", R * UNITS, alive, rows, chunk, UNITS, dead, UNITS + 1, R);
      assertBits(wantDead, getDouble(dead, wantDead.length), "dead flags, activation " + act);
    }
  }

  @ParameterizedTest
  @EnumSource(Real.class)
  void predictOutput(Real t) {
    int zStride = ROWS + 1;
    int bStride = 2;
    int outStride = ROWS + 6;
    double[] z = random(t, R * zStride, 4);
    double[] b = random(t, R * bStride, 1);
    long out = put(t, new double[R * outStride]);
    launch(
        t,
        "predict_output",
        R * ROWS,
        put(t, z),
        put(t, b),
        ROWS,
        zStride,
        bStride,
        out,
        outStride,
        R);
    double[] want = new double[R * outStride];
    for (int r = 0; r < R; r++) {
      for (int s = 0; s < ROWS; s++) {
        want[r * outStride + s] = sigmoid(t, t.r(z[r * zStride + s] + b[r * bStride]));
      }
    }
    assertBits(want, get(t, out, want.length), "out");
  }

  // ---- the R-operator's kernels (DeviceRPass; backend.RPass the plain twin of the whole pass)
  // ----

  /** dl_output_curvature: RPass.outputCurvature in double. */
  static double outputCurvature(double p, double label, double eps, boolean chainedRule) {
    double s = p * (1.0 - p);
    if (!chainedRule) {
      return s;
    }
    double hi = 1.0 - eps;
    double pc = p < eps ? eps : (p > hi ? hi : p);
    double d = (1.0 - label) / (1.0 - pc) - label / pc;
    double out = d * s * (1.0 - 2.0 * p);
    if (p > eps && p < hi) {
      double dd = (1.0 - label) / ((1.0 - pc) * (1.0 - pc)) + label / (pc * pc);
      out = Math.fma(dd * s, s, out);
    }
    return out;
  }

  @ParameterizedTest
  @EnumSource(Real.class)
  void rBiasAct(Real t) {
    for (int act = 0; act < 3; act++) {
      double slope = 0.01;
      int zStride = ROWS * UNITS + 3;
      int cStride = UNITS + 2;
      int aStride = ROWS * UNITS + 1;
      double[] rz = random(t, R * zStride, 1);
      double[] c = random(t, R * cStride, 1);
      double[] z = random(t, R * zStride, 2);
      double[] a = new double[R * aStride];
      for (int r = 0; r < R; r++) {
        for (int e = 0; e < ROWS * UNITS; e++) {
          a[r * aStride + e] = activate(t, z[r * zStride + e], act, slope);
        }
      }
      long rzp = put(t, rz);
      long rap = put(t, new double[R * aStride]);
      launch(
          t,
          "r_bias_act",
          R * ROWS * UNITS,
          rzp,
          put(t, c),
          put(t, z),
          put(t, a),
          rap,
          ROWS,
          UNITS,
          zStride,
          cStride,
          aStride,
          act,
          slope,
          R);
      double[] wantRz = rz.clone();
      double[] wantRa = new double[R * aStride];
      for (int r = 0; r < R; r++) {
        for (int e = 0; e < ROWS * UNITS; e++) {
          int i = r * zStride + e;
          int k = r * aStride + e;
          double v = t.r(rz[i] + c[r * cStride + e % UNITS]);
          wantRz[i] = v;
          wantRa[k] = activateBackward(t, v, z[i], a[k], act, slope);
        }
      }
      assertBits(wantRz, get(t, rzp, wantRz.length), "rz, activation " + act);
      assertBits(wantRa, get(t, rap, wantRa.length), "ra, activation " + act);
    }
  }

  @ParameterizedTest
  @EnumSource(Real.class)
  void rOutput(Real t) {
    double eps = 1e-8;
    double tEps = t.r(eps);
    for (int mode = 0; mode < 4; mode++) {
      int mean = mode & 1;
      int chainedRule = mode >> 1;
      int stride = ROWS + 4;
      int cStride = 3;
      double[] rz = random(t, R * stride, 1);
      double[] c = random(t, R * cStride, 1);
      double[] z = random(t, R * stride, 4);
      double[] y = labels(t, R * stride);
      long rzp = put(t, rz);
      long rdzp = put(t, new double[R * stride]);
      launch(
          t,
          "r_output",
          R * ROWS,
          rzp,
          put(t, c),
          put(t, z),
          put(t, y),
          rdzp,
          ROWS,
          stride,
          cStride,
          eps,
          mean,
          R,
          chainedRule);
      double[] wantRz = rz.clone();
      double[] wantRdz = new double[R * stride];
      double scale = mean == 1 ? t.r(1.0 / ROWS) : 1;
      for (int r = 0; r < R; r++) {
        for (int s = 0; s < ROWS; s++) {
          int i = r * stride + s;
          double v = t.r(rz[i] + c[r * cStride]);
          wantRz[i] = v;
          double p = sigmoid(t, z[i]);
          double g =
              chainedRule == 1 ? t.r(outputCurvature(p, y[i], tEps, true)) : t.r(p * t.r(1 - p));
          wantRdz[i] = t.r(t.r(g * v) * scale);
        }
      }
      String m = "mean " + mean + " chained " + chainedRule;
      assertBits(wantRz, get(t, rzp, wantRz.length), "rz, " + m);
      assertBits(wantRdz, get(t, rdzp, wantRdz.length), "rdz, " + m);
    }
  }

  @ParameterizedTest
  @EnumSource(Real.class)
  void rActBackwardDb(Real t) {
    for (int act = 0; act < 3; act++) {
      double slope = 0.01;
      int zStride = ROWS * UNITS + 2;
      int bStride = UNITS + 1;
      double[] rdz = random(t, R * zStride, 1);
      double[] da = random(t, R * zStride, 1);
      double[] z = random(t, R * zStride, 2);
      double[] rz = random(t, R * zStride, 1);
      double[] a = new double[R * zStride];
      for (int i = 0; i < a.length; i++) {
        a[i] = activate(t, z[i], act, slope);
      }
      long rdzp = put(t, rdz);
      long dbp = put(t, new double[R * bStride]);
      launch(
          t,
          "r_act_backward_db",
          R * UNITS,
          rdzp,
          put(t, da),
          put(t, z),
          put(t, a),
          put(t, rz),
          dbp,
          ROWS,
          UNITS,
          zStride,
          bStride,
          act,
          slope,
          R);
      double[] wantRdz = rdz.clone();
      double[] wantDb = new double[R * bStride];
      for (int r = 0; r < R; r++) {
        for (int u = 0; u < UNITS; u++) {
          double sum = 0;
          for (int s = 0; s < ROWS; s++) {
            int i = r * zStride + s * UNITS + u;
            double d1 = activateBackward(t, 1, z[i], a[i], act, slope);
            double d2 = act == 2 ? t.r(t.r(-2 * a[i]) * t.fma(-a[i], a[i], 1)) : 0;
            double g = t.fma(rdz[i], d1, t.r(t.r(da[i] * d2) * rz[i]));
            wantRdz[i] = g;
            sum = t.r(sum + g);
          }
          wantDb[r * bStride + u] = sum;
        }
      }
      assertBits(wantRdz, get(t, rdzp, wantRdz.length), "rdz, activation " + act);
      assertBits(wantDb, get(t, dbp, wantDb.length), "db, activation " + act);
    }
  }

  @ParameterizedTest
  @EnumSource(Real.class)
  void rColumnSums(Real t) {
    int stride = ROWS * UNITS + 5;
    int outStride = UNITS + 2;
    double[] m = random(t, R * stride, 1);
    long outp = put(t, new double[R * outStride]);
    launch(t, "r_column_sums", R * UNITS, put(t, m), outp, ROWS, UNITS, stride, outStride, R);
    double[] want = new double[R * outStride];
    for (int r = 0; r < R; r++) {
      for (int u = 0; u < UNITS; u++) {
        double sum = 0;
        for (int s = 0; s < ROWS; s++) {
          sum = t.r(sum + m[r * stride + s * UNITS + u]);
        }
        want[r * outStride + u] = sum;
      }
    }
    assertBits(want, get(t, outp, want.length), "column sums");
  }
}
