package dev.depthlab.backend.cpu;

import dev.depthlab.backend.ReplicaSetup;
import dev.depthlab.model.Activation;
import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.OutputGradient;
import dev.depthlab.model.Parameters;
import dev.depthlab.model.Reduction;

/**
 * One replica on the CPU in double: its parameters, data and work buffers, and the training step as
 * a sequence of {@link VectorGemm64} products (the vector path) or {@link Dense64} kernels (the
 * scalar path), which sum alike. {@link CpuNet32} is the float twin.
 */
final class CpuNet64 implements CpuNet {
  /**
   * Whether the training step runs the Vector API kernels of {@link VectorGemm64} (the same bits as
   * {@link Dense64}'s; see {@link CpuKernels}).
   */
  private static final boolean VECTOR = CpuKernels.vector();

  private final int layers;
  private final int[] sizes;
  private final Activation act;
  private final double slope;
  private final double clipEps;
  private final boolean mean;

  /** The output gradient rule: the seed's CHAINED, or p - y (FUSED). See {@link OutputGradient}. */
  private final boolean chained;

  private final int rowsCap;

  private final double[][] w;
  private final double[][] b;
  private final double[][] dw;
  private final double[][] db;

  /**
   * The vector path's copy of w[l] transposed ([j * in + i]), kept equal to w[l] by every update:
   * the input gradient dz W^T then reads it in place.
   */
  private final double[][] wT;

  /** a[l]: the input of layer l (a[0] = gathered samples); z[l]: layer l's pre-activation. */
  private final double[][] a;

  private final double[][] z;

  /** dz[l]: gradient of the objective with respect to z[l]. */
  private final double[][] dz;

  private final double[] y;

  /** Feature-major buffers of the evaluation pass: [unit][sample], two for ping-pong. */
  private final double[][] evA;

  private final double[][] evB;
  private final double[][] evZ;

  /** The vector path's evaluation buffers, sample-major: [sample * width + unit]. */
  private final double[] evRowsA;

  private final double[] evRowsB;
  private final double[] evRowsZ;

  /** Non-zero positions per row of a[l] (aIdx, aCnt) and of dz[l] (gIdx, gCnt). */
  private final int[][] aIdx;

  private final int[][] aCnt;
  private final int[][] gIdx;
  private final int[][] gCnt;

  /**
   * The replica's own copy of its data, in double in both twins: the float twin rounds each value
   * as it loads it into its buffers, which gives the same floats as rounding it here once.
   */
  private final double[] trainX;

  private final double[] trainY;
  private final double[] testX;
  private final double[] testY;

  CpuNet64(NetworkSpec net, int maxBatch, ReplicaSetup setup) {
    layers = net.layers();
    sizes = net.sizes();
    act = net.activation();
    slope = net.leakySlope();
    clipEps = net.clipEps();
    mean = net.reduction() == Reduction.MEAN;
    chained = net.outputGradient() == OutputGradient.CHAINED;
    rowsCap = maxBatch;
    w = new double[layers][];
    b = new double[layers][];
    dw = new double[layers][];
    db = new double[layers][];
    wT = new double[layers][];
    a = new double[layers][];
    z = new double[layers][];
    dz = new double[layers][];
    aIdx = new int[layers][];
    aCnt = new int[layers][];
    gIdx = new int[layers][];
    gCnt = new int[layers][];
    for (int l = 0; l < layers; l++) {
      aIdx[l] = new int[rowsCap * sizes[l]];
      aCnt[l] = new int[rowsCap];
      gIdx[l] = new int[rowsCap * sizes[l + 1]];
      gCnt[l] = new int[rowsCap];
      w[l] = new double[sizes[l] * sizes[l + 1]];
      b[l] = new double[sizes[l + 1]];
      dw[l] = new double[sizes[l] * sizes[l + 1]];
      db[l] = new double[sizes[l + 1]];
      wT[l] = new double[keepsTransposed(l) ? sizes[l] * sizes[l + 1] : 0];
      a[l] = new double[rowsCap * sizes[l]];
      z[l] = new double[rowsCap * sizes[l + 1]];
      dz[l] = new double[rowsCap * sizes[l + 1]];
    }
    y = new double[rowsCap];
    evA = new double[net.maxWidth()][EVAL_CHUNK];
    evB = new double[net.maxWidth()][EVAL_CHUNK];
    evZ = new double[net.maxWidth()][EVAL_CHUNK];
    int evRows = VECTOR ? EVAL_CHUNK * net.maxWidth() : 0;
    evRowsA = new double[evRows];
    evRowsB = new double[evRows];
    evRowsZ = new double[evRows];
    trainX = setup.train().x().clone();
    trainY = setup.train().y().clone();
    testX = setup.test().x().clone();
    testY = setup.test().y().clone();
    load(setup.initial());
  }

