package dev.depthlab.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.depthlab.backend.Evaluation;
import dev.depthlab.backend.Gradients;
import dev.depthlab.backend.Group;
import dev.depthlab.backend.GroupSpec;
import dev.depthlab.backend.ReplicaSetup;
import dev.depthlab.backend.StepLog;
import dev.depthlab.backend.cpu.CpuBackend;
import dev.depthlab.common.Rng;
import dev.depthlab.data.DataSet;
import dev.depthlab.model.Activation;
import dev.depthlab.model.Init;
import dev.depthlab.model.Initializer;
import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.Parameters;
import dev.depthlab.model.Precision;
import dev.depthlab.model.Reduction;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * CudaBackend on a {@link Device} against the CPU reference (CpuBackend): per-step gradients and
 * 20-epoch trajectories, seeds 0..9, depths 1, 2, 4, 8, every activation, R = 1 and R = 10, fp64
 * and fp32. Subclasses choose the device (emulated, or a real GPU).
 *
 * <p>Relative error, everywhere below, is max-norm based per compared block (one replica's layer of
 * weights, its biases, one replica's step losses): {@code max_k |a_k - b_k| / max(max_k |a_k|,
 * max_k |b_k|, 1e-12)}. Element-wise relative error would be dominated by entries that cancel to
 * near zero, which say nothing about a backend's correctness.
 */
abstract class ParityChecks {
  static final int[] DEPTHS = {1, 2, 4, 8};
  static final int SEEDS = 10;
  static final int WIDTH = 16;
  static final int N_TRAIN = 64;
  static final int N_TEST = 32;
  static final int BATCH = 16;
  static final int EPOCHS = 20;

  /**
   * lr of the trajectories. With reduction sum over 16 samples the effective step is 16 lr; at lr
   * 0.01 a depth-8 tanh net is chaotic enough to amplify a 1-ulp difference a million-fold in 80
   * steps, which would test the dynamics, not the backend.
   */
  static final double LR = 0.002;

  /** Gradient tolerance: both backends do the same sums; only the forward bias is added last. */
  static double gradTol(Precision p) {
    return p == Precision.FP64 ? 1e-10 : 1e-4;
  }

  /**
   * Trajectory tolerance. The two backends differ per step only by rounding (the bias joins the
   * forward sum last on the device, first on the CPU; the GPU's cuBLAS may sum in another order):
   * about 1e-16 (fp64) or 1e-7 (fp32) relative. 80 SGD steps at lr 0.002 on these small nets
   * amplify such a perturbation by a modest factor (measured max errors are printed; at the time of
   * writing at most 1.3e-14 in fp64 and 4.3e-6 in fp32 on the emulator, worst at depth 8 tanh), so
   * 1e-9 and 1e-3 leave a margin of 10^4 / 10^2 for a GPU's cuBLAS summing in another order (and
   * with FMA), while a real bug (a wrong layout, stride or rule) gives errors of order 1.
   */
  static double trajTol(Precision p) {
    return p == Precision.FP64 ? 1e-9 : 1e-3;
  }

