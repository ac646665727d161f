package dev.depthlab.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.backend.Group;
import dev.depthlab.backend.GroupSpec;
import dev.depthlab.model.Activation;
import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.Precision;
import dev.depthlab.model.Reduction;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The emulator's shared-memory accounting (native/emulator.cpp, {@link SharedAccessCounts}) and
 * what it holds the fused kernel to: a probe kernel's bank conflicts equal the bank rule computed
 * here, an access outside the block's shared memory fails the launch, and every access site of
 * kernels/fused.cu is at most 2-way conflicted at the seed study's shapes (2-16xd-1, d = 1, 4, 8,
 * batch 32), fp64 and fp32, with a full and a partial batch, and in the fused evaluation. The
 * per-step counts it prints are the cost model's figures (docs/gpu.md).
 */
class EmulatedSharedAccessTest {
  private static final int BLOCK = 128;

  /** The worst conflict degree allowed on the fused kernel's sites. */
  private static final int MAX_DEGREE = 2;

  /**
   * The bank rule, written out independently of the emulator: a warp's accesses of {@code bytes}
   * each are served per group of lanes (32 lanes for 4 bytes, 16 for 8), and a group needs as many
   * wavefronts as the most distinct 4-byte words in one of the 32 banks.
   */
  private static int degree(long[] offsets, int bytes) {
    int lanes = bytes <= 4 ? 32 : 16;
    int worst = 0;
    for (int g = 0; g < offsets.length; g += lanes) {
      List<Set<Long>> banks = new ArrayList<>();
      for (int b = 0; b < 32; b++) {
        banks.add(new HashSet<>());
      }
      for (int t = g; t < g + lanes && t < offsets.length; t++) {
        for (long w = offsets[t] / 4; w <= (offsets[t] + bytes - 1) / 4; w++) {
          banks.get((int) (w % 32)).add(w);
        }
      }
      for (Set<Long> s : banks) {
        worst = Math.max(worst, s.size());
      }
    }
    return worst;
  }

  static Stream<Arguments> strides() {
    List<Arguments> out = new ArrayList<>();
    for (Precision p : Precision.values()) {
      for (int stride : new int[] {0, 1, 2, 3, 16, 17, 32, 33}) {
        out.add(Arguments.of(p, stride));
      }
    }
    return out.stream();
  }

  /**
   * test_bank_stride (native/faults/barriers.cu): thread t reads element t * stride of shared
   * memory; its result and its counted conflicts against the rule above (e.g. fp64 stride 16:
   * sixteen lanes of a half-warp in one bank pair, 16-way; stride 17: none).
   */
  @ParameterizedTest(name = "{0} stride {1}")
  @MethodSource("strides")
  void theCounterSeesTheBankConflictsOfAStridedRead(Precision p, int stride) {
    int bytes = p == Precision.FP64 ? 8 : 4;
    int n = BLOCK * 33;
    try (EmulatedDevice dev = NativeTools.emulatedDevice(EmulatedDevice.ThreadOrder.FORWARD, 0);
        Lane lane = dev.openLane()) {
      long v = dev.alloc((long) bytes * BLOCK);
      String kernel = "test_bank_stride_" + suffix(p);
      SharedAccessCounts c =
          SharedAccessCounts.during(
              () -> {
                lane.prepareWithSharedMemory(kernel, BLOCK, bytes * n, v, stride, n).enqueue(1);
                lane.synchronize();
              });
      double[] got = new double[BLOCK];
      if (p == Precision.FP64) {
        lane.copyOut(v, got);
      } else {
        float[] f = new float[BLOCK];
        lane.copyOut(v, f);
        for (int t = 0; t < BLOCK; t++) {
          got[t] = f[t];
        }
      }
      double[] want = new double[BLOCK];
      int worst = 0;
      for (int warp = 0; warp < BLOCK / 32; warp++) {
        long[] offsets = new long[32];
        for (int l = 0; l < 32; l++) {
          int t = warp * 32 + l;
          want[t] = (long) t * stride % n;
          offsets[l] = bytes * ((long) t * stride % n);
        }
        worst = Math.max(worst, degree(offsets, bytes));
      }
      assertArrayEquals(want, got, "the probe's values");
      SharedAccessCounts.Site probe = c.kernel(kernel).site("probe");
      int expected = worst;
      assertAll(
          () -> assertEquals(expected, probe.maxDegree(), "conflict degree " + probe),
          () -> assertEquals(BLOCK / 32, probe.requests(), "one request per warp " + probe),
          () -> assertEquals(BLOCK, probe.accesses(), "one access per thread " + probe),
          () -> assertEquals(1, c.kernel(kernel).barriers(), "barriers"),
          () -> assertEquals(1, c.kernel(kernel).site("fill").maxDegree(), "the fill's degree"));
    }
  }

  /** An access past the end of the block's shared memory fails the launch, naming the site. */
  @Test
  void anAccessOutsideSharedMemoryFailsTheLaunch() {
    try (EmulatedDevice dev = NativeTools.emulatedDevice(EmulatedDevice.ThreadOrder.FORWARD, 0);
        Lane lane = dev.openLane()) {
      long v = dev.alloc(8L * BLOCK);
      lane.prepareWithSharedMemory("fault_shared_outside_f64", BLOCK, 8 * 10, v, 10).enqueue(1);
      IllegalStateException e = assertThrows(IllegalStateException.class, lane::synchronize);
      String msg = e.getMessage();
      assertAll(
          () -> assertTrue(msg.contains("fault_shared_outside_f64"), msg),
          () -> assertTrue(msg.contains("past_the_end"), msg),
          () -> assertTrue(msg.contains("at byte 80 (+8) outside the block's 80 bytes"), msg));
    }
  }

