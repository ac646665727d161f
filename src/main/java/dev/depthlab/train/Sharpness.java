package dev.depthlab.train;

import dev.depthlab.backend.Gradients;
import dev.depthlab.backend.Group;
import dev.depthlab.common.Rng;
import dev.depthlab.model.Activation;
import dev.depthlab.model.Parameters;
import dev.depthlab.model.Precision;
import dev.depthlab.model.Reduction;
import java.util.ArrayList;
import java.util.List;

/**
 * The sharpness of each replica's training objective: the top eigenvalue of its Hessian at the
 * current parameters, by power iteration on Hessian-vector products taken as central differences of
 * full-training-set gradients through the {@link Group} contract, so every backend computes it the
 * same way. The parameters are put back bit for bit afterwards.
 *
 * <p>The objective is the one an SGD step of the run descends, averaged over the training set: for
 * reduction {@code mean} the mean per-sample loss, for {@code sum} the training batch size times it
 * (a full batch's summed loss, in expectation). So gradient descent on it is stable only while the
 * sharpness stays below 2/lr (Cohen et al., 2021).
 */
public final class Sharpness {
  /**
   * The finite-difference step, relative to the parameter norm: {@code eps = H * max(1, |theta|)}
   * with {@code |v| = 1}. Near the cube root of the unit roundoff, where the central difference's
   * truncation error (order eps^2) meets its rounding error (order u / eps).
   */
  static final double H_FP64 = 1e-5;

  static final double H_FP32 = 3e-3;

  /**
   * The fp64 step for piecewise-linear activations (ReLU, leaky ReLU), about the square root of the
   * unit roundoff. A probe that moves a pre-activation across 0 adds a gradient jump divided by 2
   * eps to H v, whatever eps is; only its probability shrinks with eps (about eps per unit and
   * sample). At 1e-5 a seed-study network (2000 samples x 16 units x depth) sees a few crossings
   * per product; at 1e-8 about one in a thousand products does, and the rounding error u / eps is
   * still about 1e-8 relative. There is no truncation error to balance: within a linear region the
   * gradient is smooth.
   */
  static final double H_KINKED_FP64 = 1e-8;

  /** The seed of the power iteration's start vector, the same for every run and epoch. */
  public static final long START_SEED = 0x5AA4L;

  private final Group group;
  private final int replicas;
  private final int nTrain;
  private final int maxBatch;
  private final boolean sum;
  private final double scale;
  private final double h;

  /**
   * For {@code group} of {@code replicas} replicas with {@code nTrain} training samples each,
   * gradients taken over batches of at most {@code maxBatch} (the group's), {@code trainBatch} the
   * run's SGD batch size (the scale of a {@code sum} objective).
   */
  public Sharpness(
      Group group,
      int replicas,
      int nTrain,
      int maxBatch,
      int trainBatch,
      Reduction reduction,
      Precision precision) {
    this(group, replicas, nTrain, maxBatch, trainBatch, reduction, precision, Activation.TANH);
  }

  /**
   * As above, with the step chosen for {@code activation}: {@link #H_KINKED_FP64} for ReLU and
   * leaky ReLU in fp64 (fp32 has no step both small enough to miss the kinks and large enough to
   * beat its rounding, so it keeps {@link #H_FP32}).
   */
  public Sharpness(
      Group group,
      int replicas,
      int nTrain,
      int maxBatch,
      int trainBatch,
      Reduction reduction,
      Precision precision,
      Activation activation) {
    this(
        group,
        replicas,
        nTrain,
        maxBatch,
        trainBatch,
        reduction,
        precision == Precision.FP64
            ? (activation == Activation.TANH ? H_FP64 : H_KINKED_FP64)
            : H_FP32);
  }

  /** With the finite-difference step {@code h} given (tests compare steps). */
  Sharpness(
      Group group,
      int replicas,
      int nTrain,
      int maxBatch,
      int trainBatch,
      Reduction reduction,
      double h) {
    this.group = group;
    this.replicas = replicas;
    this.nTrain = nTrain;
    this.maxBatch = maxBatch;
    this.sum = reduction == Reduction.SUM;
    this.scale = sum ? trainBatch : 1.0;
    this.h = h;
  }

  /**
   * Each replica's top Hessian eigenvalue after {@code iterations} power iterations from a start
   * vector drawn from {@code seed} (the same for every replica): 2 full-gradient passes per
   * iteration. When the iteration settles on a negative eigenvalue (its magnitude beat the top
   * one's), a second round on the Hessian shifted by it finds the top: 4 passes per iteration then.
   */
  public double[] estimate(int iterations, long seed) {
    List<Parameters> theta = group.allParameters();
    int size = flatten(theta.get(0)).length;
    double[][] base = new double[replicas][];
    double[] eps = new double[replicas];
    for (int r = 0; r < replicas; r++) {
      base[r] = flatten(theta.get(r));
      eps[r] = h * Math.max(1.0, norm(base[r]));
    }
    double[] out = new double[replicas];
    try {
      double[] none = new double[replicas];
      double[] lambda = powerIteration(theta, base, eps, none, iterations, seed, size);
      double[] shift = new double[replicas];
      boolean again = false;
      for (int r = 0; r < replicas; r++) {
        out[r] = lambda[r];
        if (lambda[r] < 0) {
          shift[r] = lambda[r];
          again = true;
        }
      }
      if (again) {
        double[] shifted = powerIteration(theta, base, eps, shift, iterations, seed, size);
        for (int r = 0; r < replicas; r++) {
          if (shift[r] < 0) {
            out[r] = shifted[r] + shift[r];
          }
        }
      }
    } finally {
      group.setParameters(theta);
    }
    return out;
  }

