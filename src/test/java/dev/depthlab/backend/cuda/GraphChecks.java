package dev.depthlab.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.backend.Evaluation;
import dev.depthlab.backend.GroupSpec;
import dev.depthlab.backend.ReplicaSetup;
import dev.depthlab.backend.StepLog;
import dev.depthlab.common.Rng;
import dev.depthlab.common.UserError;
import dev.depthlab.model.Activation;
import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.Parameters;
import dev.depthlab.model.Precision;
import dev.depthlab.model.Reduction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The graph path ({@link CudaBackend.Graphs}) held bit for bit to the step-by-step path on the same
 * device: the same kernels and GEMMs run in the same order on the same bytes, so every loss,
 * gradient norm, accuracy, trace record, parameter and evaluation must be identical. (The
 * step-by-step path is itself held to the CPU reference by the parity checks, which with the
 * default {@code auto} run the graph path too.) Also a capture's rules: sync points refused,
 * capture-time arguments, memory read when the graph runs. {@link EmulatedGraphsTest} runs them on
 * the emulated device, {@link GpuGraphsTest} on a real GPU.
 */
abstract class GraphChecks {
  static final int BATCH = 24; // N_TRAIN 56: steps of 24, 24 and a partial 8
  static final int EPOCHS = 3;
  private static final double LR = 0.05;

  /** One shape of the grid; {@code traceLayer} -1 traces nothing. */
  record Case(
      Activation act,
      Reduction red,
      int depth,
      int width,
      int replicas,
      Precision precision,
      int traceLayer) {
    @Override
    public String toString() {
      return precision.key()
          + " "
          + act.name().toLowerCase(java.util.Locale.ROOT)
          + " depth "
          + depth
          + " width "
          + width
          + " R "
          + replicas
          + (traceLayer >= 0 ? " tracing layer " + traceLayer : "");
    }
  }

  static Stream<Case> cases() {
    List<Case> all = new ArrayList<>();
    for (Precision p : Precision.values()) {
      for (int r : new int[] {1, 10}) {
        all.add(new Case(Activation.RELU, Reduction.MEAN, 1, 5, r, p, -1));
        all.add(new Case(Activation.TANH, Reduction.SUM, 3, 16, r, p, -1));
        all.add(new Case(Activation.LEAKY_RELU, Reduction.MEAN, 8, 7, r, p, 4));
        all.add(new Case(Activation.RELU, Reduction.SUM, 2, 96, r, p, -1)); // wide
      }
      all.add(new Case(Activation.TANH, Reduction.MEAN, 4, 128, 1, p, -1)); // wide and deep
    }
    return all.stream();
  }

  /** The device under test. */
  abstract Device device();

  static CudaGroup group(Device dev, CudaBackend.Graphs mode, GroupSpec gs, Case c) {
    List<ReplicaSetup> setups = ParityChecks.setups(gs.net(), 0, c.replicas(), true);
    return (CudaGroup) new CudaBackend(dev, mode).createGroup(gs, setups);
  }

  /** Replica r's order in {@code epoch}: a permutation of the training set, new every epoch. */
  static int[][] orders(int replicas, int epoch) {
    int[][] o = new int[replicas][];
    for (int r = 0; r < replicas; r++) {
      o[r] = new int[ParityChecks.N_TRAIN];
      for (int i = 0; i < o[r].length; i++) {
        o[r][i] = i;
      }
      new Rng(Rng.mix(7000L + 97L * epoch + r)).shuffle(o[r]);
    }
    return o;
  }

  static StepLog epoch(CudaGroup g, int[][] order) {
    g.beginEpoch(order);
    int n = order[0].length;
    for (int offset = 0; offset < n; offset += BATCH) {
      g.step(offset, Math.min(BATCH, n - offset), LR);
    }
    return g.endEpoch();
  }

  private static void assertSameLog(StepLog want, StepLog got, String what) {
    assertEquals(want.steps(), got.steps(), what + ": steps");
    assertArrayEquals(want.loss(), got.loss(), what + ": loss");
    assertArrayEquals(want.gradSq(), got.gradSq(), what + ": squared gradient norms");
    assertArrayEquals(want.accuracy(), got.accuracy(), what + ": batch accuracy");
    assertArrayEquals(want.traced(), got.traced(), what + ": traced steps");
    assertArrayEquals(want.trace(), got.trace(), what + ": trace records");
  }