  @Override
  public void load(Parameters p) {
    for (int l = 0; l < layers; l++) {
      System.arraycopy(p.weights()[l], 0, w[l], 0, w[l].length);
      System.arraycopy(p.biases()[l], 0, b[l], 0, b[l].length);
      if (keepsTransposed(l)) {
        for (int i = 0; i < sizes[l]; i++) {
          for (int j = 0; j < sizes[l + 1]; j++) {
            wT[l][j * sizes[l] + i] = w[l][i * sizes[l + 1] + j];
          }
        }
      }
    }
  }

  @Override
  public void parameters(Parameters out) {
    for (int l = 0; l < layers; l++) {
      System.arraycopy(w[l], 0, out.weights()[l], 0, w[l].length);
      System.arraycopy(b[l], 0, out.biases()[l], 0, b[l].length);
    }
  }

  @Override
  public double step(int[] order, int offset, int count, double lr, double[] gradSq, int gOff) {
    double loss = lossAndGradients(order, offset, count);
    for (int l = 0; l < layers; l++) {
      Dense64.sgdUpdate(b[l], db[l], b[l].length, lr);
    }
    if (!VECTOR) {
      for (int l = 0; l < layers; l++) {
        gradSq[gOff + l] = Dense64.sgdUpdate(w[l], dw[l], w[l].length, lr);
      }
      return loss;
    }
    int l = 0;
    while (l < layers) {
      int in = sizes[l];
      int out = sizes[l + 1];
      boolean pair = l + 1 < layers && sizes[l + 2] == out && in == out;
      if (!keepsTransposed(l) && pair && !keepsTransposed(l + 1)) {
        // two wide hidden layers of one shape: their squared norms' chains run side by side
        Dense64.sgdUpdatePair(w[l], dw[l], w[l + 1], dw[l + 1], in, out, lr, gradSq, gOff + l);
        l += 2;
      } else if (!keepsTransposed(l)) {
        gradSq[gOff + l] = Dense64.sgdUpdate(w[l], dw[l], w[l].length, lr);
        l++;
      } else if (pair) {
        // two hidden layers of one shape in one loop: their squared norms' chains of dependent
        // adds run side by side
        Dense64.sgdUpdateTransposedPair(
            w[l], dw[l], wT[l], w[l + 1], dw[l + 1], wT[l + 1], in, out, lr, gradSq, gOff + l);
        l += 2;
      } else {
        gradSq[gOff + l] = Dense64.sgdUpdateTransposed(w[l], dw[l], wT[l], in, out, lr);
        l++;
      }
    }
    return loss;
  }

  @Override
  public double gradients(int[] indices, double[][] gw, double[][] gb) {
    double loss = lossAndGradients(indices, 0, indices.length);
    for (int l = 0; l < layers; l++) {
      System.arraycopy(dw[l], 0, gw[l], 0, dw[l].length);
      System.arraycopy(db[l], 0, gb[l], 0, db[l].length);
    }
    return loss;
  }

