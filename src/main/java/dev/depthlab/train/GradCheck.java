package dev.depthlab.train;

import dev.depthlab.backend.Backend;
import dev.depthlab.backend.Gradients;
import dev.depthlab.backend.Group;
import dev.depthlab.backend.GroupSpec;
import dev.depthlab.backend.ReplicaSetup;
import dev.depthlab.data.DataSet;
import dev.depthlab.model.Activation;
import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.OutputGradient;
import dev.depthlab.model.Parameters;
import dev.depthlab.model.Precision;
import dev.depthlab.model.Reduction;
import java.util.List;

/**
 * Checks a backend's gradients against central finite differences of an independent scalar
 * reference of the same objective, computed in double.
 *
 * <p>The objective: by default ({@link Objective#RULE}) the loss whose exact gradient the network's
 * output rule ({@link OutputGradient}) is, so that a check holds wherever the outputs are, clipped
 * or not: for {@code FUSED} (p - y) the unclipped BCE; for {@code CHAINED} (the seed's) the clipped
 * BCE continued beyond each clip bound by its tangent line there. Where no output is clipped both
 * equal the clipped BCE that runs report ({@link Objective#CLIPPED_BCE}), whose finite difference
 * is 0 for a clipped output (the clip is flat there) and so matches neither rule.
 *
 * <p>Error measure: for each layer, weights and biases separately, the norm-wise relative error
 * {@code |g - fd|_2 / max(|g|_2, |fd|_2)}; the check's error is the largest of these. A norm-wise
 * measure is used because single elements near zero have finite-difference round-off far above
 * their size, which says nothing about the gradient's correctness.
 *
 * <p>ReLU kinks: a finite difference across a kink measures neither one-sided derivative. For every
 * perturbed parameter the reference records which hidden pre-activations are positive (and which
 * outputs are clipped) at {@code theta +- h}; if that pattern differs from the one at {@code
 * theta}, the parameter is excluded from the comparison and counted in {@code excluded}.
 */
public final class GradCheck {
  /** The finite-difference step. */
  public static final double H = 1e-5;

  private GradCheck() {}

  /** Which loss the finite differences are taken of; see the class comment. */
  public enum Objective {
    /** The loss whose exact gradient the net's output rule is. */
    RULE,
    /** The clipped BCE of the reported loss: the same as RULE's where no output is clipped. */
    CLIPPED_BCE
  }

  /** The outcome of one check: the max error, per-layer errors, and excluded parameter count. */
  public record Result(
      double maxRelError, double[] weightRel, double[] biasRel, int excluded, int checked) {}

  /** The backend's gradients of {@code params} on samples {@code batch} of {@code train}. */
  public static Gradients backendGradients(
      Backend backend,
      NetworkSpec net,
      Precision precision,
      Parameters params,
      DataSet train,
      DataSet test,
      int[] batch) {
    GroupSpec gs = new GroupSpec(net, precision, batch.length, 1);
    try (Group g = backend.createGroup(gs, List.of(new ReplicaSetup(params, train, test)))) {
      return g.gradients(new int[][] {batch});
    }
  }

  /**
   * Compares {@code analytic} (one replica's gradients) with finite differences of the rule's loss.
   */
  public static Result check(
      NetworkSpec net,
      Parameters params,
      DataSet train,
      int[] batch,
      double[][] analyticW,
      double[][] analyticB) {
    return check(net, params, train, batch, analyticW, analyticB, Objective.RULE);
  }

  /** Compares {@code analytic} with finite differences of {@code objective}. */
  public static Result check(
      NetworkSpec net,
      Parameters params,
      DataSet train,
      int[] batch,
      double[][] analyticW,
      double[][] analyticB,
      Objective objective) {
    Reference ref = new Reference(net, train, batch, objective);
    Parameters p = params.copy();
    int layers = net.layers();
    boolean[] base = ref.pattern(p);
    double[] wRel = new double[layers];
    double[] bRel = new double[layers];
    int excluded = 0;
    int checked = 0;
    for (int l = 0; l < layers; l++) {
      double[][] targets = {p.weights()[l], p.biases()[l]};
      double[][] analytic = {analyticW[l], analyticB[l]};
      for (int t = 0; t < 2; t++) {
        double[] v = targets[t];
        double diff = 0;
        double nA = 0;
        double nF = 0;
        for (int k = 0; k < v.length; k++) {
          double keep = v[k];
          v[k] = keep + H;
          double plus = ref.loss(p);
          boolean samePlus = java.util.Arrays.equals(base, ref.lastPattern());
          v[k] = keep - H;
          double minus = ref.loss(p);
          boolean sameMinus = java.util.Arrays.equals(base, ref.lastPattern());
          v[k] = keep;
          if (!samePlus || !sameMinus) {
            excluded++;
            continue;
          }
          checked++;
          double fd = (plus - minus) / (2 * H);
          double a = analytic[t][k];
          diff += (a - fd) * (a - fd);
          nA += a * a;
          nF += fd * fd;
        }
        double denom = Math.sqrt(Math.max(nA, nF));
        double rel = denom == 0 ? Math.sqrt(diff) : Math.sqrt(diff) / denom;
        if (t == 0) {
          wRel[l] = rel;
        } else {
          bRel[l] = rel;
        }
      }
    }
    double max = 0;
    for (int l = 0; l < layers; l++) {
      max = Math.max(max, Math.max(wRel[l], bRel[l]));
    }
    return new Result(max, wRel, bRel, excluded, checked);
  }

