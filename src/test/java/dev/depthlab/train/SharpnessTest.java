package dev.depthlab.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.backend.Backend;
import dev.depthlab.backend.Group;
import dev.depthlab.backend.GroupSpec;
import dev.depthlab.backend.ReplicaSetup;
import dev.depthlab.backend.cpu.CpuBackend;
import dev.depthlab.backend.reference.ReferenceBackend;
import dev.depthlab.common.Rng;
import dev.depthlab.data.DataSet;
import dev.depthlab.model.Activation;
import dev.depthlab.model.Init;
import dev.depthlab.model.Initializer;
import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.OutputGradient;
import dev.depthlab.model.Parameters;
import dev.depthlab.model.Precision;
import dev.depthlab.model.Reduction;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Sharpness} against the top eigenvalue of the dense Hessian of a tiny network (2 inputs,
 * width 3, 10 samples), built by second central differences of {@link GradCheck.Reference}'s loss
 * (a scalar forward pass written separately from every backend, no gradients involved) and
 * diagonalised by cyclic Jacobi rotations. The estimate runs on the reference and the CPU backend,
 * over batches of 4 (4 + 4 + 2: a partial last batch).
 */
class SharpnessTest {
  private static final int N = 10;
  private static final int BATCH = 4;

  /**
   * The dense Hessian's own error: truncation h^2 and rounding u / h^2 with h = 1e-4, each about
   * 1e-8 of the entries; the estimate's central differences are nearer (about 1e-9). 1e-5 relative
   * leaves a margin of 100 while a wrong scale (the batch weights, the sum objective's batch
   * factor) is off by 10% or more.
   */
  private static final double TOLERANCE = 1e-5;

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (Backend backend : new Backend[] {new ReferenceBackend(), new CpuBackend()}) {
      for (Reduction red : Reduction.values()) {
        out.add(Arguments.of(backend, Activation.TANH, 1, red));
        out.add(Arguments.of(backend, Activation.TANH, 2, red));
        out.add(Arguments.of(backend, Activation.RELU, 1, red));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} {1} depth {2} {3}")
  @MethodSource("cases")
  void estimateMatchesDenseHessian(Backend backend, Activation act, int depth, Reduction red) {
    NetworkSpec net = new NetworkSpec(sizes(depth), act, 0.01, red, 1e-8, OutputGradient.FUSED);
    Rng rng = new Rng(41 + depth);
    Parameters init = Initializer.draw(net, Init.XAVIER_NORMAL, 0.1, rng);
    DataSet train = data(N, rng);
    ReplicaSetup setup = new ReplicaSetup(init, train, data(4, rng));
    double expected = denseTop(net, init, train, red == Reduction.SUM ? (double) BATCH / N : 1);
    GroupSpec spec = new GroupSpec(net, Precision.FP64, BATCH, 3);
    try (Group group = backend.createGroup(spec, List.of(setup, setup))) {
      Sharpness s = new Sharpness(group, 2, N, BATCH, BATCH, red, Precision.FP64, act);
      double[] got = s.estimate(400, 7);
      for (int r = 0; r < 2; r++) {
        double rel = Math.abs(got[r] - expected) / Math.abs(expected);
        assertTrue(
            rel < TOLERANCE,
            "replica " + r + ": estimate " + got[r] + ", dense " + expected + ", rel " + rel);
      }
      Parameters after = group.parameters(0);
      for (int l = 0; l < net.layers(); l++) {
        assertArrayEquals(init.weights()[l], after.weights()[l], 0.0, "layer " + l + " weights");
        assertArrayEquals(init.biases()[l], after.biases()[l], 0.0, "layer " + l + " biases");
      }
    }
  }

  /**
   * On a seed-sized ReLU network (1000 samples, 3 hidden layers of 16, He-like init) the kinked
   * step's estimate is the crossing-free one: steps 1e-8 and 1e-9 agree within 1e-6 relative (a
   * probe crossing a kink adds (gradient jump) / (2 eps), so two steps that differ 10x would
   * disagree by far more than that), and stay positive.
   */
  @org.junit.jupiter.api.Test
  void kinkedStepIsStableOnAReluNetworkWithManySamples() {
    NetworkSpec net =
        new NetworkSpec(
            new int[] {2, 16, 16, 16, 1},
            Activation.RELU,
            0.01,
            Reduction.SUM,
            1e-8,
            OutputGradient.FUSED);
    Rng rng = new Rng(5);
    Parameters init = Initializer.draw(net, Init.HE_NORMAL, 0.0, rng);
    int n = 1000;
    DataSet train = data(n, rng);
    ReplicaSetup setup = new ReplicaSetup(init, train, data(4, rng));
    GroupSpec spec = new GroupSpec(net, Precision.FP64, 32, 3);
    double[] at = new double[2];
    double[] steps = {Sharpness.H_KINKED_FP64, Sharpness.H_KINKED_FP64 / 10};
    try (Group group = new CpuBackend().createGroup(spec, List.of(setup))) {
      for (int k = 0; k < 2; k++) {
        at[k] = new Sharpness(group, 1, n, 32, 32, Reduction.SUM, steps[k]).estimate(30, 7)[0];
      }
    }
    double rel = Math.abs(at[0] - at[1]) / Math.abs(at[1]);
    assertTrue(at[0] > 0 && rel < 1e-6, "steps 1e-8 / 1e-9: " + at[0] + " / " + at[1]);
  }

  /**
   * setParameters then allParameters gives the same bits on the reference and the CPU backend (fp32
   * with values that are floats already), and the gradients follow the set point: equal to those of
   * a group created at it.
   */
  @ParameterizedTest(name = "{0} {1}")
  @org.junit.jupiter.params.provider.CsvSource({"reference, FP64", "cpu, FP64", "cpu, FP32"})
  void setParametersRoundTrips(String name, Precision precision) {
    Backend backend = name.equals("cpu") ? new CpuBackend() : new ReferenceBackend();
    NetworkSpec net = new NetworkSpec(sizes(2), Activation.TANH, 0.01, Reduction.MEAN, 1e-8);
    Rng rng = new Rng(3);
    DataSet train = data(N, rng);
    ReplicaSetup start =
        new ReplicaSetup(Initializer.draw(net, Init.XAVIER_NORMAL, 0.1, rng), train, train);
    Parameters target = Initializer.draw(net, Init.XAVIER_NORMAL, 0.3, rng);
    for (int l = 0; l < net.layers(); l++) {
      for (double[] v : new double[][] {target.weights()[l], target.biases()[l]}) {
        for (int k = 0; k < v.length; k++) {
          v[k] = (float) v[k];
        }
      }
    }
    GroupSpec spec = new GroupSpec(net, precision, BATCH, 3);
    int[][] idx = {{0, 3, 5, 9}};
    double[][][] fresh;
    try (Group g = backend.createGroup(spec, List.of(new ReplicaSetup(target, train, train)))) {
      fresh = g.gradients(idx).weights();
    }
    try (Group g = backend.createGroup(spec, List.of(start))) {
      g.setParameters(List.of(target));
      Parameters back = g.parameters(0);
      double[][][] moved = g.gradients(idx).weights();
      for (int l = 0; l < net.layers(); l++) {
        assertArrayEquals(target.weights()[l], back.weights()[l], 0.0, "layer " + l + " weights");
        assertArrayEquals(target.biases()[l], back.biases()[l], 0.0, "layer " + l + " biases");
        assertArrayEquals(fresh[0][l], moved[0][l], 0.0, "layer " + l + " gradients");
      }
    }
  }

  /** The dense side's own check: [[2, 1, 0], [1, 2, 0], [0, 0, -5]] has eigenvalues 1, 3, -5. */
  @org.junit.jupiter.api.Test
  void jacobiFindsKnownEigenvalues() {
    double[] e = jacobiEigenvalues(new double[][] {{2, 1, 0}, {1, 2, 0}, {0, 0, -5}});
    java.util.Arrays.sort(e);
    assertArrayEquals(new double[] {-5, 1, 3}, e, 1e-12);
  }

  private static int[] sizes(int depth) {
    int[] s = new int[depth + 2];
    java.util.Arrays.fill(s, 3);
    s[0] = 2;
    s[depth + 1] = 1;
    return s;
  }

  static DataSet data(int n, Rng rng) {
    double[] x = new double[2 * n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[2 * i] = rng.uniform(-1, 1);
      x[2 * i + 1] = rng.uniform(-1, 1);
      y[i] = x[2 * i] * x[2 * i] + x[2 * i + 1] * x[2 * i + 1] < 0.4 ? 1 : 0;
    }
    return new DataSet("tiny", 2, x, y);
  }

  /**
   * The top eigenvalue of {@code scale} times the Hessian of the full-set objective (mean or sum
   * per the net's reduction), by second central differences of the loss; fails if a probe changes
   * the activation pattern (a ReLU kink inside the stencil).
   */
  static double denseTop(NetworkSpec net, Parameters p, DataSet train, double scale) {
    int[] all = new int[train.size()];
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
    GradCheck.Reference ref = new GradCheck.Reference(net, train, all, GradCheck.Objective.RULE);
    double[] theta = Sharpness.flatten(p);
    boolean[] pattern = ref.pattern(p);
    int n = theta.length;
    double h = 1e-4;
    double[][] hess = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = i; j < n; j++) {
        double pp = probe(ref, p, theta, i, h, j, h, pattern);
        double pm = probe(ref, p, theta, i, h, j, -h, pattern);
        double mp = probe(ref, p, theta, i, -h, j, h, pattern);
        double mm = probe(ref, p, theta, i, -h, j, -h, pattern);
        hess[i][j] = scale * (pp - pm - mp + mm) / (4 * h * h);
        hess[j][i] = hess[i][j];
      }
    }
    double[] eig = jacobiEigenvalues(hess);
    double top = Double.NEGATIVE_INFINITY;
    for (double e : eig) {
      top = Math.max(top, e);
    }
    return top;
  }

  private static double probe(
      GradCheck.Reference ref,
      Parameters shape,
      double[] theta,
      int i,
      double di,
      int j,
      double dj,
      boolean[] pattern) {
    double[] x = theta.clone();
    x[i] += di;
    x[j] += dj;
    double loss = ref.loss(Sharpness.unflatten(x, shape));
    assertArrayEquals(pattern, ref.lastPattern(), "a probe crossed a kink");
    return loss;
  }

  /** All eigenvalues of a symmetric matrix by cyclic Jacobi rotations (Golub and Van Loan 8.5). */
  static double[] jacobiEigenvalues(double[][] m) {
    int n = m.length;
    double[][] a = new double[n][];
    for (int i = 0; i < n; i++) {
      a[i] = m[i].clone();
    }
    for (int sweep = 0; sweep < 100; sweep++) {
      double off = 0;
      for (int p = 0; p < n; p++) {
        for (int q = p + 1; q < n; q++) {
          off += a[p][q] * a[p][q];
        }
      }
      if (off < 1e-30) {
        break;
      }
      for (int p = 0; p < n; p++) {
        for (int q = p + 1; q < n; q++) {
          if (a[p][q] == 0) {
            continue;
          }
          double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
          double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
          if (theta == 0) {
            t = 1;
          }
          double c = 1 / Math.sqrt(t * t + 1);
          double s = t * c;
          for (int k = 0; k < n; k++) {
            double akp = a[k][p];
            double akq = a[k][q];
            a[k][p] = c * akp - s * akq;
            a[k][q] = s * akp + c * akq;
          }
          for (int k = 0; k < n; k++) {
            double apk = a[p][k];
            double aqk = a[q][k];
            a[p][k] = c * apk - s * aqk;
            a[q][k] = s * apk + c * aqk;
          }
        }
      }
    }
    double[] eig = new double[n];
    for (int i = 0; i < n; i++) {
      eig[i] = a[i][i];
    }
    return eig;
  }
}
