package dev.depthlab.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.backend.Group;
import dev.depthlab.backend.GroupSpec;
import dev.depthlab.backend.StepLog;
import dev.depthlab.backend.cuda.EmulatedDevice.ThreadOrder;
import dev.depthlab.common.Rng;
import dev.depthlab.model.Activation;
import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.Parameters;
import dev.depthlab.model.Precision;
import dev.depthlab.model.Reduction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The emulator's block-synchronous kernels (native/shim.h, native/emulator.cpp): barriers and
 * shared memory that work under every thread order, a divergent {@code __syncthreads} refused
 * loudly, and the fused kernel giving the same bits in every thread order.
 */
class EmulatedBarriersTest {
  private static final int BLOCK = 64;
  private static final int GRID = 3;

  /**
   * test_block_reverse (native/faults/barriers.cu) under each order against its definition,
   * computed here: within each block of n threads, v'[t] = v[n - 1 - (t + 1) % n]. Every thread
   * reads what another wrote before a barrier, so a barrier that let a thread run on early would
   * read the 0xFF (NaN) of unwritten dynamic shared memory or a stale static slot.
   */
  @ParameterizedTest
  @EnumSource(ThreadOrder.class)
  void barriersAndSharedMemoryWorkInEveryThreadOrder(ThreadOrder order) {
    try (EmulatedDevice dev = NativeTools.emulatedDevice(order, 11)) {
      int n = GRID * BLOCK;
      double[] v = new double[n];
      for (int i = 0; i < n; i++) {
        v[i] = 1000 + i;
      }
      long p = dev.alloc(8L * n);
      dev.root().copyIn(p, v);
      dev.root()
          .prepareWithSharedMemory("test_block_reverse_f64", BLOCK, 8 * BLOCK, p)
          .enqueue(GRID);
      double[] got = new double[n];
      dev.root().copyOut(p, got);
      double[] want = new double[n];
      for (int b = 0; b < GRID; b++) {
        for (int t = 0; t < BLOCK; t++) {
          want[b * BLOCK + t] = v[b * BLOCK + BLOCK - 1 - (t + 1) % BLOCK];
        }
      }
      assertArrayEquals(want, got, order.toString());
    }
  }

  /** More dynamic shared memory than an H100 block may have is refused when prepared. */
  @Test
  void anImpossibleSharedMemorySizeIsRefusedAtTheCall() {
    try (EmulatedDevice dev = NativeTools.emulatedDevice(ThreadOrder.FORWARD, 0)) {
      long p = dev.alloc(8L * BLOCK);
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  dev.root()
                      .prepareWithSharedMemory(
                          "test_block_reverse_f64", BLOCK, EmulatedDevice.MAX_SHARED + 1, p));
      assertTrue(e.getMessage().contains("bytes of shared memory"), e.getMessage());
    }
  }

  /** A barrier that half the block never reaches fails the launch, naming kernel and line. */
  @ParameterizedTest
  @EnumSource(ThreadOrder.class)
  void aDivergentSyncthreadsFailsLoudly(ThreadOrder order) {
    try (EmulatedDevice dev = NativeTools.emulatedDevice(order, 5)) {
      long p = dev.alloc(8L * BLOCK);
      dev.root().launch("fault_divergent_sync_f64", 2, BLOCK, p);
      IllegalStateException e = assertThrows(IllegalStateException.class, dev.root()::synchronize);
      String msg = e.getMessage();
      assertAll(
          () -> assertTrue(msg.contains("fault_divergent_sync_f64"), msg),
          () -> assertTrue(msg.contains("divergent __syncthreads"), msg),
          () -> assertTrue(msg.contains("32 of 64 threads wait at"), msg),
          () -> assertTrue(msg.contains("barriers.cu:"), msg));
    }
  }

  /**
   * Two epochs of a fused group (fp64 depth 3 tanh, fp32 depth 2 ReLU; R = 3; a partial last batch)
   * give the same step logs and parameters, bit for bit, in every thread order: the kernel's phases
   * are race-free.
   */
  @Test
  void theFusedKernelGivesTheSameBitsInEveryThreadOrder() {
    List<Executable> checks = new ArrayList<>();
    record Case(Activation act, int depth, Precision p) {}
    for (Case c :
        List.of(
            new Case(Activation.TANH, 3, Precision.FP64),
            new Case(Activation.RELU, 2, Precision.FP32))) {
      NetworkSpec spec = ParityChecks.spec(c.act(), c.depth(), Reduction.MEAN);
      String want = null;
      for (ThreadOrder order : ThreadOrder.values()) {
        try (EmulatedDevice dev = NativeTools.emulatedDevice(order, 3)) {
          String got = run(dev, spec, c.p());
          if (want == null) {
            want = got;
          } else {
            String w = want;
            checks.add(() -> assertEquals(w, got, c + " " + order));
          }
        }
      }
    }
    assertAll(checks);
  }

  private static String run(Device dev, NetworkSpec spec, Precision p) {
    int replicas = 3;
    GroupSpec gs = new GroupSpec(spec, p, ParityChecks.BATCH, 4, true, 1, 2);
    StringBuilder out = new StringBuilder();
    CudaBackend fused = new CudaBackend(dev, CudaBackend.KernelPath.FUSED);
    try (Group g = fused.createGroup(gs, ParityChecks.setups(spec, 0, replicas))) {
      Rng rng = new Rng(5);
      for (int e = 0; e < 2; e++) {
        int[][] order = new int[replicas][ParityChecks.N_TRAIN];
        for (int[] o : order) {
          for (int k = 0; k < o.length; k++) {
            o[k] = k;
          }
          rng.shuffle(o);
        }
        g.beginEpoch(order);
        for (int off = 0; off < ParityChecks.N_TRAIN; off += ParityChecks.BATCH) {
          g.step(off, Math.min(ParityChecks.BATCH, ParityChecks.N_TRAIN - off), 0.03);
        }
        StepLog log = g.endEpoch();
        for (int r = 0; r < replicas; r++) {
          for (int s = 0; s < log.steps(); s++) {
            out.append(Double.doubleToRawLongBits(log.loss(r, s))).append(' ');
            out.append(Double.doubleToRawLongBits(log.accuracy(r, s))).append(' ');
            for (int l = 0; l < spec.layers(); l++) {
              out.append(Double.doubleToRawLongBits(log.gradSq(r, s, l))).append(' ');
            }
          }
          for (int k = 0; k < log.traced().length; k++) {
            out.append(Arrays.toString(log.traced(r, k)));
          }
        }
      }
      for (Parameters prm : g.allParameters()) {
        for (double[] w : prm.weights()) {
          out.append(Arrays.toString(w));
        }
        for (double[] b : prm.biases()) {
          out.append(Arrays.toString(b));
        }
      }
    }
    return out.toString();
  }
}