  /** Norm-wise relative difference of two gradients, max over layers, weights and biases. */
  public static double maxRelDifference(
      double[][] aw, double[][] ab, double[][] bw, double[][] bb) {
    double max = 0;
    for (int l = 0; l < aw.length; l++) {
      max = Math.max(max, rel(aw[l], bw[l]));
      max = Math.max(max, rel(ab[l], bb[l]));
    }
    return max;
  }

  static double rel(double[] a, double[] b) {
    double diff = 0;
    double na = 0;
    double nb = 0;
    for (int k = 0; k < a.length; k++) {
      diff += (a[k] - b[k]) * (a[k] - b[k]);
      na += a[k] * a[k];
      nb += b[k] * b[k];
    }
    double denom = Math.sqrt(Math.max(na, nb));
    return denom == 0 ? Math.sqrt(diff) : Math.sqrt(diff) / denom;
  }

  /**
   * The objective written as plainly as possible, sample by sample, in double: deliberately not
   * sharing code with any backend.
   */
  static final class Reference {
    private final NetworkSpec net;
    private final Objective objective;
    private final double[][] xs;
    private final double[] ys;
    private boolean[] pattern;

    Reference(NetworkSpec net, DataSet data, int[] batch, Objective objective) {
      this.net = net;
      this.objective = objective;
      int f = data.features();
      xs = new double[batch.length][f];
      ys = new double[batch.length];
      for (int s = 0; s < batch.length; s++) {
        for (int k = 0; k < f; k++) {
          xs[s][k] = data.x()[batch[s] * f + k];
        }
        ys[s] = data.y()[batch[s]];
      }
    }

    boolean[] pattern(Parameters p) {
      loss(p);
      return pattern.clone();
    }

    boolean[] lastPattern() {
      return pattern;
    }

    /** The batch objective (sum or mean of the per-sample loss) and the activation pattern. */
    double loss(Parameters p) {
      int[] sizes = net.sizes();
      int hiddenUnits = 0;
      for (int l = 1; l < sizes.length - 1; l++) {
        hiddenUnits += sizes[l];
      }
      pattern = new boolean[xs.length * (hiddenUnits + 2)];
      int pi = 0;
      double total = 0;
      for (int s = 0; s < xs.length; s++) {
        double[] a = xs[s];
        for (int l = 0; l < net.layers(); l++) {
          int in = sizes[l];
          int out = sizes[l + 1];
          double[] z = new double[out];
          for (int j = 0; j < out; j++) {
            double sum = p.biases()[l][j];
            for (int i = 0; i < in; i++) {
              sum += a[i] * p.weights()[l][i * out + j];
            }
            z[j] = sum;
          }
          if (l < net.layers() - 1) {
            double[] next = new double[out];
            for (int j = 0; j < out; j++) {
              next[j] = activate(z[j]);
              pattern[pi++] = net.activation() != Activation.TANH && z[j] > 0;
            }
            a = next;
          } else {
            double prob = 1.0 / (1.0 + StrictMath.exp(-z[0]));
            double eps = net.clipEps();
            pattern[pi++] = prob < eps;
            pattern[pi++] = prob > 1 - eps;
            total += sampleLoss(z[0], ys[s], eps);
          }
        }
      }
      return net.reduction() == Reduction.MEAN ? total / xs.length : total;
    }

    /**
     * One sample's loss at output pre-activation {@code z}. 1 - p is computed as sigmoid(-z), not
     * as 1 - p, whose cancellation near p = 1 would swamp the finite differences.
     */
    private double sampleLoss(double z, double y, double eps) {
      double p = 1.0 / (1.0 + StrictMath.exp(-z));
      double q = 1.0 / (1.0 + StrictMath.exp(z));
      if (objective == Objective.RULE && net.outputGradient() == OutputGradient.FUSED) {
        return -(y * StrictMath.log(p) + (1 - y) * StrictMath.log(q));
      }
      double pc = Math.min(Math.max(p, eps), 1 - eps);
      double qc = Math.min(Math.max(q, eps), 1 - eps);
      double clipped = -(y * StrictMath.log(pc) + (1 - y) * StrictMath.log(qc));
      if (objective == Objective.CLIPPED_BCE) {
        return clipped;
      }
      // CHAINED: beyond a bound, the tangent line of the BCE there (its slope in p at the bound)
      double slope = (1 - y) / qc - y / pc;
      double beyond = p < eps ? p - eps : (q < eps ? eps - q : 0.0);
      return clipped + slope * beyond;
    }

    private double activate(double z) {
      switch (net.activation()) {
        case RELU:
          return Math.max(0, z);
        case LEAKY_RELU:
          return z > 0 ? z : net.leakySlope() * z;
        default:
          return StrictMath.tanh(z);
      }
    }
  }
}
