package dev.depthlab.backend.cuda;

import static dev.depthlab.backend.cuda.ParityChecks.BATCH;
import static dev.depthlab.backend.cuda.ParityChecks.COMPARAND;
import static dev.depthlab.backend.cuda.ParityChecks.N_TRAIN;
import static dev.depthlab.backend.cuda.ParityChecks.check;
import static dev.depthlab.backend.cuda.ParityChecks.checkCount;
import static dev.depthlab.backend.cuda.ParityChecks.lr;
import static dev.depthlab.backend.cuda.ParityChecks.setups;
import static dev.depthlab.backend.cuda.ParityChecks.vs;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.depthlab.backend.Evaluation;
import dev.depthlab.backend.Group;
import dev.depthlab.backend.GroupSpec;
import dev.depthlab.backend.StepLog;
import dev.depthlab.common.Rng;
import dev.depthlab.model.Activation;
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
 * The fused path (kernels/fused.cu, {@link FusedEpoch}) on a device, held to the CPU backend
 * ({@link ParityChecks#COMPARAND}) with {@link ParityChecks}' comparisons, to {@link #tolerance}:
 * every step's loss, batch accuracy and squared gradient norms, the trace records, each epoch's
 * evaluation and the final parameters, every epoch ending on a partial batch ({@link
 * ParityChecks#N_TRAIN} = 3 x 16 + 8). The grid covers depths 1..8 (the seed study's 2-16-..-1),
 * hidden widths 1..64, R = 1 and 10, both precisions, every activation and both reductions, with
 * parameters in shared memory and (the widest shapes) in global memory, over {@link #epochs}
 * epochs.
 */
abstract class FusedParityChecks {
  /** Epochs of every trajectory: {@link ParityChecks#EPOCHS} unless a device says fewer. */
  int epochs() {
    return ParityChecks.EPOCHS;
  }

  /** The relative error allowed in every comparison. */
  abstract double tolerance(Precision p);

  abstract Device device();

  /**
   * Whether the whole run (every step's loss, batch accuracy and squared gradient norms, the trace
   * records, each epoch's evaluation, the final parameters) must equal the comparand's raw bits,
   * beside the tolerance: the fused kernels (fused_epoch, fused_eval) follow the arithmetic
   * contract operation for operation, in the CPU's sum orders (docs/arithmetic.md).
   */
  boolean bitForBit() {
    return false;
  }

  /** {@link ParityChecks#check}, and with {@link #bitForBit} the raw bits too. */
  private double compare(
      List<Executable> failures, String what, double[] got, double[] ref, double tol) {
    if (bitForBit()) {
      for (int k = 0; k < Math.min(got.length, ref.length); k++) {
        long a = Double.doubleToRawLongBits(got[k]);
        long b = Double.doubleToRawLongBits(ref[k]);
        if (a != b) {
          int at = k;
          failures.add(
              () ->
                  fail(
                      String.format(
                          "%s element %d: cuda %.17g (%016x), %s %.17g (%016x): not bit for bit",
                          vs(what), at, got[at], a, COMPARAND.name(), ref[at], b)));
          break;
        }
      }
    }
    return check(failures, what, got, ref, tol);
  }

  /** Depths 1..8 of the seed study's net, R = 10; activations and precisions alternate. */
  static Stream<Arguments> depthCases() {
    List<Arguments> out = new ArrayList<>();
    Activation[] acts = Activation.values();
    for (int d = 1; d <= 8; d++) {
      Precision p = d % 2 == 0 ? Precision.FP64 : Precision.FP32;
      Reduction red = d % 4 < 2 ? Reduction.SUM : Reduction.MEAN;
      out.add(Arguments.of(ParityChecks.spec(acts[d % acts.length], d, red), p, 10));
    }
    // depth 8 in the other precision too: the seed study's deepest net, in both
    out.add(Arguments.of(ParityChecks.spec(Activation.TANH, 8, Reduction.SUM), Precision.FP32, 10));
    return out.stream();
  }

  /** Other widths (1 to 64, mixed), R = 1, each shape in both precisions. */
  static Stream<Arguments> widthCases() {
    List<Arguments> out = new ArrayList<>();
    int[][] sizes = {{2, 33, 1, 7, 1}, {3, 1, 1}, {4, 64, 2, 1}, {8, 64, 64, 1}, {5, 7, 16, 3, 1}};
    Activation[] acts = Activation.values();
    for (int i = 0; i < sizes.length; i++) {
      for (Precision p : Precision.values()) {
        Reduction red = (i + p.ordinal()) % 2 == 0 ? Reduction.SUM : Reduction.MEAN;
        NetworkSpec spec = new NetworkSpec(sizes[i], acts[i % acts.length], 0.01, red, 1e-8);
        out.add(Arguments.of(spec, p, 1));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} {1} R={2}")
  @MethodSource({"depthCases", "widthCases"})
  void fusedTrajectoriesMatchTheComparand(NetworkSpec spec, Precision p, int replicas) {
    GroupSpec gs = groupSpec(spec, p);
    assertTrue(FusedEpoch.qualifies(gs), spec + " qualifies for the fused path");
    List<Executable> failures = new ArrayList<>();
    double worst = trajectory(failures, gs, replicas, Rng.mix(99L + spec.layers()), device());
    System.out.printf(
        "fused trajectory %s %s R=%d (weights %s) on %s: max relative error %.3g%n",
        p.key(),
        spec,
        replicas,
        FusedEpoch.weightsFit(gs) ? "shared" : "global",
        device().name(),
        worst);
    assertAll(failures);
  }

  /** Batch accuracy on; the middle layer traced every 3rd step, as ParityChecks' trajectories. */
  static GroupSpec groupSpec(NetworkSpec spec, Precision p) {
    int steps = (N_TRAIN + BATCH - 1) / BATCH;
    return new GroupSpec(spec, p, BATCH, steps, true, spec.layers() / 2, 3);
  }

  /**
   * The trajectory of {@code gs} on {@code dev} against the comparand; the worst relative error.
   */
  double trajectory(
      List<Executable> failures, GroupSpec gs, int replicas, long shuffleSeed, Device dev) {
    NetworkSpec spec = gs.net();
    int steps = gs.maxStepsPerEpoch();
    Precision p = gs.precision();
    double lr = lr(spec.reduction());
    double tol = tolerance(p);
    double worst = 0;
    CudaBackend fused = new CudaBackend(dev, CudaBackend.KernelPath.FUSED);
    try (Group ref = COMPARAND.createGroup(gs, setups(spec, 0, replicas));
        Group gpu = fused.createGroup(gs, setups(spec, 0, replicas))) {
      Rng shuffle = new Rng(shuffleSeed);
      for (int e = 0; e < epochs(); e++) {
        int[][] order = new int[replicas][N_TRAIN];
        for (int[] o : order) {
          for (int k = 0; k < N_TRAIN; k++) {
            o[k] = k;
          }
          shuffle.shuffle(o);
        }
        ref.beginEpoch(order);
        gpu.beginEpoch(order);
        for (int off = 0; off < N_TRAIN; off += BATCH) {
          int count = Math.min(BATCH, N_TRAIN - off);
          ref.step(off, count, lr);
          gpu.step(off, count, lr);
        }
        StepLog a = gpu.endEpoch();
        StepLog b = ref.endEpoch();
        assertEquals(b.steps(), a.steps(), vs("epoch " + e + " steps"));
        for (int r = 0; r < replicas; r++) {
          String who = "fused epoch " + e + " replica " + r;
          double[] la = new double[steps];
          double[] lb = new double[steps];
          for (int s = 0; s < steps; s++) {
            la[s] = a.loss(r, s);
            lb[s] = b.loss(r, s);
            int count = Math.min(BATCH, N_TRAIN - s * BATCH);
            checkCount(
                failures,
                who + " step " + s + " batch accuracy",
                a.accuracy(r, s),
                b.accuracy(r, s),
                count,
                p == Precision.FP64 || bitForBit() ? 0 : 1);
          }
          worst = Math.max(worst, compare(failures, who + " step losses", la, lb, tol));
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
                    compare(
                        failures, who + " layer " + l + " squared gradient norms", ga, gb, tol));
          }
          assertArrayEquals(b.traced(), a.traced(), vs(who + " traced steps"));
          for (int k = 0; k < b.traced().length; k++) {
            worst =
                Math.max(
                    worst,
                    compare(
                        failures, who + " trace record " + k, a.traced(r, k), b.traced(r, k), tol));
          }
        }
        Evaluation ea = gpu.evaluate();
        Evaluation eb = ref.evaluate();
        String ev = "epoch " + e + " evaluation ";
        worst =
            Math.max(
                worst, compare(failures, ev + "train losses", ea.trainLoss(), eb.trainLoss(), tol));
        worst =
            Math.max(
                worst, compare(failures, ev + "test losses", ea.testLoss(), eb.testLoss(), tol));
        compare(failures, ev + "train accuracies", ea.trainAccuracy(), eb.trainAccuracy(), 0);
        compare(failures, ev + "test accuracies", ea.testAccuracy(), eb.testAccuracy(), 0);
        for (int r = 0; r < replicas; r++) {
          compare(
              failures,
              ev + "replica " + r + " dead fractions",
              ea.deadFraction()[r],
              eb.deadFraction()[r],
              0);
        }
      }
      for (int r = 0; r < replicas; r++) {
        Parameters pa = gpu.parameters(r);
        Parameters pb = ref.parameters(r);
        for (int l = 0; l < spec.layers(); l++) {
          String who = "fused final replica " + r + " layer " + l;
          worst =
              Math.max(
                  worst,
                  compare(failures, who + " weights", pa.weights()[l], pb.weights()[l], tol));
          worst =
              Math.max(
                  worst, compare(failures, who + " biases", pa.biases()[l], pb.biases()[l], tol));
        }
      }
    }
    return worst;
  }
}
