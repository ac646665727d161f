package dev.depthlab.report;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.plot.ProbabilityMap;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** training.gif opens on a drawn line and stays short; boundary.gif names a run at chance. */
class RunAnimationsFramesTest {
  @Test
  void trainingFramesStartOnALineAndAreFew() {
    List<Integer> ends = RunAnimations.trainingEnds(1000);
    List<Integer> small = RunAnimations.trainingEnds(5);
    assertAll(
        () -> assertEquals(RunAnimations.TRAINING_FRAMES, ends.size()),
        // the first frame draws points 0..21 of 1000 (999 / 48 rounded), a line, not empty axes
        () -> assertEquals(21, ends.get(0)),
        () -> assertEquals(999, ends.get(ends.size() - 1)),
        () -> assertEquals(List.of(1, 2, 3, 4), small),
        () -> assertEquals(List.of(0), RunAnimations.trainingEnds(1)));
    for (int i = 1; i < ends.size(); i++) {
      assertTrue(ends.get(i) > ends.get(i - 1), "frames out of order: " + ends);
    }
  }

  private static ProbabilityMap.Grid grid(double... p) {
    return new ProbabilityMap.Grid(2, -1, 1, p);
  }

  @Test
  void aMapOfOneClassIsAtChance() {
    double[] low = new double[4];
    Arrays.fill(low, 0.2);
    assertAll(
        () -> assertTrue(RunAnimations.oneClass(grid(low))),
        () -> assertTrue(RunAnimations.oneClass(grid(0.5, 0.9, 0.6, 0.7))),
        () -> assertFalse(RunAnimations.oneClass(grid(0.2, 0.4, 0.49, 0.5))));
  }
}
