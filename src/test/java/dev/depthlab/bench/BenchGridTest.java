package dev.depthlab.bench;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.depthlab.bench.StepBench.Point;
import dev.depthlab.common.UserError;
import dev.depthlab.model.Precision;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bench's grids as its help text states them, the overrides, and the order of the points. */
class BenchGridTest {
  private static final List<Precision> BOTH = List.of(Precision.FP64, Precision.FP32);

  @Test
  void theSeedGridIsTheSeedStudysShapes() {
    BenchGrid g = BenchGrid.named("seed");
    assertAll(
        () -> assertEquals(List.of(1, 2, 4, 6, 8), g.depths()),
        () -> assertEquals(List.of(16), g.widths()),
        () -> assertEquals(List.of(32), g.batches()),
        () -> assertEquals(List.of(1), g.replicas()),
        () -> assertEquals(BOTH, g.precisions()),
        () -> assertEquals(10, g.points().size()));
  }

  @Test
  void theFullGridSweepsWidthBatchAndReplicas() {
    BenchGrid g = BenchGrid.named("full");
    assertAll(
        () -> assertEquals(List.of(1, 4, 8), g.depths()),
        () -> assertEquals(List.of(16, 64, 256, 1024), g.widths()),
        () -> assertEquals(List.of(32, 256, 4096), g.batches()),
        () -> assertEquals(List.of(1, 10, 50), g.replicas()),
        () -> assertEquals(BOTH, g.precisions()),
        () -> assertEquals(3 * 4 * 3 * 3 * 2, g.points().size()));
  }

  @Test
  void anUnknownGridIsAUserError() {
    UserError e = assertThrows(UserError.class, () -> BenchGrid.named("huge"));
    assertEquals("--grid must be seed or full, got 'huge'", e.getMessage());
  }

  @Test
  void overridesReplaceOnlyTheListsGiven() {
    BenchGrid g =
        BenchGrid.named("full")
            .withOverrides(List.of(2), null, List.of(), null, List.of(Precision.FP32));
    assertAll(
        () -> assertEquals(List.of(2), g.depths()),
        () -> assertEquals(List.of(16, 64, 256, 1024), g.widths()),
        () -> assertEquals(List.of(32, 256, 4096), g.batches(), "empty keeps the grid's"),
        () -> assertEquals(List.of(1, 10, 50), g.replicas()),
        () -> assertEquals(List.of(Precision.FP32), g.precisions()));
  }

  @Test
  void valuesOutOfRangeNameTheirOption() {
    BenchGrid seed = BenchGrid.named("seed");
    assertEquals(
        "--depths values must be >= 0, got -1",
        assertThrows(UserError.class, () -> seed.withOverrides(List.of(-1), null, null, null, null))
            .getMessage());
    // depth 0 is a network without hidden layers: allowed; width 0 is not
    assertEquals(List.of(0), seed.withOverrides(List.of(0), null, null, null, null).depths());
    assertEquals(
        "--widths values must be >= 1, got 0",
        assertThrows(UserError.class, () -> seed.withOverrides(null, List.of(0), null, null, null))
            .getMessage());
    assertThrows(UserError.class, () -> seed.withOverrides(null, null, List.of(0), null, null));
    assertThrows(UserError.class, () -> seed.withOverrides(null, null, null, List.of(0), null));
  }

  @Test
  void depthVariesFastestThenWidthBatchReplicasPrecision() {
    BenchGrid g = new BenchGrid(List.of(1, 2), List.of(8, 16), List.of(32), List.of(1, 3), BOTH);
    List<Point> p = g.points();
    assertEquals(2 * 2 * 1 * 2 * 2, p.size());
    assertAll(
        () -> assertEquals(new Point(1, 8, 32, 1, Precision.FP64), p.get(0)),
        () -> assertEquals(new Point(2, 8, 32, 1, Precision.FP64), p.get(1)),
        () -> assertEquals(new Point(1, 16, 32, 1, Precision.FP64), p.get(2)),
        () -> assertEquals(new Point(1, 8, 32, 3, Precision.FP64), p.get(4)),
        () -> assertEquals(new Point(1, 8, 32, 1, Precision.FP32), p.get(8)),
        () -> assertEquals(new Point(2, 16, 32, 3, Precision.FP32), p.get(15)));
  }
}
