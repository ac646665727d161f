package dev.depthlab.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.depthlab.bench.StepBench.Point;
import dev.depthlab.bench.StepBench.Timing;
import dev.depthlab.model.Precision;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The GPU path rows of bench: the host-call arithmetic (5 (depth + 1) + 2 per step, from
 * CudaGroup's class comment; one graph launch per epoch of {@link StepBench#STEPS_PER_EPOCH} steps)
 * and the lines that set both paths of a point side by side, on made-up timings.
 */
class GpuPathsTest {
  @Test
  void hostCallsPerStep() {
    assertEquals(12.0, GpuPaths.hostCallsPerStep(GpuPaths.STEPS, 1)); // 5 * 2 + 2
    assertEquals(47.0, GpuPaths.hostCallsPerStep(GpuPaths.STEPS, 8)); // 5 * 9 + 2
    assertEquals(0.02, GpuPaths.hostCallsPerStep(GpuPaths.GRAPHS, 8)); // 1 / 50
    assertThrows(IllegalArgumentException.class, () -> GpuPaths.hostCallsPerStep("cpu", 1));
  }

  @Test
  void onePairedLinePerPointOfAGpuPath() {
    Point p = new Point(8, 16, 32, 10, Precision.FP64);
    Point q = new Point(1, 16, 32, 10, Precision.FP32);
    List<Timing> t =
        List.of(
            new Timing("cpu", true, p, 900, 850, 880),
            new Timing(GpuPaths.STEPS, false, p, 400, 390, 380),
            new Timing(GpuPaths.GRAPHS, false, p, 60, 55, 4.5),
            new Timing(GpuPaths.STEPS, false, q, 100, 95, 90));
    assertEquals(
        List.of(
            "fp64 depth 8 width 16 batch 32 R 10:"
                + "  cuda 47.00 calls/step, 380.00 host us/step (400.00 us/step wall)"
                + "  cuda-graphs 0.02 calls/step, 4.50 host us/step (60.00 us/step wall)",
            "fp32 depth 1 width 16 batch 32 R 10:"
                + "  cuda 12.00 calls/step, 90.00 host us/step (100.00 us/step wall)"),
        GpuPaths.lines(t));
  }
}