  /** Forward, loss and backward on a batch; leaves dw/db filled; returns the mean loss. */
  private double lossAndGradients(int[] order, int offset, int count) {
    gather(order, offset, count);
    forward(count);
    int top = layers - 1;
    double scale = mean ? 1.0 / count : 1.0;
    double lossSum = 0.0;
    double[] zo = z[top];
    double[] g = dz[top];
    for (int s = 0; s < count; s++) {
      double p = 1.0 / (1.0 + StrictMath.exp(-zo[s]));
      lossSum += bce(p, y[s]);
      double d = chained ? OutputGradient.chained(p, y[s], clipEps) : p - y[s];
      g[s] = d * scale;
    }
    if (VECTOR) {
      backwardVector(count);
    } else {
      backwardScalar(count);
    }
    return lossSum / count;
  }

  private void backwardScalar(int count) {
    for (int l = layers - 1; l >= 0; l--) {
      Dense64.nonZeros(dz[l], count, sizes[l + 1], gIdx[l], gCnt[l]);
      Dense64.multTransA(
          a[l],
          aIdx[l],
          aCnt[l],
          dz[l],
          gIdx[l],
          gCnt[l],
          count,
          sizes[l],
          sizes[l + 1],
          dw[l],
          db[l]);
      if (l > 0 && act == Activation.RELU) {
        // a[l] = relu(z[l - 1]) is non-zero exactly where ReLU passes the gradient
        Dense64.multTransBMasked(
            dz[l],
            count,
            sizes[l + 1],
            gIdx[l],
            gCnt[l],
            w[l],
            sizes[l],
            aIdx[l],
            aCnt[l],
            dz[l - 1]);
      } else if (l > 0) {
        Dense64.multTransB(dz[l], count, sizes[l + 1], gIdx[l], gCnt[l], w[l], sizes[l], dz[l - 1]);
        activationBackward(l - 1, count * sizes[l]);
      }
    }
  }

  /**
   * The backward pass on the vector path: the same sums as {@link #backwardScalar} (gradients over
   * samples in order, input gradients over outputs in order), none of them skipping zeros.
   */
  private void backwardVector(int count) {
    for (int l = layers - 1; l >= 0; l--) {
      int in = sizes[l];
      int out = sizes[l + 1];
      // dW = a^T dz: A(i, s) = a[s * in + i]
      VectorGemm64.gemm(a[l], 1, in, dz[l], out, 1, null, dw[l], in, out, count);
      VectorGemm64.columnSums(dz[l], count, out, db[l]);
      if (l > 0) {
        if (keepsTransposed(l)) {
          // da = dz W^T, W^T read in place from wT
          VectorGemm64.gemm(dz[l], out, 1, wT[l], in, 1, null, dz[l - 1], count, in, out);
        } else {
          // da = dz W^T: B(j, i) = w[i * out + j], packed block by block by the product
          VectorGemm64.gemm(dz[l], out, 1, w[l], 1, out, null, dz[l - 1], count, in, out);
        }
        if (act == Activation.RELU) {
          // a[l] = relu(z[l - 1]) is non-zero exactly where ReLU passes the gradient
          VectorGemm64.keepWhereNonZero(dz[l - 1], a[l], count * in);
        } else {
          activationBackward(l - 1, count * in);
        }
      }
    }
  }

  /**
   * Whether the vector path keeps layer l's weights transposed in wT: when the input gradient's
   * product would read W^T in place (a narrow layer). A wide product packs W^T from W block by
   * block anyway, and a transposed copy of a wide W costs cache misses on every update.
   */
  private boolean keepsTransposed(int l) {
    return VECTOR && VectorGemm64.readsInPlace(sizes[l]);
  }

  /**
   * Clipped binary cross-entropy of one prediction. For a 0/1 label one logarithm suffices, and
   * gives the same bits as the two-term formula (the other term is exactly zero).
   */
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

  /** Copies training samples order[offset .. offset+count) into a[0] and their labels into y. */
  private void gather(int[] order, int offset, int count) {
    int f = sizes[0];
    double[] a0 = a[0];
    for (int s = 0; s < count; s++) {
      int idx = order[offset + s];
      for (int k = 0; k < f; k++) {
        a0[s * f + k] = trainX[idx * f + k];
      }
      y[s] = trainY[idx];
    }
  }