  abstract Device device();

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (Precision p : Precision.values()) {
      for (Activation a : Activation.values()) {
        for (int d : DEPTHS) {
          out.add(Arguments.of(p, a, d));
        }
      }
    }
    return out.stream();
  }

  static DataSet circle(String name, long seed, int n) {
    Rng rng = new Rng(seed);
    double[] x = new double[2 * n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double x0 = rng.uniform(-1, 1);
      double x1 = rng.uniform(-1, 1);
      x[2 * i] = x0;
      x[2 * i + 1] = x1;
      y[i] = x0 * x0 + x1 * x1 < 0.25 ? 1.0 : 0.0;
    }
    return new DataSet(name, 2, x, y);
  }

  static ReplicaSetup setup(NetworkSpec spec, int seed) {
    return setup(spec, seed, false);
  }

  /**
   * Replica {@code seed}: its own train and test sets and He-normal weights with zero biases; with
   * {@code randomBiases} the biases are drawn N(0, 0.1^2) too, so that the gradient checks exercise
   * the bias path (zero biases add exactly whichever order the sums take).
   */
  static ReplicaSetup setup(NetworkSpec spec, int seed, boolean randomBiases) {
    DataSet train = circle("circle", Rng.mix(1000L + seed), N_TRAIN);
    DataSet test = circle("circle", Rng.mix(2000L + seed), N_TEST);
    Rng rng = new Rng(Rng.mix(3000L + seed));
    Parameters init = Initializer.draw(spec, Init.HE_NORMAL, 0.0, rng);
    if (randomBiases) {
      for (double[] b : init.biases()) {
        for (int k = 0; k < b.length; k++) {
          b[k] = 0.1 * rng.nextGaussian();
        }
      }
    }
    return new ReplicaSetup(init, train, test);
  }

  static NetworkSpec spec(Activation a, int depth, Reduction red) {
    return NetworkSpec.of(2, depth, WIDTH, a, 0.01, red, 1e-8);
  }

  static List<ReplicaSetup> setups(NetworkSpec spec, int from, int count) {
    return setups(spec, from, count, false);
  }

  static List<ReplicaSetup> setups(NetworkSpec spec, int from, int count, boolean randomBiases) {
    List<ReplicaSetup> s = new ArrayList<>();
    for (int r = from; r < from + count; r++) {
      s.add(setup(spec, r, randomBiases));
    }
    return s;
  }

  /** Max-norm relative error (see the class comment) and where the largest difference is. */
  static double[] relErr(double[] got, double[] ref) {
    double maxDiff = 0;
    double scale = 1e-12;
    int at = -1;
    for (int k = 0; k < ref.length; k++) {
      double diff = Math.abs(got[k] - ref[k]);
      if (diff > maxDiff || Double.isNaN(diff)) {
        maxDiff = Double.isNaN(diff) ? Double.POSITIVE_INFINITY : diff;
        at = k;
      }
      scale = Math.max(scale, Math.max(Math.abs(got[k]), Math.abs(ref[k])));
    }
    return new double[] {maxDiff / scale, at};
  }

  /** Compares one block; adds a failure naming it when over tol; returns the error. */
  static double check(
      List<Executable> failures, String what, double[] got, double[] ref, double tol) {
    if (got.length != ref.length) {
      failures.add(() -> fail(what + ": length " + got.length + " vs " + ref.length));
      return Double.POSITIVE_INFINITY;
    }
    double[] e = relErr(got, ref);
    if (!(e[0] <= tol)) {
      int k = (int) e[1];
      failures.add(
          () ->
              fail(
                  String.format(
                      "%s element %d: cuda %.17g vs cpu %.17g, relative " + "error %.3g > %.1g",
                      what, k, got[k], ref[k], e[0], tol)));
    }
    return e[0];
  }

  static int[][] batchIndices(int replicas, long seed) {
    Rng rng = new Rng(seed);
    int[][] idx = new int[replicas][BATCH];
    for (int[] row : idx) {
      for (int k = 0; k < BATCH; k++) {
        row[k] = rng.nextInt(N_TRAIN);
      }
    }
    return idx;
  }

  @ParameterizedTest(name = "{0} {1} depth {2}")
  @MethodSource("cases")
  void gradientsMatchTheCpuReference(Precision p, Activation act, int depth) {
    List<Executable> failures = new ArrayList<>();
    double worst = 0;
    for (Reduction red : Reduction.values()) {
      NetworkSpec spec = spec(act, depth, red);
      GroupSpec gs = new GroupSpec(spec, p, BATCH, 8);
      int[][] idx = batchIndices(SEEDS, Rng.mix(depth * 31L + act.ordinal()));
      Gradients ref;
      try (Group cpu = new CpuBackend().createGroup(gs, setups(spec, 0, SEEDS, true))) {
        ref = cpu.gradients(idx);
      }
      // R = 10: seeds 0..9 in one group
      try (Group g = new CudaBackend(device()).createGroup(gs, setups(spec, 0, SEEDS, true))) {
        worst =
            Math.max(worst, compare(failures, "R=10 " + red.key(), g.gradients(idx), ref, 0, p));
      }
      // R = 1: each seed alone
      for (int s = 0; s < SEEDS; s++) {
        try (Group g = new CudaBackend(device()).createGroup(gs, setups(spec, s, 1, true))) {
          worst =
              Math.max(
                  worst,
                  compare(
                      failures, "R=1 " + red.key(), g.gradients(new int[][] {idx[s]}), ref, s, p));
        }
      }
    }
    System.out.printf(
        "gradients %s %s depth %d on %s: max relative error %.3g%n",
        p.key(), act.key(), depth, device().name(), worst);
    assertAll(failures);
  }

  private static double compare(
      List<Executable> failures,
      String label,
      Gradients got,
      Gradients ref,
      int firstSeed,
      Precision p) {
    double worst = 0;
    double tol = gradTol(p);
    for (int r = 0; r < got.loss().length; r++) {
      int seed = firstSeed + r;
      String who = label + " replica " + r + " (seed " + seed + ")";
      for (int l = 0; l < got.weights()[r].length; l++) {
        worst =
            Math.max(
                worst,
                check(
                    failures,
                    who + " layer " + l + " weight gradient",
                    got.weights()[r][l],
                    ref.weights()[seed][l],
                    tol));
        worst =
            Math.max(
                worst,
                check(
                    failures,
                    who + " layer " + l + " bias gradient",
                    got.biases()[r][l],
                    ref.biases()[seed][l],
                    tol));
      }
      worst =
          Math.max(
              worst,
              check(
                  failures,
                  who + " batch loss",
                  new double[] {got.loss()[r]},
                  new double[] {ref.loss()[seed]},
                  tol));
    }
    return worst;
  }

  @ParameterizedTest(name = "{0} {1} depth {2}")
  @MethodSource("cases")
  void twentyEpochTrajectoriesMatchTheCpuReference(Precision p, Activation act, int depth) {
    NetworkSpec spec = spec(act, depth, Reduction.SUM);
    int steps = (N_TRAIN + BATCH - 1) / BATCH;
    GroupSpec gs = new GroupSpec(spec, p, BATCH, steps);
    List<Executable> failures = new ArrayList<>();
    double tol = trajTol(p);
    double worst = 0;
    try (Group cpu = new CpuBackend().createGroup(gs, setups(spec, 0, SEEDS));
        Group gpu = new CudaBackend(device()).createGroup(gs, setups(spec, 0, SEEDS))) {
      Rng shuffle = new Rng(Rng.mix(77L + depth));
      for (int e = 0; e < EPOCHS; e++) {
        int[][] order = new int[SEEDS][N_TRAIN];
        for (int[] o : order) {
          for (int k = 0; k < N_TRAIN; k++) {
            o[k] = k;
          }
          shuffle.shuffle(o);
        }
        cpu.beginEpoch(order);
        gpu.beginEpoch(order);
        for (int off = 0; off < N_TRAIN; off += BATCH) {
          int count = Math.min(BATCH, N_TRAIN - off);
          cpu.step(off, count, LR);
          gpu.step(off, count, LR);
        }
        StepLog a = gpu.endEpoch();
        StepLog b = cpu.endEpoch();
        assertEquals(b.steps(), a.steps());
        String ep = "epoch " + e;
        worst = Math.max(worst, check(failures, ep + " step losses", a.loss(), b.loss(), tol));
        for (int r = 0; r < SEEDS; r++) {
          for (int l = 0; l < spec.layers(); l++) {
            double[] ga = new double[steps];
            double[] gb = new double[steps];
            for (int s = 0; s < steps; s++) {
              ga[s] = a.gradSq(r, s, l);
              gb[s] = b.gradSq(r, s, l);
            }
            worst =
                Math.max(
                    worst,
                    check(
                        failures,
                        ep + " replica " + r + " layer " + l + " squared gradient norms",
                        ga,
                        gb,
                        tol));
          }
        }
        Evaluation ea = gpu.evaluate();
        Evaluation eb = cpu.evaluate();
        worst =
            Math.max(
                worst, check(failures, ep + " train loss", ea.trainLoss(), eb.trainLoss(), tol));
        worst =
            Math.max(worst, check(failures, ep + " test loss", ea.testLoss(), eb.testLoss(), tol));
        // a prediction within rounding of 0.5, or a unit within rounding of its threshold,
        // may flip: allow one sample's worth in fp32, nothing in fp64
        double flip = p == Precision.FP64 ? 0.0 : 1.0 / N_TEST + 1e-12;
        check(failures, ep + " train accuracy", ea.trainAccuracy(), eb.trainAccuracy(), flip);
        check(failures, ep + " test accuracy", ea.testAccuracy(), eb.testAccuracy(), flip);
        for (int r = 0; r < SEEDS; r++) {
          check(
              failures,
              ep + " replica " + r + " dead-unit fractions",
              ea.deadFraction()[r],
              eb.deadFraction()[r],
              p == Precision.FP64 ? 0.0 : 1.0 / WIDTH + 1e-12);
        }
      }
      for (int r = 0; r < SEEDS; r++) {
        Parameters pa = gpu.parameters(r);
        Parameters pb = cpu.parameters(r);
        for (int l = 0; l < spec.layers(); l++) {
          worst =
              Math.max(
                  worst,
                  check(
                      failures,
                      "final replica " + r + " layer " + l + " weights",
                      pa.weights()[l],
                      pb.weights()[l],
                      tol));
          worst =
              Math.max(
                  worst,
                  check(
                      failures,
                      "final replica " + r + " layer " + l + " biases",
                      pa.biases()[l],
                      pb.biases()[l],
                      tol));
        }
      }
    }
    System.out.printf(
        "trajectory %s %s depth %d on %s: max relative error %.3g%n",
        p.key(), act.key(), depth, device().name(), worst);
    assertAll(failures);
  }
}
