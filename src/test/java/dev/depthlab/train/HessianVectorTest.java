package dev.depthlab.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.backend.Backend;
import dev.depthlab.backend.Gradients;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The exact Hessian-vector products of {@link Group#hessianTimes} (Pearlmutter's R-operator) on a
 * tiny network (2 inputs, two hidden layers of 3, a batch of 6 of 10 samples), every activation,
 * both reductions, on the reference and the CPU backend: (1) the dense Hessian built column by
 * column from products with unit vectors equals the dense Hessian of second central differences of
 * {@link GradCheck.Reference}'s loss (a forward pass that shares no code with any backend); (2) a
 * product along a random direction equals the central difference of the backend's own gradients.
 */
class HessianVectorTest {
  private static final int N = 10;
  private static final int[] BATCH = {0, 2, 3, 5, 8, 9};

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (Backend backend : new Backend[] {new ReferenceBackend(), new CpuBackend()}) {
      for (Activation act : Activation.values()) {
        for (Reduction red : Reduction.values()) {
          out.add(Arguments.of(backend, act, red, OutputGradient.FUSED));
        }
      }
      out.add(Arguments.of(backend, Activation.TANH, Reduction.SUM, OutputGradient.CHAINED));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} {1} {2} {3}")
  @MethodSource("cases")
  void columnsMatchTheDenseHessianOfTheLoss(
      Backend backend, Activation act, Reduction red, OutputGradient rule) {
    NetworkSpec net = new NetworkSpec(new int[] {2, 3, 3, 1}, act, 0.1, red, 1e-8, rule);
    Rng rng = new Rng(17 + act.ordinal());
    Parameters theta = Initializer.draw(net, Init.XAVIER_NORMAL, 0.2, rng);
    DataSet train = SharpnessTest.data(N, rng);
    double[][] dense = denseHessian(net, theta, train, BATCH);
    int n = dense.length;
    double big = 0;
    for (double[] row : dense) {
      for (double h : row) {
        big = Math.max(big, Math.abs(h));
      }
    }
    GroupSpec spec = new GroupSpec(net, Precision.FP64, BATCH.length, 3);
    try (Group group = backend.createGroup(spec, List.of(new ReplicaSetup(theta, train, train)))) {
      for (int k = 0; k < n; k++) {
        double[] e = new double[n];
        e[k] = 1;
        double[] col = times(group, theta, e);
        for (int i = 0; i < n; i++) {
          double diff = Math.abs(col[i] - dense[i][k]);
          // the dense side's error: h^2 truncation and u / h^2 rounding at h = 1e-4, about 1e-8
          assertTrue(
              diff <= 1e-6 * big,
              "H[" + i + "][" + k + "]: R-op " + col[i] + ", dense " + dense[i][k] + " of " + big);
        }
      }
    }
  }

  @ParameterizedTest(name = "{0} {1} {2} {3}")
  @MethodSource("cases")
  void randomDirectionMatchesCentralDifferencesOfGradients(
      Backend backend, Activation act, Reduction red, OutputGradient rule) {
    NetworkSpec net = new NetworkSpec(new int[] {2, 3, 3, 1}, act, 0.1, red, 1e-8, rule);
    Rng rng = new Rng(29 + act.ordinal());
    Parameters theta = Initializer.draw(net, Init.XAVIER_NORMAL, 0.2, rng);
    DataSet train = SharpnessTest.data(N, rng);
    double[] th = Sharpness.flatten(theta);
    double[] v = new double[th.length];
    for (int k = 0; k < v.length; k++) {
      v[k] = rng.nextGaussian();
    }
    GroupSpec spec = new GroupSpec(net, Precision.FP64, BATCH.length, 3);
    try (Group group = backend.createGroup(spec, List.of(new ReplicaSetup(theta, train, train)))) {
      double[] exact = times(group, theta, v);
      double eps = 1e-6;
      double[] plus = gradientAt(group, theta, th, v, eps);
      double[] minus = gradientAt(group, theta, th, v, -eps);
      double scale = 0;
      for (double x : exact) {
        scale = Math.max(scale, Math.abs(x));
      }
      for (int k = 0; k < exact.length; k++) {
        double fd = (plus[k] - minus[k]) / (2 * eps);
        // truncation eps^2 and rounding u / eps: about 1e-10 of the scale
        assertTrue(
            Math.abs(fd - exact[k]) <= 1e-7 * scale,
            "element " + k + ": R-op " + exact[k] + ", central difference " + fd);
      }
      group.setParameters(List.of(theta));
      assertArrayEquals(exact, times(group, theta, v), 0.0, "the same product twice");
    }
  }

  /** The batch rule of gradients holds for the products too. */
  @Test
  void refusesABatchOfTheWrongSize() {
    NetworkSpec net = new NetworkSpec(new int[] {2, 3, 1}, Activation.TANH, 0.1, Reduction.SUM, 0);
    Rng rng = new Rng(3);
    Parameters theta = Initializer.draw(net, Init.XAVIER_NORMAL, 0.2, rng);
    DataSet train = SharpnessTest.data(N, rng);
    GroupSpec spec = new GroupSpec(net, Precision.FP64, 4, 3);
    try (Group group =
        new ReferenceBackend().createGroup(spec, List.of(new ReplicaSetup(theta, train, train)))) {
      org.junit.jupiter.api.Assertions.assertThrows(
          IllegalArgumentException.class,
          () -> group.hessianTimes(new int[][] {{0, 1, 2, 3, 4}}, List.of(theta)));
    }
  }

  static double[] times(Group group, Parameters shape, double[] v) {
    Gradients g = group.hessianTimes(new int[][] {BATCH}, List.of(Sharpness.unflatten(v, shape)));
    return Sharpness.flatten(new Parameters(g.weights()[0], g.biases()[0]));
  }

  private static double[] gradientAt(
      Group group, Parameters shape, double[] th, double[] v, double eps) {
    double[] x = th.clone();
    for (int k = 0; k < x.length; k++) {
      x[k] = Math.fma(eps, v[k], x[k]);
    }
    group.setParameters(List.of(Sharpness.unflatten(x, shape)));
    Gradients g = group.gradients(new int[][] {BATCH});
    return Sharpness.flatten(new Parameters(g.weights()[0], g.biases()[0]));
  }

  /**
   * The Hessian of the batch objective on {@code batch} by second central differences of the
   * independent reference loss (fails if a probe changes the activation pattern).
   */
  static double[][] denseHessian(NetworkSpec net, Parameters p, DataSet train, int[] batch) {
    GradCheck.Reference ref = new GradCheck.Reference(net, train, batch, GradCheck.Objective.RULE);
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
        hess[i][j] = (pp - pm - mp + mm) / (4 * h * h);
        hess[j][i] = hess[i][j];
      }
    }
    return hess;
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
}
