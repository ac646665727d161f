package dev.depthlab.backend.reference;

import dev.depthlab.backend.ReplicaSetup;
import dev.depthlab.data.DataSet;
import dev.depthlab.model.Activation;
import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.OutputGradient;
import dev.depthlab.model.Parameters;
import dev.depthlab.model.Reduction;
import dev.depthlab.model.Rules;

/**
 * One network in fp64 written as plainly as it can be: one sample at a time, every sum a scalar
 * loop over all its terms. It is the head of the chain of trust (docs/reference.md): the optimised
 * CPU path is held to it bit for bit, and its gradients to finite differences.
 *
 * <p>The numbers, for a batch of B samples and weight layer l mapping {@code in} inputs {@code a}
 * to {@code out} outputs (weights row-major, {@code w[i * out + j]}):
 *
 * <ul>
 *   <li>{@code z_j = b_j + sum_i a_i w[i*out+j]}, the sum started at the bias and run over inputs
 *       in increasing order; hidden layers apply the activation, the output the sigmoid {@code p =
 *       1 / (1 + exp(-z))};
 *   <li>loss: the BCE of p clipped to {@code [eps, 1 - eps]}, summed over the batch in sample order
 *       and divided by B;
 *   <li>output gradient {@code dz = p - y} ({@code FUSED}) or {@link OutputGradient#chained}, times
 *       {@code 1.0 / B} under {@code MEAN};
 *   <li>{@code dW[i*out+j] = sum_s a_i dz_j} and {@code db_j = sum_s dz_j}, each over the batch's
 *       samples in order; {@code dA_i = sum_j dz_j w[i*out+j]} over outputs in increasing order,
 *       then {@code dz = dA * act'(z)};
 *   <li>SGD: {@code w -= lr * dW}, and the squared norm {@code sum_k dW_k^2} in index order.
 * </ul>
 *
 * <p>Those are the optimised CPU path's orders (backend/cpu: CpuNet64, Dense64), which is why the
 * two agree bit for bit. The CPU path skips terms whose factor is an exact zero (a ReLU zero, a
 * zero gradient) and this class adds them: adding a product {@code 0 * w = +-0} leaves a sum
 * unchanged unless the sum so far is {@code -0}, which none of these sums can be (each starts at
 * {@code +0} or at a bias, and a bias becomes {@code -0} only if it starts there), and multiplies
 * ReLU's zero derivative instead of writing 0, which can only change the sign of a zero that every
 * later sum absorbs. So the two agree for all finite parameters; a diverged network (an infinite
 * weight) can give NaN here where the CPU path skipped {@code 0 * inf}.
 */
final class ReferenceNet {
  private final NetworkSpec net;
  private final int layers;
  private final int[] sizes;

  private final double[][] w;
  private final double[][] b;

  /** The last batch's gradients of the batch objective. */
  private final double[][] dw;

  private final double[][] db;

  /** The current sample: a[l] is layer l's input (a[0] the point), z[l] its pre-activation. */
  private final double[][] a;

  private final double[][] z;

  /** dz[l]: the current sample's gradient of the objective with respect to z[l]. */
  private final double[][] dz;

  private final DataSet train;
  private final DataSet test;

  /** The last batch's share of samples predicted right, before the update. */
  private double lastAccuracy = Double.NaN;

  ReferenceNet(NetworkSpec net, ReplicaSetup setup) {
    this.net = net;
    this.layers = net.layers();
    this.sizes = net.sizes();
    Parameters start = setup.initial().copy();
    w = start.weights();
    b = start.biases();
    Parameters zeros = Parameters.zeros(net);
    dw = zeros.weights();
    db = zeros.biases();
    a = new double[layers][];
    z = new double[layers][];
    dz = new double[layers][];
    for (int l = 0; l < layers; l++) {
      a[l] = new double[sizes[l]];
      z[l] = new double[sizes[l + 1]];
      dz[l] = new double[sizes[l + 1]];
    }
    train = setup.train();
    test = setup.test();
  }

