package dev.depthlab.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.depthlab.backend.Group;
import dev.depthlab.backend.GroupSpec;
import dev.depthlab.common.Rng;
import dev.depthlab.model.Activation;
import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.Precision;
import dev.depthlab.model.Reduction;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Several CUDA groups trained at the same time from separate threads, each on its own lane of one
 * device, give bit for bit what the same groups give trained one after another; and every group
 * frees what it allocated and closes its lane. Subclasses choose the device (emulated, or a real
 * GPU, where lanes are CUDA streams that really run side by side).
 */
abstract class ConcurrentGroupsChecks {
  private static final int EPOCHS = 4;

  /** Every epoch ends on a partial batch (ParityChecks.N_TRAIN is not a multiple of BATCH). */
  private static final int STEPS =
      (ParityChecks.N_TRAIN + ParityChecks.BATCH - 1) / ParityChecks.BATCH;

  /** One group's case: its network, precision, replicas (seeds from), shuffle seed. */
  private record Case(Activation act, int depth, Reduction red, Precision p, int from, int r) {
    NetworkSpec spec() {
      return ParityChecks.spec(act, depth, red);
    }
  }

  private static final List<Case> CASES =
      List.of(
          new Case(Activation.RELU, 1, Reduction.SUM, Precision.FP64, 0, 3),
          new Case(Activation.TANH, 2, Reduction.MEAN, Precision.FP32, 3, 4),
          new Case(Activation.LEAKY_RELU, 4, Reduction.SUM, Precision.FP64, 7, 2),
          new Case(Activation.RELU, 2, Reduction.SUM, Precision.FP32, 0, 3));

  /** Trains one case (see {@link GroupTrace}); with {@code start}, all groups begin at once. */
  private static List<String> train(Device dev, Case c, CyclicBarrier start) throws Exception {
    if (start != null) {
      start.await(30, TimeUnit.SECONDS); // all groups enqueue at once
    }
    return GroupTrace.of(
        dev, c.spec(), c.p(), c.from(), c.r(), EPOCHS, Rng.mix(500L + c.from() + 31L * c.depth()));
  }

  abstract Device device();

  @Test
  void concurrentGroupsMatchSequentialGroupsBitForBit() throws Exception {
    Device dev = device();
    int liveBefore = dev.liveAllocations();

    List<List<String>> sequential = new ArrayList<>();
    for (Case c : CASES) {
      sequential.add(train(dev, c, null));
    }
    assertEquals(liveBefore, dev.liveAllocations(), "sequential groups left allocations behind");

    // twice, so that interleavings differ between rounds
    for (int round = 0; round < 2; round++) {
      ExecutorService pool = Executors.newFixedThreadPool(CASES.size());
      try {
        CyclicBarrier start = new CyclicBarrier(CASES.size());
        List<Future<List<String>>> futures = new ArrayList<>();
        for (Case c : CASES) {
          futures.add(pool.submit(() -> train(dev, c, start)));
        }
        for (int i = 0; i < CASES.size(); i++) {
          List<String> got = futures.get(i).get(60, TimeUnit.SECONDS);
          List<String> want = sequential.get(i);
          assertEquals(want.size(), got.size());
          for (int k = 0; k < want.size(); k++) {
            assertEquals(
                want.get(k),
                got.get(k),
                "round " + round + ", group " + i + " (" + CASES.get(i) + ")");
          }
        }
      } finally {
        pool.shutdownNow();
      }
      assertEquals(liveBefore, dev.liveAllocations(), "concurrent groups left allocations behind");
    }
  }

  @Test
  void aClosedGroupAndItsLaneRefuseWork() {
    Device dev = device();
    int liveBefore = dev.liveAllocations();
    Case c = CASES.get(0);
    Group g =
        new CudaBackend(dev)
            .createGroup(
                new GroupSpec(c.spec(), c.p(), ParityChecks.BATCH, STEPS),
                ParityChecks.setups(c.spec(), 0, 2));
    g.close();
    g.close(); // idempotent
    assertEquals(liveBefore, dev.liveAllocations());
    assertThrows(IllegalStateException.class, () -> g.beginEpoch(new int[2][4]));

    Lane lane = dev.openLane();
    long p = dev.alloc(64);
    lane.copyIn(p, new double[] {1});
    lane.close();
    assertThrows(IllegalStateException.class, lane::synchronize);
    dev.free(p);
    assertEquals(liveBefore, dev.liveAllocations());
  }
}
