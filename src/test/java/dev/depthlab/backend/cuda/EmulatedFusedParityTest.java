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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.backend.Group;
import dev.depthlab.backend.GroupSpec;
import dev.depthlab.backend.StepLog;
import dev.depthlab.backend.cpu.CpuBackend;
import dev.depthlab.backend.registry.BackendRegistry;
import dev.depthlab.common.Rng;
import dev.depthlab.common.UserError;
import dev.depthlab.model.Activation;
import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.Parameters;
import dev.depthlab.model.Precision;
import dev.depthlab.model.Reduction;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fused path (kernels/fused.cu, {@link FusedEpoch}) on the emulated device, held to the CPU
 * backend ({@link ParityChecks#COMPARAND}) with {@link ParityChecks}' comparisons, to {@link
 * #tolerance}: every step's loss, batch accuracy and squared gradient norms, the trace records,
 * each epoch's evaluation and the final parameters, every epoch ending on a partial batch ({@link
 * ParityChecks#N_TRAIN} = 3 x 16 + 8). The grid covers depths 1..8 (the seed study's 2-16-..-1),
 * hidden widths 1..64, R = 1 and 10, both precisions, every activation and both reductions, with
 * parameters in shared memory and (the widest shapes) in global memory; it runs fewer epochs than
 * the layered path's checks ({@link #EPOCHS}), since the emulator runs a block's threads as fibers.
 */
class EmulatedFusedParityTest {
  static final int EPOCHS = 10;

  /**
   * Tolerance: tighter than the layered path's ({@link ParityChecks#trajTol}), since the fused
   * kernel sums in the CPU's order (kernels/fused.cu); what remains is the C library's exp and tanh
   * against Java's (an ulp here and there) and the evaluation's own sums. Measured at the time of
   * writing: at most 3.3e-15 (fp64, depth 8 tanh) and 5.9e-8 (fp32, depth 8 tanh).
   */
  static double tolerance(Precision p) {
    return p == Precision.FP64 ? 1e-13 : 1e-6;
  }

  private static Device device() {
    return NativeTools.emulatedDevice();
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
    double worst = trajectory(failures, gs, replicas, Rng.mix(99L + spec.layers()));
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
  private static GroupSpec groupSpec(NetworkSpec spec, Precision p) {
    int steps = (N_TRAIN + BATCH - 1) / BATCH;
    return new GroupSpec(spec, p, BATCH, steps, true, spec.layers() / 2, 3);
  }

  private static double trajectory(
      List<Executable> failures, GroupSpec gs, int replicas, long shuffleSeed) {
    NetworkSpec spec = gs.net();
    int steps = gs.maxStepsPerEpoch();
    Precision p = gs.precision();
    double lr = lr(spec.reduction());
    double tol = tolerance(p);
    double worst = 0;
    CudaBackend fused = new CudaBackend(device(), CudaBackend.KernelPath.FUSED);
    try (Group ref = COMPARAND.createGroup(gs, setups(spec, 0, replicas));
        Group gpu = fused.createGroup(gs, setups(spec, 0, replicas))) {
      Rng shuffle = new Rng(shuffleSeed);
      for (int e = 0; e < EPOCHS; e++) {
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
                p == Precision.FP64 ? 0 : 1);
          }
          worst = Math.max(worst, check(failures, who + " step losses", la, lb, tol));
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
                    check(failures, who + " layer " + l + " squared gradient norms", ga, gb, tol));
          }
          assertArrayEquals(b.traced(), a.traced(), vs(who + " traced steps"));
          for (int k = 0; k < b.traced().length; k++) {
            worst =
                Math.max(
                    worst,
                    check(
                        failures, who + " trace record " + k, a.traced(r, k), b.traced(r, k), tol));
          }
        }
        double[] ta = gpu.evaluate().trainLoss();
        double[] tb = ref.evaluate().trainLoss();
        worst = Math.max(worst, check(failures, "epoch " + e + " train losses", ta, tb, tol));
      }
      for (int r = 0; r < replicas; r++) {
        Parameters pa = gpu.parameters(r);
        Parameters pb = ref.parameters(r);
        for (int l = 0; l < spec.layers(); l++) {
          String who = "fused final replica " + r + " layer " + l;
          worst =
              Math.max(
                  worst, check(failures, who + " weights", pa.weights()[l], pb.weights()[l], tol));
          worst =
              Math.max(
                  worst, check(failures, who + " biases", pa.biases()[l], pb.biases()[l], tol));
        }
      }
    }
    return worst;
  }

  // ---------------------------------------------------------------------------------------------
  // The automatic choice

  @Test
  void autoTakesTheFusedPathExactlyWhenTheShapeQualifies() {
    GroupSpec seedStudy =
        new GroupSpec(ParityChecks.spec(Activation.RELU, 8, Reduction.SUM), Precision.FP64, 32, 63);
    GroupSpec wide =
        new GroupSpec(
            new NetworkSpec(new int[] {2, 65, 1}, Activation.RELU, 0.01, Reduction.SUM, 1e-8),
            Precision.FP64,
            32,
            63);
    // 64 wide, 8 deep, batch 256: activations alone are 256 x (8 + 2 x 8 x 64 + 1) x 8 > 99 KiB
    GroupSpec bigBatch =
        new GroupSpec(
            NetworkSpec.of(8, 8, 64, Activation.RELU, 0.01, Reduction.SUM, 1e-8),
            Precision.FP64,
            256,
            8);
    assertAll(
        () -> assertTrue(CudaBackend.usesFused(CudaBackend.KernelPath.AUTO, seedStudy)),
        () -> assertFalse(CudaBackend.usesFused(CudaBackend.KernelPath.LAYERED, seedStudy)),
        () -> assertTrue(CudaBackend.usesFused(CudaBackend.KernelPath.FUSED, seedStudy)),
        () -> assertFalse(CudaBackend.usesFused(CudaBackend.KernelPath.AUTO, wide)),
        () -> assertFalse(CudaBackend.usesFused(CudaBackend.KernelPath.AUTO, bigBatch)),
        () -> {
          UserError e =
              assertThrows(
                  UserError.class, () -> CudaBackend.usesFused(CudaBackend.KernelPath.FUSED, wide));
          assertEquals(UserError.USAGE, e.exitCode(), e.getMessage());
          assertTrue(e.getMessage().contains("65 units"), e.getMessage());
        });
  }

  /**
   * The seed study's fp64 depth-8 net at batch 32 keeps everything in shared memory: 16 B x 32 + 8
   * B x (2 x 1969 parameters + 32 x 259 activation columns + 32 labels) = 98,576 bytes, by hand
   * from kernels/fused.cu's layout; the same at batch 16 without the parameters is 8 x (1969 + 16 x
   * 259 + 16) + 16 x 16 = 49,288.
   */
  @Test
  void sharedMemoryLayoutSizes() {
    NetworkSpec net = ParityChecks.spec(Activation.RELU, 8, Reduction.SUM);
    GroupSpec b32 = new GroupSpec(net, Precision.FP64, 32, 63);
    GroupSpec b16 = new GroupSpec(net, Precision.FP64, 16, 63);
    assertEquals(98_576, FusedEpoch.sharedBytes(b32, true));
    assertEquals(49_288, FusedEpoch.sharedBytes(b16, false));
    assertTrue(FusedEpoch.weightsFit(b32));
  }

  /**
   * What bench prints as launches per step ({@link CudaBackend#launchesPerStep}) against the calls
   * counted on the device over an epoch of 4 steps (the last one partial): the layered path's 5
   * (depth + 1) + 2 a step, the fused path's one launch an epoch, which also copies in only twice
   * (the order at beginEpoch, the step table at endEpoch) and reads the diagnostics once.
   */
  @Test
  void launchesPerStepAreThoseCountedOnTheDevice() {
    NetworkSpec spec = ParityChecks.spec(Activation.TANH, 3, Reduction.SUM);
    GroupSpec gs = new GroupSpec(spec, Precision.FP64, BATCH, 4);
    for (CudaBackend.KernelPath path :
        List.of(CudaBackend.KernelPath.LAYERED, CudaBackend.KernelPath.FUSED)) {
      CountingDevice dev = new CountingDevice(device());
      CudaBackend backend = new CudaBackend(dev, path);
      try (Group g = backend.createGroup(gs, setups(spec, 0, 2))) {
        int[][] order = new int[2][N_TRAIN];
        CountingDevice.Snapshot before = dev.counts().snapshot();
        g.beginEpoch(order);
        int steps = 0;
        for (int off = 0; off < N_TRAIN; off += BATCH) {
          g.step(off, Math.min(BATCH, N_TRAIN - off), 0.01);
          steps++;
        }
        g.endEpoch();
        CountingDevice.Snapshot d = dev.counts().snapshot().minus(before);
        double perStep = (double) (d.launches() + d.gemms()) / steps;
        assertEquals(
            backend.launchesPerStep(gs, steps), perStep, 1e-12, path + " launches per step");
        if (path == CudaBackend.KernelPath.FUSED) {
          assertEquals(1, d.launches() + d.gemms(), "fused: one launch an epoch");
          assertEquals(2, d.copiesIn(), "fused: the order and the step table");
          assertEquals(1, d.copiesOut(), "fused: the diagnostics");
        } else {
          assertEquals(5 * 4 + 2, perStep, "layered: 5 (depth + 1) + 2");
        }
      }
    }
  }

  /** bench times the CUDA backend as two rows, one per kernel path; other backends as they are. */
  @Test
  void benchHasARowPerGpuPath() {
    List<String> names =
        BackendRegistry.benchRows(new CudaBackend()).stream().map(b -> b.name()).toList();
    assertEquals(List.of("cuda-fused", "cuda-layered"), names);
    assertEquals(
        List.of("cpu"),
        BackendRegistry.benchRows(new CpuBackend()).stream().map(b -> b.name()).toList());
    assertEquals("cuda", new CudaBackend().name());
  }

  /** The property: auto, fused and layered by name, anything else a one-line usage error. */
  @Test
  void theKernelPropertyParses() {
    String old = System.getProperty(CudaBackend.KERNEL_PROPERTY);
    try {
      System.clearProperty(CudaBackend.KERNEL_PROPERTY);
      assertEquals(CudaBackend.KernelPath.AUTO, CudaBackend.KernelPath.fromProperty());
      System.setProperty(CudaBackend.KERNEL_PROPERTY, "layered");
      assertEquals(CudaBackend.KernelPath.LAYERED, CudaBackend.KernelPath.fromProperty());
      System.setProperty(CudaBackend.KERNEL_PROPERTY, "fused");
      assertEquals(CudaBackend.KernelPath.FUSED, CudaBackend.KernelPath.fromProperty());
      System.setProperty(CudaBackend.KERNEL_PROPERTY, "fast");
      UserError e = assertThrows(UserError.class, CudaBackend.KernelPath::fromProperty);
      assertEquals(UserError.USAGE, e.exitCode());
      assertFalse(e.getMessage().contains("\n"));
    } finally {
      if (old == null) {
        System.clearProperty(CudaBackend.KERNEL_PROPERTY);
      } else {
        System.setProperty(CudaBackend.KERNEL_PROPERTY, old);
      }
    }
  }
}
