package dev.depthlab.train;

import dev.depthlab.backend.Gradients;
import dev.depthlab.backend.Group;
import dev.depthlab.common.Rng;
import dev.depthlab.model.Parameters;
import dev.depthlab.model.Reduction;
import java.util.ArrayList;
import java.util.List;

/**
 * The sharpness of each replica's training objective: the top eigenvalue of its Hessian at the
 * current parameters, by the Lanczos iteration ({@link Lanczos}) on exact Hessian-vector products
 * ({@link Group#hessianTimes}, Pearlmutter's R-operator) over the full training set, stopped when
 * the Ritz pair's residual {@code |H y - lambda y|} is at most {@link #TOLERANCE} {@code |lambda|},
 * and reported with that residual. Beside it, the batch sharpness (Andreyev and Beneventano 2024):
 * the mean over minibatches of the Rayleigh quotient of the minibatch Hessian along the minibatch
 * gradient. Nothing moves the parameters.
 *
 * <p>The objective is the one an SGD step of the run descends, averaged over the training set: for
 * reduction {@code mean} the mean per-sample loss, for {@code sum} the training batch size times it
 * (a full batch's summed loss, in expectation). So gradient descent on it is stable only while the
 * sharpness stays below 2/lr (Cohen et al., 2021).
 */
public final class Sharpness {
  /**
   * The Lanczos stop, relative: a Ritz value theta with residual r = |H y - theta y| (|y| = 1) has
   * an eigenvalue of H within r of it (H symmetric), so the reported sharpness is within 0.1% of an
   * eigenvalue once it stops for this reason.
   */
  public static final double TOLERANCE = 1e-3;

  /** The seed of the Lanczos start vector and of the batch sharpness's batches, fixed for runs. */
  public static final long START_SEED = 0x5AA4L;

  private final Group group;
  private final int replicas;
  private final int nTrain;
  private final int maxBatch;
  private final int trainBatch;
  private final boolean sum;
  private final double scale;

  /** One estimate per replica: the sharpness, its Lanczos residual and steps, batch sharpness. */
  public record Estimate(double[] sharpness, double[] residual, int[] steps, double[] batch) {}

  /**
   * For {@code group} of {@code replicas} replicas with {@code nTrain} training samples each,
   * products taken over batches of at most {@code maxBatch} (the group's), {@code trainBatch} the
   * run's SGD batch size (the scale of a {@code sum} objective, and the batch sharpness's batches).
   */
  public Sharpness(
      Group group, int replicas, int nTrain, int maxBatch, int trainBatch, Reduction reduction) {
    this.group = group;
    this.replicas = replicas;
    this.nTrain = nTrain;
    this.maxBatch = maxBatch;
    this.trainBatch = trainBatch;
    this.sum = reduction == Reduction.SUM;
    this.scale = sum ? trainBatch : 1.0;
  }

  /** Each replica's top Hessian eigenvalue ({@link #measure}'s sharpness). */
  public double[] estimate(int maxSteps, long seed) {
    Lanczos.Result res = top(1, maxSteps, seed);
    double[] out = new double[replicas];
    for (int r = 0; r < replicas; r++) {
      out[r] = res.values()[r][0];
    }
    return out;
  }

  /**
   * The sharpness with its residual and steps (at most {@code maxSteps} Lanczos steps from a start
   * vector drawn from {@code seed}, one full-training-set product each, plus one for the residual),
   * and the batch sharpness (two batch passes per batch: about two more full passes).
   */
  public Estimate measure(int maxSteps, long seed) {
    Lanczos.Result res = top(1, maxSteps, seed);
    double[] s = new double[replicas];
    double[] r = new double[replicas];
    for (int k = 0; k < replicas; k++) {
      s[k] = res.values()[k][0];
      r[k] = res.residuals()[k][0];
    }
    return new Estimate(s, r, res.steps(), batchSharpness(seed));
  }