  /**
   * Forward, loss and backward over training samples {@code order[offset .. offset + count)},
   * leaving the batch objective's gradients in dw and db; returns the batch's mean loss.
   */
  double lossAndGradients(int[] order, int offset, int count) {
    for (int l = 0; l < layers; l++) {
      java.util.Arrays.fill(dw[l], 0.0);
      java.util.Arrays.fill(db[l], 0.0);
    }
    double lossSum = 0.0;
    int correct = 0;
    for (int s = 0; s < count; s++) {
      int n = order[offset + s];
      double p = sigmoid(forward(train.x(), n * sizes[0]));
      double y = train.y()[n];
      lossSum += bce(p, y);
      correct += Rules.correct(p, y);
      backward(outputGradient(p, y, count));
    }
    lastAccuracy = (double) correct / count;
    return lossSum / count;
  }

  /**
   * The batch objective's gradient at the output for prediction p of label y in a batch of {@code
   * count}: {@code p - y} or {@link OutputGradient#chained}, times {@code 1.0 / count} under MEAN.
   */
  private double outputGradient(double p, double y, int count) {
    double d =
        net.outputGradient() == OutputGradient.CHAINED
            ? OutputGradient.chained(p, y, net.clipEps())
            : p - y;
    // times the reciprocal, not d / count: the CPU path scales so, and the two round differently
    return net.reduction() == Reduction.MEAN ? d * (1.0 / count) : d;
  }

  /**
   * Forward and backward of training sample {@code n} as one sample of a batch of {@code count},
   * exactly as {@link #lossAndGradients} runs it: leaves its pre-activations in {@link #z(int)} and
   * their gradients in {@link #dz(int)} (dw and db gather its share too; the next batch clears
   * them). The signal analysis reads these, so its numbers are this network's own passes.
   */
  void trace(int n, int count) {
    double p = sigmoid(forward(train.x(), n * sizes[0]));
    backward(outputGradient(p, train.y()[n], count));
  }

  /** Weight layer l's pre-activations of the sample last traced (the array itself, not a copy). */
  double[] z(int l) {
    return z[l];
  }

  /** The batch objective's gradient with respect to {@link #z(int)}, same sample (not a copy). */
  double[] dz(int l) {
    return dz[l];
  }

  /** One SGD step; {@code gradSq[l]} gets layer l's squared weight-gradient norm. */
  double step(int[] order, int offset, int count, double lr, double[] gradSq) {
    double loss = lossAndGradients(order, offset, count);
    for (int l = 0; l < layers; l++) {
      double sq = 0.0;
      for (int k = 0; k < w[l].length; k++) {
        sq = Math.fma(dw[l][k], dw[l][k], sq);
        w[l][k] = Math.fma(-lr, dw[l][k], w[l][k]);
      }
      gradSq[l] = sq;
      for (int j = 0; j < b[l].length; j++) {
        b[l][j] = Math.fma(-lr, db[l][j], b[l][j]);
      }
    }
    return loss;
  }

