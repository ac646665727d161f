package dev.depthlab.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.depthlab.backend.Backend;
import dev.depthlab.backend.GroupSpec;
import dev.depthlab.backend.cuda.CudaBackend;
import dev.depthlab.bench.StepBench.Point;
import dev.depthlab.bench.StepBench.Timing;
import dev.depthlab.model.Activation;
import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.Precision;
import dev.depthlab.model.Reduction;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The device rows of bench: the CUDA backend's rows and their host-call counts (5 (depth + 1) + 2
 * per step step by step, from CudaGroup's class comment; one launch per epoch of {@link
 * StepBench#STEPS_PER_EPOCH} steps for graphs and fused), and the lines that set a point's device
 * rows side by side, on made-up timings (host rows left out).
 */
class GpuPathsTest {
  @Test
  void theCudaRowsCountTheirOwnHostCalls() {
    for (int depth : new int[] {1, 8}) {
      NetworkSpec net = NetworkSpec.of(2, depth, 16, Activation.RELU, 0, Reduction.SUM, 1e-8);
      GroupSpec spec = new GroupSpec(net, Precision.FP64, 32, 10);
      List<Backend> rows = new CudaBackend().benchRows();
      assertEquals(
          List.of("cuda-fused", "cuda-layered", "cuda-graphs"),
          rows.stream().map(Backend::name).toList());
      int steps = StepBench.STEPS_PER_EPOCH;
      assertEquals(1.0 / 50, rows.get(0).launchesPerStep(spec, steps), "fused, depth " + depth);
      assertEquals(5.0 * (depth + 1) + 2, rows.get(1).launchesPerStep(spec, steps), "layered");
      assertEquals(1.0 / 50, rows.get(2).launchesPerStep(spec, steps), "graphs, depth " + depth);
    }
  }

  @Test
  void onePairedLinePerPointOfTheDeviceRows() {
    Point p = new Point(8, 16, 32, 10, Precision.FP64);
    Point q = new Point(1, 16, 32, 10, Precision.FP32);
    List<Timing> t =
        List.of(
            new Timing("cpu", true, p, 900, 850, 880),
            new Timing("cuda-layered", false, p, 400, 390, 380, 47),
            new Timing("cuda-graphs", false, p, 60, 55, 4.5, 0.02),
            new Timing("cuda-layered", false, q, 100, 95, 90, 12),
            new Timing("cuda-fused", false, q, 30, 28, 2.5, 0.02));
    assertEquals(
        List.of(
            "fp64 depth 8 width 16 batch 32 R 10:"
                + "  cuda-layered 47.00 calls/step, 380.00 host us/step (400.00 us/step wall)"
                + "  cuda-graphs 0.02 calls/step, 4.50 host us/step (60.00 us/step wall)",
            "fp32 depth 1 width 16 batch 32 R 10:"
                + "  cuda-layered 12.00 calls/step, 90.00 host us/step (100.00 us/step wall)"
                + "  cuda-fused 0.02 calls/step, 2.50 host us/step (30.00 us/step wall)"),
        GpuPaths.lines(t));
  }

  /** A device row with its kernel's counts gets one line of them under its point's line. */
  @Test
  void aRowWithCountsPrintsThemUnderItsPoint() {
    Point q = new Point(1, 16, 32, 10, Precision.FP32);
    List<Timing> t =
        List.of(
            new Timing("cuda-layered", false, q, 100, 95, 90, 12),
            new Timing("cuda-fused", false, q, 30, 28, 2.5, 0.02, "fp32 depth 1: counts"));
    assertEquals(
        List.of(
            "fp32 depth 1 width 16 batch 32 R 10:"
                + "  cuda-layered 12.00 calls/step, 90.00 host us/step (100.00 us/step wall)"
                + "  cuda-fused 0.02 calls/step, 2.50 host us/step (30.00 us/step wall)",
            "    cuda-fused kernel, emulator counts: fp32 depth 1: counts"),
        GpuPaths.lines(t));
  }
}