  private static void assertSameState(CudaGroup want, CudaGroup got, String what) {
    List<Parameters> pw = want.allParameters();
    List<Parameters> pg = got.allParameters();
    for (int r = 0; r < pw.size(); r++) {
      for (int l = 0; l < pw.get(r).weights().length; l++) {
        assertArrayEquals(pw.get(r).weights()[l], pg.get(r).weights()[l], what + ": W r" + r);
        assertArrayEquals(pw.get(r).biases()[l], pg.get(r).biases()[l], what + ": b r" + r);
      }
    }
    Evaluation ew = want.evaluate();
    Evaluation eg = got.evaluate();
    assertArrayEquals(ew.trainLoss(), eg.trainLoss(), what + ": train loss");
    assertArrayEquals(ew.testAccuracy(), eg.testAccuracy(), what + ": test accuracy");
    for (int r = 0; r < ew.deadFraction().length; r++) {
      assertArrayEquals(ew.deadFraction()[r], eg.deadFraction()[r], what + ": dead units");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void graphsGiveTheStepByStepBitsEveryEpoch(Case c) {
    NetworkSpec net = NetworkSpec.of(2, c.depth(), c.width(), c.act(), 0.01, c.red(), 1e-8);
    int steps = (ParityChecks.N_TRAIN + BATCH - 1) / BATCH;
    GroupSpec gs = new GroupSpec(net, c.precision(), BATCH, steps, true, c.traceLayer(), 2);
    try (CudaGroup eager = group(device(), CudaBackend.Graphs.OFF, gs, c);
        CudaGroup graph = group(device(), CudaBackend.Graphs.ON, gs, c)) {
      assertFalse(eager.usesGraphs());
      assertTrue(graph.usesGraphs());
      for (int e = 0; e < EPOCHS; e++) {
        int[][] order = orders(c.replicas(), e);
        String what = c + ", epoch " + (e + 1);
        assertSameLog(epoch(eager, order), epoch(graph, order), what);
        assertSameState(eager, graph, what);
      }
      assertEquals(0, eager.graphLaunches());
      assertEquals(EPOCHS, graph.graphLaunches(), "one graph launch per epoch");
      // tracing every 2nd step over 3-step epochs moves the records: each epoch captures anew
      assertEquals(c.traceLayer() < 0 ? 1 : EPOCHS, graph.captures(), "captures");
      System.out.println(
          "graphs vs step by step, "
              + c
              + ": bit for bit over "
              + EPOCHS
              + " epochs of "
              + steps
              + " steps (last one partial); "
              + graph.captures()
              + " capture(s), "
              + graph.graphLaunches()
              + " graph launches");
    }
  }

  /**
   * Epoch 2 replays epoch 1's graph with a different order: its results must be those of the
   * step-by-step path on epoch 2's order, and differ from a second epoch on epoch 1's order (so an
   * order baked into the graph would fail here).
   */
  @Test
  void aGraphCapturedInEpochOneReadsEpochTwosOrder() {
    Case c = new Case(Activation.RELU, Reduction.MEAN, 2, 16, 3, Precision.FP64, -1);
    NetworkSpec net = NetworkSpec.of(2, c.depth(), c.width(), c.act(), 0.01, c.red(), 1e-8);
    GroupSpec gs = new GroupSpec(net, c.precision(), BATCH, 3);
    int[][] first = orders(c.replicas(), 0);
    int[][] second = orders(c.replicas(), 1);
    try (CudaGroup graph = group(device(), CudaBackend.Graphs.ON, gs, c);
        CudaGroup eager = group(device(), CudaBackend.Graphs.OFF, gs, c);
        CudaGroup baked = group(device(), CudaBackend.Graphs.OFF, gs, c)) {
      assertSameLog(epoch(eager, first), epoch(graph, first), "epoch 1");
      epoch(baked, first);
      StepLog replayed = epoch(graph, second);
      assertEquals(1, graph.captures(), "epoch 2 must replay epoch 1's graph, not capture");
      assertEquals(2, graph.graphLaunches());
      assertSameLog(epoch(eager, second), replayed, "epoch 2 (new order, replayed graph)");
      StepLog sameOrder = epoch(baked, first);
      assertFalse(
          Arrays.equals(sameOrder.loss(), replayed.loss()),
          "epoch 2's order must change the losses, or this test could not see a baked order");
    }
  }

  /** auto follows the device; on refuses a device without graphs; off never uses them. */
  @Test
  void autoUsesGraphsWhereTheDeviceHasThem() {
    Case c = new Case(Activation.RELU, Reduction.MEAN, 1, 4, 1, Precision.FP64, -1);
    NetworkSpec net = NetworkSpec.of(2, c.depth(), c.width(), c.act(), 0.01, c.red(), 1e-8);
    GroupSpec gs = new GroupSpec(net, c.precision(), BATCH, 3);
    Device plain = new CountingDevice(device()); // forwards no graph support: a device without
    assertFalse(plain.supportsGraphs());
    try (CudaGroup a = group(device(), CudaBackend.Graphs.AUTO, gs, c);
        CudaGroup b = group(plain, CudaBackend.Graphs.AUTO, gs, c);
        CudaGroup d = group(device(), CudaBackend.Graphs.OFF, gs, c)) {
      assertTrue(a.usesGraphs(), "auto on a device with graphs");
      assertFalse(b.usesGraphs(), "auto on a device without");
      assertFalse(d.usesGraphs(), "off");
    }
    UserError e =
        assertThrows(UserError.class, () -> group(plain, CudaBackend.Graphs.ON, gs, c).close());
    assertTrue(e.getMessage().contains("cannot capture graphs"), e.getMessage());
    assertEquals(CudaBackend.Graphs.ON, CudaBackend.Graphs.of("on"));
    assertThrows(IllegalArgumentException.class, () -> CudaBackend.Graphs.of("yes"));
  }

  /** What a real stream capture forbids fails at the call, and the lane works again after it. */
  @Test
  void aCaptureRefusesEverySyncPoint() {
    Device dev = device();
    Lane lane = dev.openLane();
    long buf = dev.alloc(64);
    lane.beginCapture();
    List<Runnable> syncPoints =
        List.of(
            () -> lane.copyIn(buf, new double[] {1}),
            () -> lane.copyIn(buf, new float[] {1}),
            () -> lane.copyIn(buf, new int[] {1}),
            () -> lane.copyOut(buf, new double[1]),
            () -> lane.copyOut(buf, new float[1]),
            () -> dev.alloc(8),
            () -> dev.free(buf),
            lane::synchronize,
            lane::close,
            lane::beginCapture);
    for (Runnable r : syncPoints) {
      IllegalStateException e = assertThrows(IllegalStateException.class, r::run);
      assertTrue(e.getMessage().contains("capture") || e.getMessage().contains("capturing"));
    }
    lane.endCapture().close();
    assertThrows(IllegalStateException.class, lane::endCapture);
    lane.copyIn(buf, new double[] {2});
    dev.free(buf);
    lane.close();
  }

  /**
   * sgd_update (p -= lr g) captured with lr 0.5, then its launcher set to 100: the graph keeps 0.5;
   * nothing runs before a launch; each launch reads memory as it is then. Expected values by hand.
   */
  @Test
  void aGraphKeepsCaptureTimeArgumentsAndReadsMemoryWhenItRuns() {
    Device dev = device();
    Lane lane = dev.openLane();
    long p = dev.alloc(24);
    long g = dev.alloc(24);
    lane.copyIn(p, new double[] {1, 2, 3});
    lane.copyIn(g, new double[] {1, 1, 1});
    Lane.Launcher update = lane.prepare("sgd_update_f64", 128, p, g, 3, 0.5);
    lane.beginCapture();
    update.enqueue(1);
    Lane.Graph graph = lane.endCapture();
    update.setDouble(3, 100.0);
    assertEquals(1, graph.nodes());
    double[] out = new double[3];
    lane.copyOut(p, out);
    assertArrayEquals(new double[] {1, 2, 3}, out, "captured work ran before any launch");
    graph.launch();
    graph.launch();
    lane.copyOut(p, out);
    assertArrayEquals(new double[] {0, 1, 2}, out, "two launches of p -= 0.5 g");
    lane.copyIn(g, new double[] {2, 2, 2});
    graph.launch();
    lane.copyOut(p, out);
    assertArrayEquals(new double[] {-1, 0, 1}, out, "the launch reads g as it is now");
    graph.close();
    assertThrows(IllegalStateException.class, graph::launch);
    dev.free(g);
    dev.free(p);
    lane.close();
  }
}