  private void forward(int rows) {
    for (int l = 0; l < layers; l++) {
      if (VECTOR) {
        int in = sizes[l];
        int out = sizes[l + 1];
        VectorGemm64.gemm(a[l], in, 1, w[l], out, 1, b[l], z[l], rows, out, in);
      } else {
        Dense64.nonZeros(a[l], rows, sizes[l], aIdx[l], aCnt[l]);
        Dense64.multAddBias(a[l], rows, sizes[l], aIdx[l], aCnt[l], w[l], sizes[l + 1], b[l], z[l]);
      }
      if (l < layers - 1) {
        activationForward(z[l], a[l + 1], rows * sizes[l + 1]);
      }
    }
  }

  private void activationForward(double[] in, double[] out, int n) {
    switch (act) {
      case RELU:
        // Math.max compiles to a branch-free max; a ternary mispredicts on ReLU's random signs.
        // (It differs from the kernels' z > 0 ? z : 0 only for NaN, i.e. in a diverged run.)
        for (int k = 0; k < n; k++) {
          out[k] = Math.max(in[k], 0.0);
        }
        break;
      case LEAKY_RELU:
        for (int k = 0; k < n; k++) {
          out[k] = in[k] > 0.0 ? in[k] : slope * in[k];
        }
        break;
      default:
        for (int k = 0; k < n; k++) {
          out[k] = StrictMath.tanh(in[k]);
        }
    }
  }

  /**
   * dz[h] *= act'(z[h]) for hidden layer h, given dz[h] holds dL/da. LeakyReLU and tanh only:
   * ReLU's derivative is applied inside {@link Dense64#multTransBMasked}.
   */
  private void activationBackward(int h, int n) {
    double[] zh = z[h];
    double[] g = dz[h];
    if (act == Activation.LEAKY_RELU) {
      for (int k = 0; k < n; k++) {
        g[k] = zh[k] > 0.0 ? g[k] : slope * g[k];
      }
    } else {
      double[] ah = a[h + 1];
      for (int k = 0; k < n; k++) {
        g[k] = g[k] * Math.fma(-ah[k], ah[k], 1.0);
      }
    }
  }

  @Override
  public void evaluate(double[] out, double[] deadFraction) {
    evalSet(testX, testY, out, 2, null);
    int hidden = layers - 1;
    boolean[][] alive = new boolean[hidden][];
    for (int h = 0; h < hidden; h++) {
      alive[h] = new boolean[sizes[h + 1]];
    }
    evalSet(trainX, trainY, out, 0, alive);
    for (int h = 0; h < hidden; h++) {
      int dead = 0;
      for (boolean v : alive[h]) {
        dead += v ? 0 : 1;
      }
      deadFraction[h] = (double) dead / alive[h].length;
    }
  }

  /**
   * Mean loss into out[slot], accuracy into out[slot + 1]; marks units active anywhere. Runs over
   * chunks of {@link CpuNet#EVAL_CHUNK} samples ({@link #forwardChunk}).
   */
  private void evalSet(double[] x, double[] labels, double[] out, int slot, boolean[][] alive) {
    int n = labels.length;
    double lossSum = 0.0;
    int correct = 0;
    for (int start = 0; start < n; start += EVAL_CHUNK) {
      int rows = Math.min(EVAL_CHUNK, n - start);
      double[] zo =
          VECTOR ? forwardRows(x, start, rows, alive) : forwardChunk(x, start, rows, alive);
      for (int s = 0; s < rows; s++) {
        double p = 1.0 / (1.0 + StrictMath.exp(-zo[s]));
        double label = labels[start + s];
        lossSum += bce(p, label);
        correct += CpuNet.correct(p, label);
      }
    }
    out[slot] = n == 0 ? Double.NaN : lossSum / n;
    out[slot + 1] = n == 0 ? Double.NaN : (double) correct / n;
  }

  @Override
  public void predict(double[] x, int n, double[] out) {
    for (int start = 0; start < n; start += EVAL_CHUNK) {
      int rows = Math.min(EVAL_CHUNK, n - start);
      double[] zo = VECTOR ? forwardRows(x, start, rows, null) : forwardChunk(x, start, rows, null);
      for (int s = 0; s < rows; s++) {
        double p = 1.0 / (1.0 + StrictMath.exp(-zo[s]));
        out[start + s] = p;
      }
    }
  }