  /** The top {@code k} eigenpairs of each replica's objective Hessian, with their residuals. */
  Lanczos.Result top(int k, int maxSteps, long seed) {
    return top(k, maxSteps, seed, TOLERANCE);
  }

  /** As above, stopped at relative residual {@code tol} (tests ask for more than TOLERANCE). */
  Lanczos.Result top(int k, int maxSteps, long seed, double tol) {
    int size = flatten(group.parameters(0)).length;
    Rng rng = new Rng(seed);
    double[] start = new double[size];
    for (int i = 0; i < size; i++) {
      start[i] = rng.nextGaussian();
    }
    return Lanczos.top(this::fullProduct, replicas, size, k, maxSteps, tol, start);
  }

  /**
   * The batch sharpness of each replica: the mean over the training set's batches of {@code g_B .
   * H_B g_B / |g_B|^2}, g_B and H_B the gradient and Hessian of the SGD step's batch objective. The
   * batches are those of one epoch's shuffle of the training set by {@code seed} (a permutation
   * drawn per call, the same for every replica), cut into {@code floor(n / B)} batches of the run's
   * batch size B (a shorter rest is left out: its objective has another scale). A batch whose
   * gradient is exactly zero is skipped.
   */
  public double[] batchSharpness(long seed) {
    int b = Math.min(trainBatch, maxBatch);
    int batches = nTrain / b;
    int[] perm = new int[nTrain];
    for (int i = 0; i < nTrain; i++) {
      perm[i] = i;
    }
    new Rng(seed).shuffle(perm);
    double[] total = new double[replicas];
    int[] count = new int[replicas];
    for (int k = 0; k < batches; k++) {
      int[][] idx = new int[replicas][];
      for (int r = 0; r < replicas; r++) {
        idx[r] = java.util.Arrays.copyOfRange(perm, k * b, (k + 1) * b);
      }
      Gradients g = group.gradients(idx);
      List<Parameters> dirs = new ArrayList<>(replicas);
      for (int r = 0; r < replicas; r++) {
        dirs.add(new Parameters(g.weights()[r], g.biases()[r]));
      }
      Gradients hg = group.hessianTimes(idx, dirs);
      for (int r = 0; r < replicas; r++) {
        double[] gv = flatten(dirs.get(r));
        double gg = Lanczos.dot(gv, gv);
        if (gg > 0 || Double.isNaN(gg)) {
          double[] hv = flatten(new Parameters(hg.weights()[r], hg.biases()[r]));
          total[r] += Lanczos.dot(gv, hv) / gg;
          count[r]++;
        }
      }
    }
    double[] out = new double[replicas];
    for (int r = 0; r < replicas; r++) {
      out[r] = count[r] == 0 ? Double.NaN : total[r] / count[r];
    }
    return out;
  }

  /**
   * H v of each replica's full objective: {@link Group#hessianTimes} over the training samples in
   * index order, in batches of the group's max batch, each weighted by its share of the objective:
   * count/n for {@code mean}, B/n for {@code sum} (B the run's batch size).
   */
  double[][] fullProduct(double[][] v) {
    List<Parameters> shape = group.allParameters();
    List<Parameters> dirs = new ArrayList<>(replicas);
    for (int r = 0; r < replicas; r++) {
      dirs.add(unflatten(v[r], shape.get(r)));
    }
    double[][] total = new double[replicas][v[0].length];
    for (int start = 0; start < nTrain; start += maxBatch) {
      int count = Math.min(maxBatch, nTrain - start);
      Gradients h = group.hessianTimes(batch(start, count), dirs);
      double weight = sum ? scale / nTrain : (double) count / nTrain;
      for (int r = 0; r < replicas; r++) {
        Lanczos.axpy(weight, flatten(new Parameters(h.weights()[r], h.biases()[r])), total[r]);
      }
    }
    return total;
  }

  private int[][] batch(int start, int count) {
    int[][] idx = new int[replicas][count];
    for (int r = 0; r < replicas; r++) {
      for (int s = 0; s < count; s++) {
        idx[r][s] = start + s;
      }
    }
    return idx;
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
}
