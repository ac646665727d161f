package dev.depthlab.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.depthlab.backend.Evaluation;
import dev.depthlab.backend.Gradients;
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

  /** Everything a group produced, as raw bits, in the order produced. */
  private record Trace(List<long[]> bits, List<String> labels) {
    void add(String label, double[] v) {
      long[] b = new long[v.length];
      for (int k = 0; k < v.length; k++) {
        b[k] = Double.doubleToRawLongBits(v[k]);
      }
      bits.add(b);
      labels.add(label);
    }
  }

  /** Trains one case for a few epochs (evaluating every epoch), then takes gradients. */
  private static Trace train(Device dev, Case c, CyclicBarrier start) throws Exception {
    Trace t = new Trace(new ArrayList<>(), new ArrayList<>());
    NetworkSpec spec = c.spec();
    GroupSpec gs = new GroupSpec(spec, c.p(), ParityChecks.BATCH, STEPS);
    if (start != null) {
      start.await(30, TimeUnit.SECONDS); // all groups enqueue at once
    }
    try (Group g =
        new CudaBackend(dev).createGroup(gs, ParityChecks.setups(spec, c.from(), c.r(), true))) {
      Rng shuffle = new Rng(Rng.mix(500L + c.from() + 31L * c.depth()));
      for (int e = 0; e < EPOCHS; e++) {
        int[][] order = new int[c.r()][ParityChecks.N_TRAIN];
        for (int[] o : order) {
          for (int k = 0; k < o.length; k++) {
            o[k] = k;
          }
          shuffle.shuffle(o);
        }
        g.beginEpoch(order);
        for (int off = 0; off < ParityChecks.N_TRAIN; off += ParityChecks.BATCH) {
          g.step(off, Math.min(ParityChecks.BATCH, ParityChecks.N_TRAIN - off), 0.01);
        }
        StepLog log = g.endEpoch();
        assertEquals(STEPS, log.steps());
        t.add("epoch " + e + " step losses", log.loss());
        t.add("epoch " + e + " squared gradient norms", log.gradSq());
        Evaluation ev = g.evaluate();
        t.add("epoch " + e + " train loss", ev.trainLoss());
        t.add("epoch " + e + " train accuracy", ev.trainAccuracy());
        t.add("epoch " + e + " test loss", ev.testLoss());
        t.add("epoch " + e + " test accuracy", ev.testAccuracy());
        for (int r = 0; r < c.r(); r++) {
          t.add("epoch " + e + " replica " + r + " dead fractions", ev.deadFraction()[r]);
        }
      }
      for (int r = 0; r < c.r(); r++) {
        Parameters p = g.parameters(r);
        for (int l = 0; l < spec.layers(); l++) {
          t.add("replica " + r + " layer " + l + " weights", p.weights()[l]);
          t.add("replica " + r + " layer " + l + " biases", p.biases()[l]);
        }
      }
      Gradients gr = g.gradients(ParityChecks.batchIndices(c.r(), Rng.mix(9L + c.from())));
      t.add("gradient losses", gr.loss());
      for (int r = 0; r < c.r(); r++) {
        for (int l = 0; l < spec.layers(); l++) {
          t.add("replica " + r + " layer " + l + " weight gradient", gr.weights()[r][l]);
          t.add("replica " + r + " layer " + l + " bias gradient", gr.biases()[r][l]);
        }
      }
    }
    return t;
  }

  abstract Device device();

  @Test
  void concurrentGroupsMatchSequentialGroupsBitForBit() throws Exception {
    Device dev = device();
    int liveBefore = dev.liveAllocations();

    List<Trace> sequential = new ArrayList<>();
    for (Case c : CASES) {
      sequential.add(train(dev, c, null));
    }
    assertEquals(liveBefore, dev.liveAllocations(), "sequential groups left allocations behind");

    // twice, so that interleavings differ between rounds
    for (int round = 0; round < 2; round++) {
      ExecutorService pool = Executors.newFixedThreadPool(CASES.size());
      try {
        CyclicBarrier start = new CyclicBarrier(CASES.size());
        List<Future<Trace>> futures = new ArrayList<>();
        for (Case c : CASES) {
          futures.add(pool.submit(() -> train(dev, c, start)));
        }
        for (int i = 0; i < CASES.size(); i++) {
          Trace got = futures.get(i).get(60, TimeUnit.SECONDS);
          Trace want = sequential.get(i);
          assertEquals(want.labels(), got.labels());
          for (int k = 0; k < want.bits().size(); k++) {
            assertArrayEquals(
                want.bits().get(k),
                got.bits().get(k),
                "round "
                    + round
                    + ", group "
                    + i
                    + " ("
                    + CASES.get(i)
                    + "): "
                    + want.labels().get(k));
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

    Device lane = dev.openLane();
    long p = lane.alloc(64);
    lane.free(p);
    lane.close();
    assertThrows(IllegalStateException.class, () -> lane.alloc(8));
    assertEquals(liveBefore, dev.liveAllocations());
  }
}
