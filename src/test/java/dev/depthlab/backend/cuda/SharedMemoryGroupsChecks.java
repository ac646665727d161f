package dev.depthlab.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fused groups that each need more than 48 KiB of dynamic shared memory, of different sizes (the
 * seed study's fp64 depths 6, 7 and 8 at batch 32: 75,032, 87,760 and 100,488 bytes), created in
 * every order and then trained at the same time from separate threads, each give bit for bit what
 * the same group gives alone. The shared-memory limit is an attribute of the kernel function, which
 * all groups share: a group created after a larger one must not lower it under the larger one's
 * launches (CUDA_ERROR_INVALID_VALUE on a GPU; the emulated device refuses such a launch too).
 */
abstract class SharedMemoryGroupsChecks {
  static final int[] DEPTHS = {6, 7, 8};
  private static final int BATCH = 32;
  private static final int EPOCHS = 2;
  private static final int REPLICAS = 2;

  /**
   * A device for one case: on the emulator a fresh one (every function at its 48 KiB default, as
   * after a module load), on a GPU the shared one.
   */
  abstract Device device();

  static NetworkSpec spec(int depth) {
    return ParityChecks.spec(Activation.RELU, depth, Reduction.SUM);
  }

  static GroupSpec groupSpec(int depth) {
    int steps = (ParityChecks.N_TRAIN + BATCH - 1) / BATCH;
    return new GroupSpec(spec(depth), Precision.FP64, BATCH, steps);
  }

  /** Every order of {@link #DEPTHS}. */
  static Stream<int[]> orders() {
    List<int[]> out = new ArrayList<>();
    permute(DEPTHS.clone(), 0, out);
    return out.stream();
  }

  private static void permute(int[] a, int k, List<int[]> out) {
    if (k == a.length) {
      out.add(a.clone());
      return;
    }
    for (int i = k; i < a.length; i++) {
      int t = a[k];
      a[k] = a[i];
      a[i] = t;
      permute(a, k + 1, out);
      a[i] = a[k];
      a[k] = t;
    }
  }

  static Group create(Device dev, int depth) {
    GroupSpec gs = groupSpec(depth);
    assertTrue(
        FusedEpoch.sharedBytes(gs, true) > SharedMemoryOptIn.WITHOUT_OPT_IN
            && CudaBackend.usesFused(CudaBackend.KernelPath.AUTO, gs),
        "depth " + depth + " must take the fused path with more than 48 KiB");
    // FUSED insists on the fused path (the plain device constructor takes the layered one)
    return new CudaBackend(dev, CudaBackend.KernelPath.FUSED)
        .createGroup(gs, ParityChecks.setups(spec(depth), depth, REPLICAS));
  }

  /** Trains {@code g} (depth {@code depth}) and returns every result as raw bits, one per line. */
  static List<String> train(Group g, int depth, CyclicBarrier start) throws Exception {
    if (start != null) {
      start.await(60, TimeUnit.SECONDS);
    }
    int n = ParityChecks.N_TRAIN;
    Rng shuffle = new Rng(Rng.mix(700L + depth));
    List<String> out = new ArrayList<>();
    for (int e = 0; e < EPOCHS; e++) {
      int[][] order = new int[REPLICAS][n];
      for (int[] o : order) {
        for (int k = 0; k < n; k++) {
          o[k] = k;
        }
        shuffle.shuffle(o);
      }
      g.beginEpoch(order);
      for (int off = 0; off < n; off += BATCH) {
        g.step(off, Math.min(BATCH, n - off), 0.01);
      }
      StepLog log = g.endEpoch();
      out.add("epoch " + e + " losses " + bits(log.loss()));
      out.add("epoch " + e + " gradSq " + bits(log.gradSq()));
    }
    List<Parameters> ps = g.allParameters();
    for (int r = 0; r < ps.size(); r++) {
      for (int l = 0; l < ps.get(r).weights().length; l++) {
        out.add("replica " + r + " layer " + l + " weights " + bits(ps.get(r).weights()[l]));
        out.add("replica " + r + " layer " + l + " biases " + bits(ps.get(r).biases()[l]));
      }
    }
    return out;
  }

  private static String bits(double[] v) {
    StringBuilder sb = new StringBuilder();
    for (double x : v) {
      sb.append(Long.toHexString(Double.doubleToRawLongBits(x))).append(' ');
    }
    return sb.toString();
  }

  @ParameterizedTest(name = "created in depth order {0}")
  @MethodSource("orders")
  void fusedGroupsAboveTheDefaultLimitRunTogetherInAnyCreationOrder(int[] creation)
      throws Exception {
    List<List<String>> alone = new ArrayList<>();
    for (int depth : creation) {
      Device dev = device();
      try (Group g = create(dev, depth)) {
        alone.add(train(g, depth, null));
      } finally {
        release(dev);
      }
    }
    Device dev = device();
    ExecutorService pool = Executors.newFixedThreadPool(creation.length);
    List<Group> groups = new ArrayList<>();
    try {
      for (int depth : creation) {
        groups.add(create(dev, depth)); // each prepares its fused launch here
      }
      CyclicBarrier start = new CyclicBarrier(creation.length);
      List<Future<List<String>>> futures = new ArrayList<>();
      for (int i = 0; i < creation.length; i++) {
        Group g = groups.get(i);
        int depth = creation[i];
        futures.add(pool.submit(() -> train(g, depth, start)));
      }
      for (int i = 0; i < creation.length; i++) {
        List<String> got = futures.get(i).get(300, TimeUnit.SECONDS);
        assertEquals(
            alone.get(i),
            got,
            "depth "
                + creation[i]
                + " trained beside the others (created in order "
                + Arrays.toString(creation)
                + ") differs from the same group alone");
      }
    } finally {
      pool.shutdownNow();
      for (Group g : groups) {
        g.close();
      }
      release(dev);
    }
  }

  /** Releases a device {@link #device} returned (the emulator's own; the GPU's stays open). */
  abstract void release(Device dev);
}