  static Stream<Arguments> seedShapes() {
    List<Arguments> out = new ArrayList<>();
    for (int d : new int[] {1, 4, 8}) {
      for (Precision p : Precision.values()) {
        out.add(Arguments.of(d, p));
      }
    }
    return out.stream();
  }

  /**
   * The fused kernel at the seed study's shapes: every access site at most {@link #MAX_DEGREE}-way
   * conflicted over a launch of one full batch of 32, one of two, and one partial batch of 24; and
   * the per-step counts (the two-step launch minus the one-step launch) printed for docs/gpu.md.
   */
  @ParameterizedTest(name = "depth {0} {1}")
  @MethodSource("seedShapes")
  void theFusedKernelIsAtMostTwoWayConflictedAtTheSeedShapes(int depth, Precision p) {
    NetworkSpec spec = ParityChecks.spec(Activation.RELU, depth, Reduction.SUM);
    GroupSpec gs = new GroupSpec(spec, p, 32, 2, true, -1, 0);
    assertTrue(FusedEpoch.weightsFit(gs), "the seed shape keeps its parameters in shared memory");
    String kernel = "fused_epoch_" + suffix(p);
    try (EmulatedDevice dev = NativeTools.emulatedDevice(EmulatedDevice.ThreadOrder.FORWARD, 0);
        Group g =
            new CudaBackend(dev, CudaBackend.KernelPath.FUSED)
                .createGroup(gs, ParityChecks.setups(spec, 0, 1))) {
      int[][] order = new int[1][ParityChecks.N_TRAIN];
      for (int k = 0; k < ParityChecks.N_TRAIN; k++) {
        order[0][k] = (k * 17) % ParityChecks.N_TRAIN;
      }
      SharedAccessCounts.Kernel one = epoch(g, order, new int[][] {{0, 32}}).kernel(kernel);
      SharedAccessCounts.Kernel two =
          epoch(g, order, new int[][] {{0, 32}, {24, 32}}).kernel(kernel);
      SharedAccessCounts.Kernel partial = epoch(g, order, new int[][] {{0, 24}}).kernel(kernel);
      String evalKernel = "fused_eval_" + suffix(p);
      SharedAccessCounts.Kernel eval = SharedAccessCounts.during(g::evaluate).kernel(evalKernel);
      List<Executable> checks = new ArrayList<>();
      for (SharedAccessCounts.Kernel k : List.of(one, two, partial, eval)) {
        for (SharedAccessCounts.Site s : k.sites()) {
          checks.add(
              () ->
                  assertTrue(
                      s.maxDegree() <= MAX_DEGREE,
                      k.name()
                          + " depth "
                          + depth
                          + ": "
                          + s.maxDegree()
                          + "-way conflicts at "
                          + s));
        }
      }
      long sharedPerStep = two.requests() - one.requests();
      long wavesPerStep = two.wavefronts() - one.wavefronts();
      long barriersPerStep = two.barriers() - one.barriers();
      long idealPerStep = ideal(two) - ideal(one);
      long fmaPerStep = 0;
      for (String inner : List.of("fwd_w", "dw_dz", "dx_w")) {
        fmaPerStep += two.site(inner).requests() - one.site(inner).requests();
      }
      int worst = 0;
      List<String> conflicted = new ArrayList<>();
      for (SharedAccessCounts.Site s : two.sites()) {
        worst = Math.max(worst, s.maxDegree());
        if (s.maxDegree() > 1) {
          conflicted.add(s.name() + " " + s.maxDegree() + "-way");
        }
      }
      System.out.printf(
          "fused %s depth %d batch 32, per step and replica: %d shared warp requests, %d wavefronts"
              + " (%.3f per request, %d at best), %d FMA warp instructions in the inner loops, %d barriers;"
              + " worst degree %d %s%n",
          p.key(),
          depth,
          sharedPerStep,
          wavesPerStep,
          (double) wavesPerStep / sharedPerStep,
          idealPerStep,
          fmaPerStep,
          barriersPerStep,
          worst,
          conflicted);
      System.out.printf(
          "fused_eval %s depth %d, one evaluation (%d + %d rows in batches of 32): %d shared warp"
              + " requests, %d wavefronts (%d at best), %d barriers%n",
          p.key(),
          depth,
          ParityChecks.N_TEST,
          ParityChecks.N_TRAIN,
          eval.requests(),
          eval.wavefronts(),
          ideal(eval),
          eval.barriers());
      checks.add(() -> assertEquals(2L * depth + 5, barriersPerStep, "barriers per step"));
      assertAll(checks);
    }
  }

  private static long ideal(SharedAccessCounts.Kernel k) {
    return k.sites().stream().mapToLong(SharedAccessCounts.Site::ideal).sum();
  }

  private static String suffix(Precision p) {
    return p == Precision.FP64 ? "f64" : "f32";
  }

  /** One epoch of {@code steps} (offset, rows) with the accounting on. */
  private static SharedAccessCounts epoch(Group g, int[][] order, int[][] steps) {
    return SharedAccessCounts.during(
        () -> {
          g.beginEpoch(order);
          for (int[] s : steps) {
            g.step(s[0], s[1], 1e-3);
          }
          g.endEpoch();
        });
  }
}
