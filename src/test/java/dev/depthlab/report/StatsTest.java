package dev.depthlab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Mean and population std over seeds, ignoring non-finite values. */
class StatsTest {
  @Test
  void populationStdOverFiniteValues() {
    Stats s = Stats.of(List.of(2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0, Double.NaN), d -> d);
    assertEquals(5.0, s.mean(), 1e-12);
    assertEquals(2.0, s.std(), 1e-12); // the textbook example: population std 2
    assertEquals(8, s.n());
  }
}
