package dev.depthlab.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.backend.Gradients;
import dev.depthlab.backend.Group;
import dev.depthlab.backend.GroupSpec;
import dev.depthlab.backend.RPass;
import dev.depthlab.backend.ReplicaSetup;
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
 * The device R-pass ({@link DeviceRPass}) of a CUDA group: R = 3 replicas, each with its own data,
 * parameters and direction v, on a partial batch (5 of the group's maxBatch 6) of a [2, 4, 3, 1]
 * net, held to three independent computations:
 *
 * <ul>
 *   <li>{@link RPass} on the host at the same parameters, data and directions (rounded to the
 *       device's precision first): equal within {@link #tolerance}, not bit for bit, since the
 *       products sum in cuBLAS's order ({@code A V} and {@code R(A) W} as two GEMMs where RPass
 *       interleaves one sum);
 *   <li>fp64: central differences of the device's own gradients along each replica's v;
 *   <li>fp64: a dense Hessian of replica 0, built column by column from central differences of
 *       gradients along unit vectors, times v.
 * </ul>
 *
 * and, after an epoch on the graph path and on the fused path, RPass at the parameters read back.
 * Subclasses choose the device (emulated, or a real GPU). Errors are max-norm relative per replica:
 * {@code max_k |a_k - b_k| / max_k |b_k|}.
 */
abstract class HessianVectorChecks {
  static final int[] SIZES = {2, 4, 3, 1};
  static final int N = 12;
  static final int MAX_BATCH = 6;
  static final int[] BATCH = {1, 4, 7, 10, 11};
  static final int R = 3;

  abstract Device device();

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (Precision p : Precision.values()) {
      for (Activation act : Activation.values()) {
        for (Reduction red : Reduction.values()) {
          out.add(Arguments.of(p, act, red, OutputGradient.FUSED));
        }
      }
      out.add(Arguments.of(p, Activation.TANH, Reduction.SUM, OutputGradient.CHAINED));
    }
    return out.stream();
  }

  static Stream<Arguments> fp64Cases() {
    return cases().filter(a -> a.get()[0] == Precision.FP64);
  }

  /**
   * The bound on the max-norm relative error against the host RPass. Each product element sums at
   * most a dozen terms, through three layers and the output's curvature, so both sides round at a
   * few units of the precision's epsilon (1.1e-16, 6e-8; the host computes in fp64 at the rounded
   * inputs, so in fp32 the device's own rounding of every intermediate is what is measured). The
   * emulated device measured at most 6.6e-16 (fp64) and 2.2e-7 (fp32); the bounds leave 30x for
   * another summation order of a real cuBLAS. A wrong term (act'' dropped, a product missing) is
   * off by far more than either.
   */
  static double tolerance(Precision p) {
    return p == Precision.FP64 ? 2e-14 : 4e-6;
  }

  /** A case's replicas: data, parameters and directions of their own per replica. */
  record Setup(NetworkSpec net, GroupSpec spec, List<ReplicaSetup> setups, List<Parameters> v) {}

  static Setup setup(Precision p, Activation act, Reduction red, OutputGradient rule) {
    NetworkSpec net = new NetworkSpec(SIZES, act, 0.1, red, 1e-8, rule);
    Rng rng = new Rng(41 + 3 * act.ordinal() + red.ordinal());
    List<ReplicaSetup> setups = new ArrayList<>();
    List<Parameters> dirs = new ArrayList<>();
    for (int r = 0; r < R; r++) {
      double[] x = new double[2 * N];
      double[] y = new double[N];
      for (int i = 0; i < N; i++) {
        x[2 * i] = round(p, rng.uniform(-1, 1));
        x[2 * i + 1] = round(p, rng.uniform(-1, 1));
        y[i] = x[2 * i] * x[2 * i] + x[2 * i + 1] * x[2 * i + 1] < 0.5 ? 1 : 0;
      }
      DataSet set = new DataSet("t", 2, x, y);
      Parameters theta = round(p, Initializer.draw(net, Init.XAVIER_NORMAL, 0.2, rng));
      setups.add(new ReplicaSetup(theta, set, set));
      dirs.add(round(p, Initializer.draw(net, Init.XAVIER_NORMAL, 0.5, rng)));
    }
    return new Setup(net, new GroupSpec(net, p, MAX_BATCH, 2), setups, dirs);
  }

  static int[][] batches() {
    int[][] b = new int[R][];
    for (int r = 0; r < R; r++) {
      b[r] = BATCH.clone();
    }
    return b;
  }

  @ParameterizedTest(name = "{0} {1} {2} {3}")
  @MethodSource("cases")
  void productsEqualTheHostRPass(Precision p, Activation act, Reduction red, OutputGradient rule) {
    Setup s = setup(p, act, red, rule);
    List<Parameters> theta = s.setups().stream().map(ReplicaSetup::initial).toList();
    List<DataSet> train = s.setups().stream().map(ReplicaSetup::train).toList();
    Gradients want = RPass.times(s.net(), theta, train, batches(), s.v());
    try (Group group = new CudaBackend(device()).createGroup(s.spec(), s.setups())) {
      Gradients got = group.hessianTimes(batches(), s.v());
      for (int r = 0; r < R; r++) {
        double err = relative(flat(got, r), flat(want, r));
        System.out.printf(
            "device R-pass vs RPass %s %s %s %s r%d: %.2e%n", p, act, red, rule, r, err);
        assertTrue(err <= tolerance(p), "replica " + r + ": relative error " + err);
        double lossErr = Math.abs(got.loss()[r] - want.loss()[r]) / Math.abs(want.loss()[r]);
        assertTrue(lossErr <= tolerance(p), "replica " + r + " loss: " + lossErr);
      }
    }
  }

  @ParameterizedTest(name = "{0} {1} {2} {3}")
  @MethodSource("fp64Cases")
  void productsEqualCentralDifferencesOfGradients(
      Precision p, Activation act, Reduction red, OutputGradient rule) {
    Setup s = setup(p, act, red, rule);
    try (Group group = new CudaBackend(device()).createGroup(s.spec(), s.setups())) {
      Gradients exact = group.hessianTimes(batches(), s.v());
      double eps = 1e-6;
      Gradients plus = gradientsAt(group, s, eps);
      Gradients minus = gradientsAt(group, s, -eps);
      for (int r = 0; r < R; r++) {
        double[] hp = flat(plus, r);
        double[] hm = flat(minus, r);
        double[] fd = new double[hp.length];
        for (int k = 0; k < fd.length; k++) {
          fd[k] = (hp[k] - hm[k]) / (2 * eps);
        }
        // truncation eps^2 and rounding u / eps: about 1e-10 of the scale
        double err = relative(flat(exact, r), fd);
        assertTrue(err <= 1e-7, "replica " + r + ": relative error " + err);
      }
    }
  }

  @ParameterizedTest(name = "{0} {1} {2} {3}")
  @MethodSource("fp64Cases")
  void productsEqualADenseHessianTimesV(
      Precision p, Activation act, Reduction red, OutputGradient rule) {
    Setup s = setup(p, act, red, rule);
    Parameters theta0 = s.setups().get(0).initial();
    double[] th = flatten(theta0);
    int n = th.length;
    double[][] dense = new double[n][n];
    try (Group group = new CudaBackend(device()).createGroup(s.spec(), s.setups())) {
      Gradients exact = group.hessianTimes(batches(), s.v());
      double h = 1e-6;
      for (int k = 0; k < n; k++) {
        double[] plus = gradientAlong(group, s, theta0, k, h);
        double[] minus = gradientAlong(group, s, theta0, k, -h);
        for (int i = 0; i < n; i++) {
          dense[i][k] = (plus[i] - minus[i]) / (2 * h);
        }
      }
      double[] v = flatten(s.v().get(0));
      double[] hv = new double[n];
      for (int i = 0; i < n; i++) {
        for (int k = 0; k < n; k++) {
          hv[i] = Math.fma(dense[i][k], v[k], hv[i]);
        }
      }
      double err = relative(flat(exact, 0), hv);
      assertTrue(err <= 1e-7, "dense H v: relative error " + err);
    }
  }

  /**
   * On the graph path and on the fused path (which routes its products to the layered R-pass),
   * after an epoch of two steps the products are RPass's at the parameters read back: the R-pass
   * sees the trained parameters, whichever path trained them.
   */
  @org.junit.jupiter.api.Test
  void productsAfterTrainingOnTheGraphAndFusedPaths() {
    Setup s = setup(Precision.FP64, Activation.TANH, Reduction.SUM, OutputGradient.FUSED);
    List<DataSet> train = s.setups().stream().map(ReplicaSetup::train).toList();
    int[][] order = new int[R][N];
    for (int[] o : order) {
      for (int k = 0; k < N; k++) {
        o[k] = N - 1 - k;
      }
    }
    for (CudaBackend backend :
        List.of(
            new CudaBackend(device(), CudaBackend.Graphs.ON),
            new CudaBackend(device(), CudaBackend.KernelPath.FUSED))) {
      try (Group group = backend.createGroup(s.spec(), s.setups())) {
        boolean onPath =
            ((CudaGroup) group).usesGraphs() || group.epochsPerLaunch() == FusedEpochs.MAX_EPOCHS;
        assertTrue(onPath, backend + ": the group is on neither the graph nor the fused path");
        group.beginEpoch(order);
        group.step(0, MAX_BATCH, 0.1);
        group.step(MAX_BATCH, MAX_BATCH, 0.1);
        group.endEpoch();
        List<Parameters> trained = group.allParameters();
        double moved = relative(flatten(trained.get(0)), flatten(s.setups().get(0).initial()));
        assertTrue(moved > 1e-6, "the epoch moved the parameters: " + moved);
        Gradients want = RPass.times(s.net(), trained, train, batches(), s.v());
        Gradients got = group.hessianTimes(batches(), s.v());
        for (int r = 0; r < R; r++) {
          double err = relative(flat(got, r), flat(want, r));
          assertTrue(err <= tolerance(Precision.FP64), backend + " replica " + r + ": " + err);
        }
      }
    }
  }

  /** Every replica's gradients at theta_r + eps v_r. */
  private static Gradients gradientsAt(Group group, Setup s, double eps) {
    List<Parameters> at = new ArrayList<>();
    for (int r = 0; r < R; r++) {
      double[] x = flatten(s.setups().get(r).initial());
      double[] v = flatten(s.v().get(r));
      for (int k = 0; k < x.length; k++) {
        x[k] = Math.fma(eps, v[k], x[k]);
      }
      at.add(unflatten(x, s.setups().get(r).initial()));
    }
    group.setParameters(at);
    return group.gradients(batches());
  }

  /** Replica 0's flat gradient at theta0 + h e_k (the other replicas at their own parameters). */
  private static double[] gradientAlong(Group group, Setup s, Parameters theta0, int k, double h) {
    List<Parameters> at = new ArrayList<>();
    double[] x = flatten(theta0);
    x[k] += h;
    at.add(unflatten(x, theta0));
    for (int r = 1; r < R; r++) {
      at.add(s.setups().get(r).initial());
    }
    group.setParameters(at);
    return flat(group.gradients(batches()), 0);
  }

  static double[] flat(Gradients g, int r) {
    return flatten(new Parameters(g.weights()[r], g.biases()[r]));
  }

  static double relative(double[] got, double[] want) {
    double diff = 0;
    double scale = 0;
    for (int k = 0; k < want.length; k++) {
      diff = Math.max(diff, Math.abs(got[k] - want[k]));
      scale = Math.max(scale, Math.abs(want[k]));
    }
    return diff / Math.max(scale, 1e-300);
  }

  private static double round(Precision p, double x) {
    return p == Precision.FP32 ? (float) x : x;
  }

  private static Parameters round(Precision p, Parameters q) {
    double[] x = flatten(q);
    for (int k = 0; k < x.length; k++) {
      x[k] = round(p, x[k]);
    }
    return unflatten(x, q);
  }

  /** Every layer's weights, then its biases, layer by layer, as one vector. */
  static double[] flatten(Parameters p) {
    int n = 0;
    for (int l = 0; l < p.weights().length; l++) {
      n += p.weights()[l].length + p.biases()[l].length;
    }
    double[] x = new double[n];
    int k = 0;
    for (int l = 0; l < p.weights().length; l++) {
      for (double w : p.weights()[l]) {
        x[k++] = w;
      }
      for (double b : p.biases()[l]) {
        x[k++] = b;
      }
    }
    return x;
  }

  /** {@link #flatten}'s inverse, in the shape of {@code shape}. */
  static Parameters unflatten(double[] x, Parameters shape) {
    int layers = shape.weights().length;
    double[][] w = new double[layers][];
    double[][] b = new double[layers][];
    int k = 0;
    for (int l = 0; l < layers; l++) {
      w[l] = java.util.Arrays.copyOfRange(x, k, k += shape.weights()[l].length);
      b[l] = java.util.Arrays.copyOfRange(x, k, k += shape.biases()[l].length);
    }
    return new Parameters(w, b);
  }
}
