package dev.depthlab.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.backend.GroupSpec;
import dev.depthlab.backend.StepLog;
import dev.depthlab.model.Activation;
import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.Precision;
import dev.depthlab.model.Reduction;
import org.junit.jupiter.api.Test;

/**
 * The graph checks on the emulated device (runs everywhere g++ is present, and must, in CI), plus
 * what only the emulator can count or catch: host calls per epoch, and a graph whose memory was
 * freed failing when it runs.
 */
class EmulatedGraphsTest extends GraphChecks {
  @Override
  Device device() {
    return NativeTools.emulatedDevice();
  }

  /**
   * Host calls: the step-by-step path enqueues 5 L + 2 per step, the graph path one per epoch (and
   * once per group the warm-up pass before its first capture).
   */
  @Test
  void graphsEnqueueOneHostCallPerEpoch() {
    Case c = new Case(Activation.TANH, Reduction.SUM, 3, 8, 2, Precision.FP32, -1);
    NetworkSpec net = NetworkSpec.of(2, c.depth(), c.width(), c.act(), 0.01, c.red(), 1e-8);
    int steps = 3;
    // CudaGroup's class comment; bench prints the backend's count (CudaBackend.launchesPerStep)
    int perStep = 5 * (c.depth() + 1) + 2;
    GroupSpec gs = new GroupSpec(net, c.precision(), BATCH, steps);
    CudaBackend stepByStep =
        new CudaBackend(CudaBackend.Graphs.OFF, CudaBackend.KernelPath.LAYERED);
    assertEquals(perStep, stepByStep.launchesPerStep(gs, steps));
    try (EmulatedDevice dev = NativeTools.emulatedDevice(EmulatedDevice.ThreadOrder.FORWARD, 0)) {
      for (CudaBackend.Graphs mode : CudaBackend.Graphs.values()) {
        try (CudaGroup g = group(dev, mode, gs, c)) {
          long calls0 = dev.launches() + dev.gemms();
          long graphs0 = dev.graphLaunches();
          for (int e = 0; e < EPOCHS; e++) {
            epoch(g, orders(c.replicas(), e));
          }
          long calls = dev.launches() + dev.gemms() - calls0;
          long launches = dev.graphLaunches() - graphs0;
          if (mode == CudaBackend.Graphs.OFF) {
            assertEquals((long) EPOCHS * steps * perStep, calls, "step by step");
            assertEquals(0, launches);
          } else {
            // captured once, after one uncaptured forward and backward pass (the step without its
            // update: cuBLAS initialises outside the capture, CudaGroup.capture)
            assertEquals(
                (long) steps * perStep + (perStep - 1), calls, mode + ": calls captured once");
            assertEquals(EPOCHS, launches, mode + ": one graph launch per epoch");
          }
        }
      }
    }
  }

  /**
   * A capture that fails (here: its instantiation, simulated) leaves the group step by step from
   * then on, the failed epoch included: the same bits as a group that never tried.
   */
  @Test
  void aFailedCaptureFallsBackToStepByStep() {
    Case c = new Case(Activation.RELU, Reduction.MEAN, 2, 16, 3, Precision.FP64, -1);
    NetworkSpec net = NetworkSpec.of(2, c.depth(), c.width(), c.act(), 0.01, c.red(), 1e-8);
    int steps = (ParityChecks.N_TRAIN + BATCH - 1) / BATCH;
    GroupSpec gs = new GroupSpec(net, c.precision(), BATCH, steps);
    CountingDevice failing = CountingDevice.withGraphs(device());
    failing.counts().failNextCapture.set(true);
    try (CudaGroup eager = group(device(), CudaBackend.Graphs.OFF, gs, c);
        CudaGroup fallen = group(failing, CudaBackend.Graphs.ON, gs, c)) {
      assertTrue(fallen.usesGraphs());
      for (int e = 0; e < EPOCHS; e++) {
        int[][] order = orders(c.replicas(), e);
        StepLog want = epoch(eager, order);
        StepLog got = epoch(fallen, order);
        assertArrayEquals(want.loss(), got.loss(), "epoch " + (e + 1) + ": loss");
        assertArrayEquals(want.gradSq(), got.gradSq(), "epoch " + (e + 1) + ": gradSq");
      }
      assertFalse(fallen.usesGraphs(), "graphs off after the failed capture");
      assertEquals(0, fallen.captures());
      assertEquals(0, fallen.graphLaunches());
      assertArrayEquals(
          eager.allParameters().get(2).weights()[1], fallen.allParameters().get(2).weights()[1]);
    }
  }

  /** A graph launched after one of its buffers was freed fails, naming it, when it runs. */
  @Test
  void aGraphOverFreedMemoryFailsWhenItRuns() {
    Device dev = device();
    Lane lane = dev.openLane();
    long p = dev.alloc(24);
    long g = dev.alloc(24);
    Lane.Launcher update = lane.prepare("sgd_update_f64", 128, p, g, 3, 0.5);
    lane.beginCapture();
    update.enqueue(1);
    Lane.Graph graph = lane.endCapture();
    dev.free(g);
    graph.launch();
    IllegalStateException e = assertThrows(IllegalStateException.class, lane::synchronize);
    assertTrue(e.getMessage().contains("freed"), e.getMessage());
    graph.close();
    dev.free(p);
    lane.close();
  }

  /**
   * cuBLAS in a capture: a captured GEMM is refused on a lane without its own workspace, and on a
   * lane whose first GEMM it would be; after both, it is captured and replays C = A B (2 x 2 by
   * hand).
   */
  @Test
  void aCapturedGemmNeedsTheLanesOwnWorkspaceAndAnUncapturedGemmFirst() {
    Device dev = device();
    Lane lane = dev.openLane();
    long a = dev.alloc(32);
    long b = dev.alloc(32);
    long c = dev.alloc(32);
    lane.copyIn(a, new double[] {1, 2, 3, 4}); // column-major [[1, 3], [2, 4]]
    lane.copyIn(b, new double[] {1, 0, 0, 2}); // diag(1, 2)
    Gemm g = new Gemm(false, false, 2, 2, 2, 2, 4, 2, 4, 2, 4, 1);
    lane.beginCapture();
    IllegalStateException noWorkspace =
        assertThrows(
            IllegalStateException.class, () -> lane.gemm(g, 1.0, a, b, 0.0, c, Precision.FP64));
    assertTrue(noWorkspace.getMessage().contains("cublasSetWorkspace"), noWorkspace.getMessage());
    lane.endCapture().close();
    lane.useOwnGemmWorkspace();
    lane.beginCapture();
    IllegalStateException first =
        assertThrows(
            IllegalStateException.class, () -> lane.gemm(g, 1.0, a, b, 0.0, c, Precision.FP64));
    assertTrue(first.getMessage().contains("first cuBLAS gemm"), first.getMessage());
    lane.endCapture().close();
    lane.gemm(g, 1.0, a, b, 0.0, c, Precision.FP64); // uncaptured
    lane.synchronize();
    lane.copyIn(c, new double[4]);
    lane.beginCapture();
    lane.gemm(g, 1.0, a, b, 0.0, c, Precision.FP64);
    Lane.Graph graph = lane.endCapture();
    graph.launch();
    double[] out = new double[4];
    lane.copyOut(c, out);
    assertArrayEquals(new double[] {1, 2, 6, 8}, out, "A diag(1, 2), column-major");
    graph.close();
    dev.free(a);
    dev.free(b);
    dev.free(c);
    lane.close();
  }
}
