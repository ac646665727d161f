package dev.depthlab.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.depthlab.bench.Crossover.Outcome;
import dev.depthlab.bench.StepBench.Point;
import dev.depthlab.bench.StepBench.Timing;
import dev.depthlab.model.Precision;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where a device backend first beats a host backend, on made-up timings. */
class CrossoverTest {
  private static final Point SMALL = new Point(1, 16, 32, 1, Precision.FP64);
  private static final Point MEDIUM = new Point(4, 64, 256, 1, Precision.FP64);
  private static final Point LARGE = new Point(8, 1024, 4096, 10, Precision.FP64);

  private static Timing host(Point p, double us) {
    return new Timing("h", true, p, us, us, us);
  }

  private static Timing device(Point p, double us) {
    return new Timing("d", false, p, us, us, us);
  }

  @Test
  void theDeviceWinsFromTheSmallestPointItIsFasterAt() {
    // timed largest first, so the answer is by work, not by order
    List<Timing> t =
        List.of(
            host(LARGE, 9000),
            host(MEDIUM, 300),
            host(SMALL, 10),
            device(LARGE, 40),
            device(MEDIUM, 250),
            device(SMALL, 30));
    Crossover c = Crossover.of(t);
    assertEquals(Outcome.DEVICE_WINS, c.outcome());
    assertEquals(MEDIUM, c.point());
  }

  @Test
  void aTieIsNoWin() {
    Crossover c = Crossover.of(List.of(host(SMALL, 10), device(SMALL, 10)));
    assertEquals(Outcome.HOST_ALWAYS_FASTER, c.outcome());
    assertNull(c.point());
  }

  @Test
  void theHostFasterEverywhere() {
    List<Timing> t =
        List.of(host(SMALL, 10), host(LARGE, 100), device(SMALL, 30), device(LARGE, 200));
    assertEquals(Outcome.HOST_ALWAYS_FASTER, Crossover.of(t).outcome());
  }

  @Test
  void onlyOneKindOfBackendComparesNothing() {
    assertEquals(Outcome.NOT_COMPARED, Crossover.of(List.of(host(SMALL, 10))).outcome());
    assertEquals(Outcome.NOT_COMPARED, Crossover.of(List.of(device(SMALL, 1))).outcome());
    assertEquals(Outcome.NOT_COMPARED, Crossover.of(List.of()).outcome());
  }

  @Test
  void onlyPointsTimedOnBothCount() {
    // the device is fast at a point the host skipped (too big for one core): nothing to compare
    Crossover c = Crossover.of(List.of(host(SMALL, 10), device(LARGE, 1)));
    assertEquals(Outcome.NOT_COMPARED, c.outcome());
    Point smallFp32 = new Point(1, 16, 32, 1, Precision.FP32);
    Crossover p = Crossover.of(List.of(host(SMALL, 10), device(smallFp32, 1), device(SMALL, 20)));
    assertEquals(
        Outcome.HOST_ALWAYS_FASTER, p.outcome(), "fp32 on the device is not fp64 on the host");
  }
}