  /**
   * The forward pass of the point at {@code x[off ..]}: fills a and z; returns the output's
   * pre-activation.
   */
  private double forward(double[] x, int off) {
    for (int i = 0; i < sizes[0]; i++) {
      a[0][i] = x[off + i];
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
          a[l + 1][j] = net.activation().value(z[l][j], net.leakySlope());
        }
      }
    }
    return z[layers - 1][0];
  }

  /**
   * The backward pass of the sample last run forward, whose output gradient is {@code outGrad}:
   * adds its share to dw and db.
   */
  private void backward(double outGrad) {
    dz[layers - 1][0] = outGrad;
    for (int l = layers - 1; l >= 0; l--) {
      int in = sizes[l];
      int out = sizes[l + 1];
      for (int i = 0; i < in; i++) {
        for (int j = 0; j < out; j++) {
          dw[l][i * out + j] = Math.fma(a[l][i], dz[l][j], dw[l][i * out + j]);
        }
      }
      for (int j = 0; j < out; j++) {
        db[l][j] += dz[l][j];
      }
      if (l > 0) {
        for (int i = 0; i < in; i++) {
          double sum = 0.0;
          for (int j = 0; j < out; j++) {
            sum = Math.fma(dz[l][j], w[l][i * out + j], sum);
          }
          // a[l] is the activation of z[l - 1]
          dz[l - 1][i] = sum * net.activation().derivative(z[l - 1][i], a[l][i], net.leakySlope());
        }
      }
    }
  }

  private static double sigmoid(double v) {
    return 1.0 / (1.0 + StrictMath.exp(-v));
  }

  /**
   * The BCE of prediction p clipped to [eps, 1 - eps]. For a 0/1 label only one term is written:
   * the other is exactly 0 when eps > 0, but {@code 0 * log(0)} = NaN when eps = 0 and p rounds to
   * 0 or 1, where the one-term form (the CPU path's) gives the loss.
   */
  private double bce(double p, double label) {
    double eps = net.clipEps();
    double pc = Math.min(Math.max(p, eps), 1.0 - eps);
    if (label == 1.0) {
      return -StrictMath.log(pc);
    }
    if (label == 0.0) {
      return -StrictMath.log(1.0 - pc);
    }
    return -Math.fma(label, StrictMath.log(pc), (1.0 - label) * StrictMath.log(1.0 - pc));
  }

  /** The last batch's accuracy (before its update). */
  double batchAccuracy() {
    return lastAccuracy;
  }

  /**
   * out = [trainLoss, trainAcc, testLoss, testAcc] (NaN for an empty set); deadFraction[h]: the
   * share of hidden layer h's units inactive ({@link Activation#inactive}) on every training point.
   */
  void evaluate(double[] out, double[] deadFraction) {
    evaluateSet(test, out, 2, null);
    boolean[][] active = new boolean[layers - 1][];
    for (int h = 0; h < layers - 1; h++) {
      active[h] = new boolean[sizes[h + 1]];
    }
    evaluateSet(train, out, 0, active);
    for (int h = 0; h < layers - 1; h++) {
      int dead = 0;
      for (boolean on : active[h]) {
        dead += on ? 0 : 1;
      }
      deadFraction[h] = (double) dead / active[h].length;
    }
  }

  /** Mean loss into out[slot], accuracy into out[slot + 1]; marks units active on any point. */
  private void evaluateSet(DataSet set, double[] out, int slot, boolean[][] active) {
    int n = set.size();
    double lossSum = 0.0;
    int correct = 0;
    for (int s = 0; s < n; s++) {
      double p = sigmoid(forward(set.x(), s * sizes[0]));
      lossSum += bce(p, set.y()[s]);
      correct += Rules.correct(p, set.y()[s]);
      if (active != null) {
        for (int h = 0; h < layers - 1; h++) {
          for (int j = 0; j < sizes[h + 1]; j++) {
            active[h][j] |= !net.activation().inactive(z[h][j]);
          }
        }
      }
    }
    out[slot] = n == 0 ? Double.NaN : lossSum / n;
    out[slot + 1] = n == 0 ? Double.NaN : (double) correct / n;
  }

  /** The sigmoid outputs for the {@code out.length} points of {@code x} (row-major). */
  void predict(double[] x, double[] out) {
    for (int s = 0; s < out.length; s++) {
      out[s] = sigmoid(forward(x, s * sizes[0]));
    }
  }

  /** Copies the last batch's gradients into gw and gb. */
  void copyGradients(double[][] gw, double[][] gb) {
    for (int l = 0; l < layers; l++) {
      System.arraycopy(dw[l], 0, gw[l], 0, dw[l].length);
      System.arraycopy(db[l], 0, gb[l], 0, db[l].length);
    }
  }

  /** Replaces the parameters with a copy of {@code p}. */
  void load(Parameters p) {
    for (int l = 0; l < layers; l++) {
      if (p.weights()[l].length != w[l].length || p.biases()[l].length != b[l].length) {
        throw new IllegalArgumentException("parameters of layer " + l + " do not fit " + net);
      }
      System.arraycopy(p.weights()[l], 0, w[l], 0, w[l].length);
      System.arraycopy(p.biases()[l], 0, b[l], 0, b[l].length);
    }
  }

  /** A copy of the current parameters. */
  Parameters parameters() {
    return new Parameters(w, b).copy();
  }

  /** Layer l's weights (row-major) then biases, as one new array. */
  double[] layer(int l) {
    double[] out = new double[w[l].length + b[l].length];
    System.arraycopy(w[l], 0, out, 0, w[l].length);
    System.arraycopy(b[l], 0, out, w[l].length, b[l].length);
    return out;
  }
}