  /** Power iteration on H - shift I, per replica; returns the last Rayleigh quotients. */
  private double[] powerIteration(
      List<Parameters> theta,
      double[][] base,
      double[] eps,
      double[] shift,
      int iterations,
      long seed,
      int size) {
    Rng rng = new Rng(seed);
    double[] start = new double[size];
    for (int k = 0; k < size; k++) {
      start[k] = rng.nextGaussian();
    }
    scaleTo(start, 1.0 / norm(start));
    double[][] v = new double[replicas][];
    for (int r = 0; r < replicas; r++) {
      v[r] = start.clone();
    }
    double[] lambda = new double[replicas];
    for (int it = 0; it < iterations; it++) {
      double[][] hv = hessianTimes(theta, base, eps, v);
      for (int r = 0; r < replicas; r++) {
        double[] w = hv[r];
        for (int k = 0; k < size; k++) {
          w[k] -= shift[r] * v[r][k];
        }
        lambda[r] = dot(v[r], w);
        double n = norm(w);
        if (n > 0 && Double.isFinite(n)) {
          scaleTo(w, 1.0 / n);
          v[r] = w;
        }
      }
    }
    return lambda;
  }

  /** H v per replica: (g(theta + eps v) - g(theta - eps v)) / (2 eps). */
  private double[][] hessianTimes(
      List<Parameters> theta, double[][] base, double[] eps, double[][] v) {
    double[][] plus = gradientAt(theta, base, eps, v, 1);
    double[][] minus = gradientAt(theta, base, eps, v, -1);
    for (int r = 0; r < replicas; r++) {
      double inv = 1.0 / (2 * eps[r]);
      for (int k = 0; k < plus[r].length; k++) {
        plus[r][k] = (plus[r][k] - minus[r][k]) * inv;
      }
    }
    return plus;
  }

  /** Each replica's full objective gradient at theta + sign * eps * v, flattened. */
  private double[][] gradientAt(
      List<Parameters> theta, double[][] base, double[] eps, double[][] v, int sign) {
    List<Parameters> moved = new ArrayList<>(replicas);
    for (int r = 0; r < replicas; r++) {
      double[] x = new double[base[r].length];
      for (int k = 0; k < x.length; k++) {
        x[k] = base[r][k] + sign * eps[r] * v[r][k];
      }
      moved.add(unflatten(x, theta.get(r)));
    }
    group.setParameters(moved);
    return fullGradient();
  }

  /**
   * The objective's gradient over the whole training set at the group's current parameters, per
   * replica, flattened: batches of samples in index order, each batch's gradient weighted by its
   * share of the set (its size for {@code mean}, one for {@code sum}).
   */
  double[][] fullGradient() {
    double[][] total = null;
    for (int start = 0; start < nTrain; start += maxBatch) {
      int count = Math.min(maxBatch, nTrain - start);
      int[][] idx = new int[replicas][count];
      for (int r = 0; r < replicas; r++) {
        for (int s = 0; s < count; s++) {
          idx[r][s] = start + s;
        }
      }
      Gradients g = group.gradients(idx);
      double weight = sum ? scale / nTrain : (double) count / nTrain;
      if (total == null) {
        total = new double[replicas][];
      }
      for (int r = 0; r < replicas; r++) {
        double[] flat = flatten(new Parameters(g.weights()[r], g.biases()[r]));
        if (total[r] == null) {
          total[r] = new double[flat.length];
        }
        for (int k = 0; k < flat.length; k++) {
          total[r][k] = Math.fma(weight, flat[k], total[r][k]);
        }
      }
    }
    return total;
  }

  /** Weights then biases of every layer, in layer order, as one vector. */
  static double[] flatten(Parameters p) {
    int n = 0;
    for (int l = 0; l < p.layers(); l++) {
      n += p.weights()[l].length + p.biases()[l].length;
    }
    double[] out = new double[n];
    int off = 0;
    for (int l = 0; l < p.layers(); l++) {
      System.arraycopy(p.weights()[l], 0, out, off, p.weights()[l].length);
      off += p.weights()[l].length;
      System.arraycopy(p.biases()[l], 0, out, off, p.biases()[l].length);
      off += p.biases()[l].length;
    }
    return out;
  }

  /** The inverse of {@link #flatten}, shaped like {@code shape}. */
  static Parameters unflatten(double[] x, Parameters shape) {
    Parameters p = shape.copy();
    int off = 0;
    for (int l = 0; l < p.layers(); l++) {
      System.arraycopy(x, off, p.weights()[l], 0, p.weights()[l].length);
      off += p.weights()[l].length;
      System.arraycopy(x, off, p.biases()[l], 0, p.biases()[l].length);
      off += p.biases()[l].length;
    }
    return p;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int k = 0; k < a.length; k++) {
      s = Math.fma(a[k], b[k], s);
    }
    return s;
  }

  private static double norm(double[] a) {
    return Math.sqrt(dot(a, a));
  }

  private static void scaleTo(double[] a, double f) {
    for (int k = 0; k < a.length; k++) {
      a[k] *= f;
    }
  }
}
