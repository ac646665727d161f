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
 * {@link Sharpness} against the eigenvalues of the dense Hessian of a tiny network (2 inputs, width
 * 3, 10 samples), built by second central differences of {@link GradCheck.Reference}'s loss (a
 * scalar forward pass written separately from every backend, no gradients involved) and
 * diagonalised by cyclic Jacobi rotations (checked on a matrix with known eigenvalues). The
 * estimate runs on the reference and the CPU backend, over batches of 4 (4 + 4 + 2: a partial last
 * batch), with Lanczos on exact Hessian-vector products.
 */
class SharpnessTest {
  private static final int N = 10;
  private static final int BATCH = 4;

  /**
   * The dense Hessian's own error: truncation h^2 and rounding u / h^2 with h = 1e-4, each about
   * 1e-8 of the entries. 1e-6 of the largest eigenvalue's magnitude leaves a margin of 100, while a
   * wrong scale (the batch weights, the sum objective's batch factor) is off by 10% or more.
   */
  private static final double TOLERANCE = 1e-6;

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (Backend backend : new Backend[] {new ReferenceBackend(), new CpuBackend()}) {
      for (Reduction red : Reduction.values()) {
        out.add(Arguments.of(backend, Activation.TANH, 1, red));
        out.add(Arguments.of(backend, Activation.TANH, 2, red));
        out.add(Arguments.of(backend, Activation.RELU, 1, red));
        out.add(Arguments.of(backend, Activation.LEAKY_RELU, 2, red));
      }
    }
    return out.stream();
  }

  /**
   * The top three Ritz values at a tight stop (1e-10) equal the dense Hessian's three largest
   * eigenvalues; the production estimate ({@link Sharpness#TOLERANCE}) is within its reported
   * residual of the top one, and that residual meets the stop; the parameters are untouched.
   */
  @ParameterizedTest(name = "{0} {1} depth {2} {3}")
  @MethodSource("cases")
  void lanczosMatchesTheDenseHessian(Backend backend, Activation act, int depth, Reduction red) {
    NetworkSpec net = new NetworkSpec(sizes(depth), act, 0.1, red, 1e-8, OutputGradient.FUSED);
    Rng rng = new Rng(41 + depth);
    Parameters init = Initializer.draw(net, Init.XAVIER_NORMAL, 0.1, rng);
    DataSet train = data(N, rng);
    ReplicaSetup setup = new ReplicaSetup(init, train, data(4, rng));
    double[] dense =
        denseEigenvalues(net, init, train, red == Reduction.SUM ? (double) BATCH / N : 1);
    GroupSpec spec = new GroupSpec(net, Precision.FP64, BATCH, 3);
    try (Group group = backend.createGroup(spec, List.of(setup, setup))) {
      Sharpness s = new Sharpness(group, 2, N, BATCH, BATCH, red);
      Lanczos.Result tight = s.top(3, 200, 7, 1e-10);
      Sharpness.Estimate est = s.measure(50, Sharpness.START_SEED);
      double big = Math.abs(dense[0]);
      for (int r = 0; r < 2; r++) {
        for (int i = 0; i < 3; i++) {
          double got = tight.values()[r][i];
          assertTrue(
              Math.abs(got - dense[i]) <= TOLERANCE * big,
              "replica " + r + " eigenvalue " + i + ": Lanczos " + got + ", dense " + dense[i]);
        }
        double sharp = est.sharpness()[r];
        double res = est.residual()[r];
        assertTrue(
            res <= Sharpness.TOLERANCE * Math.abs(sharp),
            "replica " + r + ": residual " + res + " of " + sharp + " after " + est.steps()[r]);
        assertTrue(
            Math.abs(sharp - dense[0]) <= res + TOLERANCE * big,
            "replica " + r + ": estimate " + sharp + ", dense " + dense[0] + ", residual " + res);
      }
      Parameters after = group.parameters(0);
      for (int l = 0; l < net.layers(); l++) {
        assertArrayEquals(init.weights()[l], after.weights()[l], 0.0, "layer " + l + " weights");
        assertArrayEquals(init.biases()[l], after.biases()[l], 0.0, "layer " + l + " biases");
      }
    }
  }

  /**
   * The batch sharpness is the mean, over the floor(n / B) batches of {@code Rng(seed)}'s shuffle,
   * of g_B . H_B g_B / |g_B|^2 with H_B the dense Hessian of the batch objective (second
   * differences of the independent loss) and g_B the backend's gradient.
   */
  @ParameterizedTest(name = "{0} {1} depth {2} {3}")
  @MethodSource("cases")
  void batchSharpnessMatchesDenseBatchHessians(
      Backend backend, Activation act, int depth, Reduction red) {
    NetworkSpec net = new NetworkSpec(sizes(depth), act, 0.1, red, 1e-8, OutputGradient.FUSED);
    Rng rng = new Rng(43 + depth);
    Parameters init = Initializer.draw(net, Init.XAVIER_NORMAL, 0.1, rng);
    DataSet train = data(N, rng);
    GroupSpec spec = new GroupSpec(net, Precision.FP64, BATCH, 3);
    try (Group group = backend.createGroup(spec, List.of(new ReplicaSetup(init, train, train)))) {
      double got = new Sharpness(group, 1, N, BATCH, BATCH, red).batchSharpness(5)[0];
      int[] perm = new int[N];
      for (int i = 0; i < N; i++) {
        perm[i] = i;
      }
      new Rng(5).shuffle(perm);
      double want = 0;
      for (int k = 0; k < N / BATCH; k++) {
        int[] idx = java.util.Arrays.copyOfRange(perm, k * BATCH, (k + 1) * BATCH);
        double[][] h = HessianVectorTest.denseHessian(net, init, train, idx);
        var g = group.gradients(new int[][] {idx});
        double[] gv = Sharpness.flatten(new Parameters(g.weights()[0], g.biases()[0]));
        double num = 0;
        double den = 0;
        for (int i = 0; i < gv.length; i++) {
          den += gv[i] * gv[i];
          for (int j = 0; j < gv.length; j++) {
            num += gv[i] * h[i][j] * gv[j];
          }
        }
        want += num / den / (N / BATCH);
      }
      assertTrue(
          Math.abs(got - want) <= TOLERANCE * Math.abs(want) + 1e-9,
          "batch sharpness " + got + ", dense " + want);
    }
  }

  /**
   * Lanczos on a matrix with known eigenvalues: diag(1, 2, ..., 200) with the top two 0.01 apart
   * (200 and 199.99), where power iteration needs about 1 / log(200 / 199.99) = 2e4 steps; Lanczos
   * stops on its residual with the top within the residual, in far fewer than 200 steps.
   */
  @org.junit.jupiter.api.Test
  void lanczosSeparatesAClusterAtTheTop() {
    int n = 200;
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = i + 1;
    }
    d[n - 2] = 199.99;
    Lanczos.Operator op =
        v -> {
          double[][] out = new double[v.length][n];
          for (int r = 0; r < v.length; r++) {
            for (int i = 0; i < n; i++) {
              out[r][i] = d[i] * v[r][i];
            }
          }
          return out;
        };
    double[] start = new double[n];
    Rng rng = new Rng(1);
    for (int i = 0; i < n; i++) {
      start[i] = rng.nextGaussian();
    }
    Lanczos.Result res = Lanczos.top(op, 1, n, 2, 150, 1e-8, start);
    assertTrue(res.steps()[0] < 150, "steps " + res.steps()[0]);
    assertTrue(Math.abs(res.values()[0][0] - 200) <= 1e-6, "top " + res.values()[0][0]);
    assertTrue(Math.abs(res.values()[0][1] - 199.99) <= 1e-6, "second " + res.values()[0][1]);
    assertTrue(res.residuals()[0][0] <= 1e-8 * 200 * 1.01, "residual " + res.residuals()[0][0]);
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
   * The eigenvalues, largest first, of {@code scale} times the Hessian of the full-set objective
   * (mean or sum per the net's reduction), by second central differences of the loss; fails if a
   * probe changes the activation pattern (a ReLU kink inside the stencil).
   */
  static double[] denseEigenvalues(NetworkSpec net, Parameters p, DataSet train, double scale) {
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
    java.util.Arrays.sort(eig);
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = eig[n - 1 - i];
    }
    return out;
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