  /**
   * The forward pass of points {@code [start, start + rows)} of {@code x} (at most {@link
   * CpuNet#EVAL_CHUNK}); returns the buffer whose first {@code rows} values are the output
   * pre-activations. With {@code alive}, marks the hidden units active on any of the points. Runs
   * feature-major ({@code evA[feature][sample]}): the inner loops then run over many samples with
   * one index, which the JIT vectorises. Sums keep the training path's order (bias, then inputs in
   * increasing order).
   */
  private double[] forwardChunk(double[] x, int start, int rows, boolean[][] alive) {
    int f = sizes[0];
    double[][] cur = evA;
    double[][] next = evB;
    for (int s = 0; s < rows; s++) {
      for (int k = 0; k < f; k++) {
        cur[k][s] = x[(start + s) * f + k];
      }
    }
    for (int l = 0; l < layers; l++) {
      int in = sizes[l];
      int outW = sizes[l + 1];
      double[] wl = w[l];
      for (int j = 0; j < outW; j++) {
        double[] zj = evZ[j];
        double bj = b[l][j];
        for (int s = 0; s < rows; s++) {
          zj[s] = bj;
        }
        for (int i = 0; i < in; i++) {
          double wv = wl[i * outW + j];
          double[] ai = cur[i];
          for (int s = 0; s < rows; s++) {
            zj[s] = Math.fma(wv, ai[s], zj[s]);
          }
        }
        if (l < layers - 1) {
          activationForward(zj, next[j], rows);
          if (alive != null && !alive[l][j]) {
            alive[l][j] = anyActive(zj, rows);
          }
        }
      }
      double[][] t = cur;
      cur = next;
      next = t;
    }
    return evZ[0];
  }

  /**
   * {@link #forwardChunk} on the vector path: sample-major buffers and {@link VectorGemm64}, the
   * same sums (bias, then inputs in increasing order).
   */
  private double[] forwardRows(double[] x, int start, int rows, boolean[][] alive) {
    int f = sizes[0];
    double[] cur = evRowsA;
    double[] next = evRowsB;
    for (int k = 0; k < rows * f; k++) {
      cur[k] = x[start * f + k];
    }
    for (int l = 0; l < layers; l++) {
      int in = sizes[l];
      int out = sizes[l + 1];
      VectorGemm64.gemm(cur, in, 1, w[l], out, 1, b[l], evRowsZ, rows, out, in);
      if (l < layers - 1) {
        activationForward(evRowsZ, next, rows * out);
        if (alive != null) {
          for (int j = 0; j < out; j++) {
            if (!alive[l][j]) {
              alive[l][j] = anyActive(evRowsZ, j, out, rows);
            }
          }
        }
        double[] t = cur;
        cur = next;
        next = t;
      }
    }
    return evRowsZ;
  }

  /**
   * Whether unit j is active on any of the rows of a sample-major buffer with {@code out} units.
   */
  private boolean anyActive(double[] z, int j, int out, int rows) {
    for (int s = 0; s < rows; s++) {
      if (!act.inactive(z[s * out + j])) {
        return true;
      }
    }
    return false;
  }

  private boolean anyActive(double[] zj, int rows) {
    for (int s = 0; s < rows; s++) {
      if (!act.inactive(zj[s])) {
        return true;
      }
    }
    return false;
  }

  @Override
  public double batchAccuracy(int count) {
    // z[top] still holds the last batch's output pre-activations (bias added), y its labels
    double[] zo = z[layers - 1];
    int correct = 0;
    for (int s = 0; s < count; s++) {
      double p = 1.0 / (1.0 + StrictMath.exp(-zo[s]));
      correct += CpuNet.correct(p, y[s]);
    }
    return (double) correct / count;
  }

  @Override
  public void copyLayer(int l, double[] out, int off) {
    System.arraycopy(w[l], 0, out, off, w[l].length);
    System.arraycopy(b[l], 0, out, off + w[l].length, b[l].length);
  }
}
