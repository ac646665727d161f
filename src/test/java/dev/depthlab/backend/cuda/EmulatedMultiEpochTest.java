package dev.depthlab.backend.cuda;

import static dev.depthlab.backend.cuda.ParityChecks.BATCH;
import static dev.depthlab.backend.cuda.ParityChecks.N_TRAIN;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.depthlab.backend.EpochRun;
import dev.depthlab.backend.Evaluation;
import dev.depthlab.backend.Group;
import dev.depthlab.backend.GroupSpec;
import dev.depthlab.backend.StepLog;
import dev.depthlab.backend.cpu.CpuBackend;
import dev.depthlab.common.Rng;
import dev.depthlab.config.ConfigLoader;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.data.DatasetSpec;
import dev.depthlab.model.Activation;
import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.Parameters;
import dev.depthlab.model.Precision;
import dev.depthlab.model.Reduction;
import dev.depthlab.train.EpochRecord;
import dev.depthlab.train.RunResult;
import dev.depthlab.train.RunSpec;
import dev.depthlab.train.TrainListener;
import dev.depthlab.train.Trainer;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Several epochs per launch on the fused path ({@link FusedEpochs}, {@link Group#trainEpochs}) on
 * the emulated device, in every thread order it offers: every epoch's step diagnostics, each
 * diagnosed epoch's evaluation and parameters, and the final parameters are the raw bits of the CPU
 * backend's epoch-by-epoch calls, over launches of 4 epochs whose last batch is partial (56 = 3 x
 * 16 + 8), with the parameters in shared and in global memory; and a launch of k epochs copies once
 * in and once out after the first (one host round trip per k epochs).
 */
class EmulatedMultiEpochTest {
  private static final int STEPS = (N_TRAIN + BATCH - 1) / BATCH;
  private static final int K = 4;
  private static final boolean[][] DIAGNOSE = {
    {true, false, false, true}, {false, true, true, true}
  };

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    NetworkSpec relu = ParityChecks.spec(Activation.RELU, 2, Reduction.SUM);
    NetworkSpec tanh = ParityChecks.spec(Activation.TANH, 3, Reduction.MEAN);
    // 64-wide: the parameters stay in global memory in fp64 (FusedEpoch.weightsFit)
    NetworkSpec wide =
        new NetworkSpec(new int[] {8, 64, 64, 1}, Activation.LEAKY_RELU, 0.01, Reduction.SUM, 1e-8);
    for (EmulatedDevice.ThreadOrder order : EmulatedDevice.ThreadOrder.values()) {
      out.add(Arguments.of(relu, Precision.FP64, 3, order));
      out.add(Arguments.of(tanh, Precision.FP32, 2, order));
      out.add(Arguments.of(wide, Precision.FP64, 1, order));
    }
    return out.stream();
  }

  private static GroupSpec groupSpec(NetworkSpec spec, Precision p) {
    return new GroupSpec(spec, p, BATCH, STEPS, true, -1, 0);
  }

  private static int[][][] orders(Rng shuffle, int replicas) {
    int[][][] o = new int[K][replicas][N_TRAIN];
    for (int[][] epoch : o) {
      for (int[] r : epoch) {
        for (int k = 0; k < N_TRAIN; k++) {
          r[k] = k;
        }
        shuffle.shuffle(r);
      }
    }
    return o;
  }

  @ParameterizedTest(name = "{0} {1} R={2} {3}")
  @MethodSource("cases")
  void launchesOfSeveralEpochsGiveTheCpuBits(
      NetworkSpec spec, Precision p, int replicas, EmulatedDevice.ThreadOrder order) {
    try (EmulatedDevice dev = NativeTools.emulatedDevice(order, 7L)) {
      assertAll(againstTheCpu(dev, spec, p, replicas, order.toString()));
    }
  }

  /**
   * Two launches of {@link #K} epochs of {@code spec} on {@code dev}'s fused path beside the CPU
   * backend's epoch-by-epoch calls; the raw-bit differences (tools/gpu-first-contact.sh quotes the
   * printed line of {@code GpuMultiEpochTest}).
   */
  static List<Executable> againstTheCpu(
      Device dev, NetworkSpec spec, Precision p, int replicas, String label) {
    GroupSpec gs = groupSpec(spec, p);
    assertTrue(FusedEpoch.qualifies(gs), spec + " qualifies");
    boolean shared = FusedEpoch.weightsFit(gs);
    assertEquals(spec.sizes()[1] < 64, shared, "parameters in shared memory for " + spec);
    double lr = ParityChecks.lr(spec.reduction());
    List<Executable> failures = new ArrayList<>();
    try (Group cpu = new CpuBackend().createGroup(gs, ParityChecks.setups(spec, 0, replicas));
        Group gpu =
            new CudaBackend(dev, CudaBackend.KernelPath.FUSED)
                .createGroup(gs, ParityChecks.setups(spec, 0, replicas))) {
      assertEquals(FusedEpochs.MAX_EPOCHS, gpu.epochsPerLaunch(), "the fused group's launch");
      Rng shuffle = new Rng(Rng.mix(5L + spec.layers()));
      for (int launch = 0; launch < DIAGNOSE.length; launch++) {
        int[][][] o = orders(shuffle, replicas);
        List<EpochRun> a = gpu.trainEpochs(o, BATCH, lr, DIAGNOSE[launch]);
        List<EpochRun> b = cpu.trainEpochs(o, BATCH, lr, DIAGNOSE[launch]);
        for (int e = 0; e < K; e++) {
          String where = label + " launch " + launch + " epoch " + e;
          compare(failures, where, a.get(e), b.get(e), replicas, spec.layers());
        }
      }
      List<Parameters> pa = gpu.allParameters();
      List<Parameters> pb = cpu.allParameters();
      for (int r = 0; r < replicas; r++) {
        params(failures, label + " final replica " + r, pa.get(r), pb.get(r));
      }
    }
    System.out.printf(
        "multi-epoch launches %s %s R=%d (weights %s) on %s %s: %d differences from the CPU's"
            + " bits%n",
        p.key(), spec, replicas, shared ? "shared" : "global", dev.name(), label, failures.size());
    return failures;
  }

  private static void compare(
      List<Executable> failures, String where, EpochRun a, EpochRun b, int replicas, int layers) {
    StepLog la = a.log();
    StepLog lb = b.log();
    assertEquals(lb.steps(), la.steps(), where + ": steps");
    for (int r = 0; r < replicas; r++) {
      for (int s = 0; s < lb.steps(); s++) {
        String at = where + " replica " + r + " step " + s;
        bits(failures, at + " loss", la.loss(r, s), lb.loss(r, s));
        bits(failures, at + " batch accuracy", la.accuracy(r, s), lb.accuracy(r, s));
        for (int l = 0; l < layers; l++) {
          bits(failures, at + " layer " + l + " gradSq", la.gradSq(r, s, l), lb.gradSq(r, s, l));
        }
      }
    }
    if (b.evaluation() == null) {
      assertNull(a.evaluation(), where + ": an evaluation of an undiagnosed epoch");
      assertNull(a.parameters(), where + ": parameters of an undiagnosed epoch");
      return;
    }
    assertNotNull(a.evaluation(), where + ": no evaluation of a diagnosed epoch");
    Evaluation ea = a.evaluation();
    Evaluation eb = b.evaluation();
    for (int r = 0; r < replicas; r++) {
      String at = where + " replica " + r + " evaluation ";
      bits(failures, at + "train loss", ea.trainLoss()[r], eb.trainLoss()[r]);
      bits(failures, at + "train accuracy", ea.trainAccuracy()[r], eb.trainAccuracy()[r]);
      bits(failures, at + "test loss", ea.testLoss()[r], eb.testLoss()[r]);
      bits(failures, at + "test accuracy", ea.testAccuracy()[r], eb.testAccuracy()[r]);
      for (int h = 0; h < eb.deadFraction()[r].length; h++) {
        bits(failures, at + "dead " + h, ea.deadFraction()[r][h], eb.deadFraction()[r][h]);
      }
      params(failures, where + " replica " + r, a.parameters().get(r), b.parameters().get(r));
    }
  }

  private static void params(List<Executable> failures, String where, Parameters a, Parameters b) {
    for (int l = 0; l < b.layers(); l++) {
      for (int k = 0; k < b.weights()[l].length; k++) {
        bits(failures, where + " W" + l + "[" + k + "]", a.weights()[l][k], b.weights()[l][k]);
      }
      for (int k = 0; k < b.biases()[l].length; k++) {
        bits(failures, where + " b" + l + "[" + k + "]", a.biases()[l][k], b.biases()[l][k]);
      }
    }
  }

  private static void bits(List<Executable> failures, String what, double got, double want) {
    long g = Double.doubleToRawLongBits(got);
    long w = Double.doubleToRawLongBits(want);
    if (g != w) {
      failures.add(
          () ->
              fail(
                  String.format(
                      "%s: fused %.17g (%016x), cpu %.17g (%016x)", what, got, g, want, w)));
    }
  }

  /**
   * The round trips: after the first launch (which allocates), a launch of K epochs, each
   * diagnosed, copies once in (the orders; the step table is the last launch's) and once out, and
   * neither allocates nor waits otherwise: one host round trip per K epochs.
   */
  @Test
  void aLaunchOfSeveralEpochsCopiesOnceInAndOnceOut() {
    CountingDevice dev = new CountingDevice(NativeTools.emulatedDevice());
    for (Precision p : Precision.values()) {
      // the counts are the launch's structure, not its size: the shallowest and the deepest net,
      // two replicas (one copy serves every replica), each a few seconds on the emulator
      for (int depth : new int[] {1, 8}) {
        NetworkSpec spec = ParityChecks.spec(Activation.RELU, depth, Reduction.SUM);
        try (Group g =
            new CudaBackend(dev, CudaBackend.KernelPath.FUSED)
                .createGroup(groupSpec(spec, p), ParityChecks.setups(spec, 0, 2))) {
          Rng shuffle = new Rng(11L);
          boolean[] all = {true, true, true, true};
          for (int launch = 0; launch < 3; launch++) {
            int[][][] o = orders(shuffle, 2);
            CountingDevice.Snapshot before = dev.counts().snapshot();
            List<EpochRun> runs = g.trainEpochs(o, BATCH, 0.01, all);
            CountingDevice.Snapshot d = dev.counts().snapshot().minus(before);
            String where = p.key() + " depth " + depth + " launch " + launch + ": " + d;
            assertEquals(K, runs.size(), where);
            assertEquals(1L, d.launches(), where + ": launches");
            assertEquals(1L, d.copiesOut(), where + ": copies out");
            assertEquals(launch == 0 ? 2L : 1L, d.copiesIn(), where + ": copies in");
            if (launch > 0) {
              assertEquals(0L, d.allocs() + d.frees() + d.synchronizes(), where + ": waits");
            }
          }
        }
      }
    }
  }

  static List<RunSpec> runs(String diagnostics, int epochs) {
    StudyConfig cfg =
        ConfigLoader.parse(
            """
            name: t
            data: {sets: [circle], n_train: 56, test: {n: 32, seed_offset: 100}}
            model: {depths: [2], width: 16}
            training: {epochs: %d, batch_size: 16, lr: 0.01}
            seeds: [0, 1, 2]
            diagnostics: %s
            """
                .formatted(epochs, diagnostics),
            "test.yaml",
            List.of("precision=fp64"));
    List<RunSpec> runs = new ArrayList<>();
    for (long s : cfg.seeds()) {
      runs.add(new RunSpec(cfg, DatasetSpec.of("circle"), 2, s));
    }
    return runs;
  }

  /** Every record component's raw bits, each epoch and the final parameters, as text. */
  static List<String> fingerprint(List<RunResult> results) throws Exception {
    List<String> out = new ArrayList<>();
    for (RunResult r : results) {
      for (EpochRecord e : r.epochs()) {
        StringBuilder sb = new StringBuilder();
        for (RecordComponent c : EpochRecord.class.getRecordComponents()) {
          Object v = c.getAccessor().invoke(e);
          sb.append(c.getName()).append('=');
          if (v instanceof Double d) {
            sb.append(Long.toHexString(Double.doubleToRawLongBits(d)));
          } else if (v instanceof double[] a) {
            for (double x : a) {
              sb.append(Long.toHexString(Double.doubleToRawLongBits(x))).append(',');
            }
          } else {
            sb.append(v);
          }
          sb.append(' ');
        }
        out.add(sb.toString());
      }
      for (double[] w : r.finalParameters().weights()) {
        for (double x : w) {
          out.add(Long.toHexString(Double.doubleToRawLongBits(x)));
        }
      }
    }
    return out;
  }

  /**
   * The training loop on the fused path (launches of {@link FusedEpochs#MAX_EPOCHS} epochs, cut
   * where a snapshot needs the host, diagnostics every 2nd epoch) records every epoch with the CPU
   * backend's bits; without snapshots its epochs wait for the device once per launch (one copy out,
   * nothing else that blocks): at most one host round trip per epoch.
   */
  @Test
  void theTrainerRunsLaunchesOfSeveralEpochsWithTheCpuBits() throws Exception {
    List<RunSpec> runs = runs("{every: 2, snapshots: {every: 7, grid: 8}}", 23);
    List<String> cpu = fingerprint(Trainer.train(new CpuBackend(), runs, TrainListener.NONE));
    CudaBackend fused = new CudaBackend(NativeTools.emulatedDevice(), CudaBackend.KernelPath.FUSED);
    assertEquals(cpu, fingerprint(Trainer.train(fused, runs, TrainListener.NONE)));

    CountingDevice dev = new CountingDevice(NativeTools.emulatedDevice());
    int epochs = 25;
    long[] blocking = new long[epochs + 1];
    Trainer.train(
        new CudaBackend(dev, CudaBackend.KernelPath.FUSED),
        runs("{every: 1}", epochs),
        new TrainListener() {
          @Override
          public void onEpochDone(int epoch, int of) {
            blocking[epoch] = dev.counts().blocking() - dev.counts().copiesIn.get();
          }
        });
    // epochs 2..25: the launches of epochs 11..20 and 21..25, one copy out each
    assertEquals(2L, blocking[epochs] - blocking[1], "waits for the device in epochs 2.." + epochs);
  }

  /**
   * A stop (a listener that throws at an epoch's end, as Sweep's Stop.Dropped) ends the group at a
   * launch's end with its memory freed; a rerun gives the uninterrupted run's bits.
   */
  @Test
  void aStopEndsTheGroupCleanlyAndARerunIsUnchanged() throws Exception {
    EmulatedDevice emulated = NativeTools.emulatedDevice();
    int live = emulated.liveAllocations();
    CudaBackend fused = new CudaBackend(emulated, CudaBackend.KernelPath.FUSED);
    List<RunSpec> runs = runs("{every: 1}", 14);
    class Stopped extends RuntimeException {}
    List<Integer> seen = new ArrayList<>();
    try {
      Trainer.train(
          fused,
          runs,
          new TrainListener() {
            @Override
            public void onEpochDone(int epoch, int of) {
              seen.add(epoch);
              if (epoch == 3) {
                throw new Stopped();
              }
            }
          });
      fail("the stop did not end the training");
    } catch (Stopped expected) {
      // the group closed on the way out
    }
    assertEquals(List.of(1, 2, 3), seen, "epochs seen before the stop");
    assertEquals(live, emulated.liveAllocations(), "allocations left behind by the stopped group");
    assertEquals(
        fingerprint(Trainer.train(new CpuBackend(), runs, TrainListener.NONE)),
        fingerprint(Trainer.train(fused, runs, TrainListener.NONE)),
        "the rerun");
  }
}
