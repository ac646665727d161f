package dev.depthlab.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.backend.Group;
import dev.depthlab.backend.GroupSpec;
import dev.depthlab.config.ConfigLoader;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.data.DatasetSpec;
import dev.depthlab.model.Activation;
import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.Precision;
import dev.depthlab.model.Reduction;
import dev.depthlab.train.RunSpec;
import dev.depthlab.train.TrainListener;
import dev.depthlab.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CUDA backend's budget of device calls, counted on the emulated device through {@link
 * CountingDevice}: what a training step enqueues, and how often an epoch copies between host and
 * device (documented in {@link CudaGroup}'s class comment and docs/gpu.md).
 */
class CudaRoundTripsTest {
  private static final int STEPS =
      (ParityChecks.N_TRAIN + ParityChecks.BATCH - 1) / ParityChecks.BATCH;

  /** Copies of a diagnosed epoch: order in; step log, evaluation, parameters out. */
  private static final long COPIES_PER_EPOCH = 4;

  private static Group group(Device dev, int depth, int replicas, Precision p) {
    NetworkSpec spec = ParityChecks.spec(Activation.RELU, depth, Reduction.SUM);
    return new CudaBackend(dev)
        .createGroup(
            new GroupSpec(spec, p, ParityChecks.BATCH, STEPS),
            ParityChecks.setups(spec, 0, replicas));
  }

  private static int[][] order(int replicas) {
    int[][] order = new int[replicas][ParityChecks.N_TRAIN];
    for (int[] o : order) {
      for (int k = 0; k < o.length; k++) {
        o[k] = (k * 7) % o.length;
      }
    }
    return order;
  }

  /**
   * The documented budget: 5 L + 2 = 5 (depth + 1) + 2 launches and cuBLAS calls per step, for any
   * R, and nothing that waits for the device.
   */
  @ParameterizedTest
  @ValueSource(ints = {1, 2, 4, 6, 8})
  void aStepEnqueuesFiveCallsPerLayerPlusTwo(int depth) {
    CountingDevice dev = new CountingDevice(NativeTools.emulatedDevice());
    for (int replicas : new int[] {1, 10}) {
      try (Group g = group(dev, depth, replicas, Precision.FP32)) {
        g.beginEpoch(order(replicas));
        CountingDevice.Snapshot before = dev.counts().snapshot();
        g.step(0, ParityChecks.BATCH, 0.01);
        CountingDevice.Snapshot step = dev.counts().snapshot().minus(before);
        String where = "depth " + depth + ", R " + replicas;
        assertEquals(5L * (depth + 1) + 2, step.calls(), where + ": " + step);
        assertEquals(
            0L,
            step.copies() + step.allocs() + step.frees() + step.synchronizes(),
            where + ": a step must not wait for the device: " + step);
        g.endEpoch();
      }
    }
  }

  /**
   * A traced layer (diagnostics.step_weights) adds one launch to each traced step, still without
   * waiting for the device, and one copy to endEpoch; the batch accuracy adds nothing.
   */
  @Test
  void aTracedLayerAddsOneLaunchPerTracedStepAndOneCopyPerEpoch() {
    CountingDevice dev = new CountingDevice(NativeTools.emulatedDevice());
    int depth = 2;
    NetworkSpec spec = ParityChecks.spec(Activation.RELU, depth, Reduction.SUM);
    GroupSpec traced = new GroupSpec(spec, Precision.FP64, ParityChecks.BATCH, STEPS, true, 1, 2);
    try (Group g = new CudaBackend(dev).createGroup(traced, ParityChecks.setups(spec, 0, 3))) {
      for (int epoch = 1; epoch <= 2; epoch++) {
        g.beginEpoch(order(3));
        List<Long> calls = new ArrayList<>();
        List<Long> expected = new ArrayList<>();
        for (int s = 0; s < STEPS; s++) {
          CountingDevice.Snapshot before = dev.counts().snapshot();
          g.step(
              s * ParityChecks.BATCH,
              Math.min(ParityChecks.BATCH, ParityChecks.N_TRAIN - s * ParityChecks.BATCH),
              0.01);
          CountingDevice.Snapshot step = dev.counts().snapshot().minus(before);
          assertEquals(0L, step.copies() + step.allocs() + step.synchronizes(), "step " + s);
          calls.add(step.calls());
          // every 2nd step of the group's life is traced: steps 2, 4, ... (1-based)
          expected.add(5L * (depth + 1) + 2 + ((s + 1) % 2 == 0 ? 1 : 0));
        }
        assertEquals(expected, calls, "epoch " + epoch + ": calls per step");
        CountingDevice.Snapshot before = dev.counts().snapshot();
        g.endEpoch();
        assertEquals(2L, dev.counts().snapshot().minus(before).copiesOut(), "endEpoch copies");
      }
    }
  }

  /**
   * A diagnosed epoch (beginEpoch, its steps, endEpoch, evaluate, allParameters) copies between
   * host and device the same 4 times at every depth and R; after the first epoch it allocates and
   * frees nothing.
   */
  @Test
  void anEpochCopiesAFixedNumberOfTimesAtAnyDepthAndReplicaCount() {
    CountingDevice dev = new CountingDevice(NativeTools.emulatedDevice());
    List<Executable> checks = new ArrayList<>();
    for (Precision p : Precision.values()) {
      for (int depth : new int[] {1, 2, 4, 8}) {
        for (int replicas : new int[] {1, 10}) {
          try (Group g = group(dev, depth, replicas, p)) {
            for (int epoch = 1; epoch <= 2; epoch++) {
              String where = p.key() + " depth " + depth + ", R " + replicas + ", epoch " + epoch;
              CountingDevice.Snapshot s0 = dev.counts().snapshot();
              g.beginEpoch(order(replicas));
              CountingDevice.Snapshot s1 = dev.counts().snapshot();
              for (int off = 0; off < ParityChecks.N_TRAIN; off += ParityChecks.BATCH) {
                g.step(off, Math.min(ParityChecks.BATCH, ParityChecks.N_TRAIN - off), 0.01);
              }
              CountingDevice.Snapshot s2 = dev.counts().snapshot();
              g.endEpoch();
              CountingDevice.Snapshot s3 = dev.counts().snapshot();
              g.evaluate();
              CountingDevice.Snapshot s4 = dev.counts().snapshot();
              g.allParameters();
              CountingDevice.Snapshot s5 = dev.counts().snapshot();
              long[] copies = {
                s1.minus(s0).copiesIn(),
                s2.minus(s1).copies(),
                s3.minus(s2).copiesOut(),
                s4.minus(s3).copiesOut(),
                s5.minus(s4).copiesOut(),
                s5.minus(s0).copies()
              };
              checks.add(
                  () ->
                      assertArrayEquals(
                          new long[] {1, 0, 1, 1, 1, COPIES_PER_EPOCH},
                          copies,
                          where
                              + ": copies of beginEpoch, the steps, endEpoch, evaluate,"
                              + " allParameters, in all"));
              CountingDevice.Snapshot all = s5.minus(s0);
              if (epoch > 1) {
                checks.add(
                    () ->
                        assertEquals(
                            0L,
                            all.allocs() + all.frees() + all.synchronizes(),
                            where + ": allocations or waits after the first epoch: " + all));
              }
            }
          }
        }
      }
    }
    assertAll(checks);
  }

  /**
   * The training loop itself (Trainer, diagnostics every epoch) on the CUDA backend: each epoch
   * after the first copies {@link #COPIES_PER_EPOCH} times, at every depth and R.
   */
  @ParameterizedTest
  @ValueSource(ints = {1, 2, 4, 8})
  void theTrainerCopiesAFixedNumberOfTimesPerEpoch(int depth) {
    for (int replicas : new int[] {1, 10}) {
      CountingDevice dev = new CountingDevice(NativeTools.emulatedDevice());
      StudyConfig cfg =
          ConfigLoader.parse(
              """
              name: t
              data: {sets: [circle], n_train: 64, test: {n: 32, seed_offset: 100}}
              model: {depths: [%d], width: 16}
              training: {epochs: 4, batch_size: 16, lr: 0.01}
              seeds: [%s]
              diagnostics: {every: 1}
              """
                  .formatted(
                      depth,
                      LongStream.range(0, replicas)
                          .mapToObj(Long::toString)
                          .collect(Collectors.joining(", "))),
              "test.yaml",
              List.of("precision=fp64"));
      List<RunSpec> runs = new ArrayList<>();
      for (long s : cfg.seeds()) {
        runs.add(new RunSpec(cfg, DatasetSpec.of("circle"), depth, s));
      }
      List<Long> copiesAtEpochEnd = new ArrayList<>();
      Trainer.train(
          new CudaBackend(dev),
          runs,
          new TrainListener() {
            @Override
            public void onEpochDone(int epoch, int epochs) {
              copiesAtEpochEnd.add(dev.counts().copies());
            }
          });
      List<Long> perEpoch = new ArrayList<>();
      for (int e = 1; e < copiesAtEpochEnd.size(); e++) {
        perEpoch.add(copiesAtEpochEnd.get(e) - copiesAtEpochEnd.get(e - 1));
      }
      assertEquals(
          List.of(COPIES_PER_EPOCH, COPIES_PER_EPOCH, COPIES_PER_EPOCH),
          perEpoch,
          "depth " + depth + ", R " + replicas + ": copies in epochs 2..4");
    }
  }

  /** A fault that surfaces when a group closes still frees all its memory and is reported. */
  @Test
  void aGroupFreesItsMemoryWhenAFaultSurfacesAtClose() {
    EmulatedDevice emulated = NativeTools.emulatedDevice();
    int before = emulated.liveAllocations();
    CountingDevice dev = new CountingDevice(emulated);
    Group g = group(dev, 2, 3, Precision.FP64);
    g.beginEpoch(order(3));
    g.step(0, ParityChecks.BATCH, 0.01);
    assertTrue(emulated.liveAllocations() > before);
    dev.counts().faultNextSynchronize.set(true);
    IllegalStateException e = assertThrows(IllegalStateException.class, g::close);
    assertEquals("simulated kernel fault surfacing at synchronize", e.getMessage());
    assertEquals(before, emulated.liveAllocations(), "allocations left behind after the fault");
  }
}
