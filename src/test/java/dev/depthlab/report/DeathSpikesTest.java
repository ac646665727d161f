package dev.depthlab.report;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.depthlab.report.DeathSpikes.Event;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Deaths against spikes on synthetic runs whose spikes and deaths are known: the spike rule finds
 * exactly the injected jumps, deaths are the rises of a dead fraction between diagnostic epochs,
 * and each is aligned with the spikes of its window; the chance expectation by hand.
 */
class DeathSpikesTest {
  /** A slowly falling loss, 1/(1 + 0.01 i), with jumps of x3 at {@code at}. */
  private static double[] loss(int n, int... at) {
    double[] l = new double[n];
    for (int i = 0; i < n; i++) {
      l[i] = 1.0 / (1 + 0.01 * i);
    }
    for (int i : at) {
      l[i] *= 3;
    }
    return l;
  }

  private static int[] range(int from, int n) {
    int[] r = new int[n];
    for (int i = 0; i < n; i++) {
      r[i] = from + i;
    }
    return r;
  }

  @Test
  void theSpikeRuleFindsExactlyTheInjectedJumps() {
    assertAll(
        () -> assertEquals(List.of(5, 17, 30), CurveMetrics.spikeIndices(loss(40, 5, 17, 30))),
        () -> assertEquals(List.of(), CurveMetrics.spikeIndices(loss(40)), "a smooth fall"),
        () ->
            assertEquals(
                List.of(), CurveMetrics.spikeIndices(loss(40, 2)), "too early: 3 points before"),
        // index 5 over the median of indices 0..4 (index 2): 3 / 1.05 against 1 / 1.02
        () -> assertEquals(3.0 * 1.02 / 1.05, CurveMetrics.overMedian(loss(40, 5), 5), 1e-12));
  }

  @Test
  void deathsAreRisesBetweenPassesAlignedWithTheSpikesOfTheirWindow() {
    // epochs 1..40, one loss point each; spikes at epochs 6, 18 and 31 (indices 5, 17, 30)
    DeathSpikes.Series s = new DeathSpikes.Series(loss(40, 5, 17, 30), range(1, 40), new int[40]);
    // diagnostic passes every 10 epochs; layer 1 loses a unit by 20, layer 2 by 10 and by 40
    int[] diag = {10, 20, 30, 40};
    double[][] dead = {{0, 0.25}, {0.125, 0.25}, {0.125, 0.25}, {0.125, 0.5}};
    DeathSpikes.Run run = new DeathSpikes.Run(s, diag, dead);
    List<Event> ev = DeathSpikes.events(run);
    List<Event> deaths = ev.stream().filter(e -> e.kind().equals(DeathSpikes.DEATH)).toList();
    List<Event> spikes = ev.stream().filter(e -> e.kind().equals(DeathSpikes.SPIKE)).toList();
    assertAll(
        () -> assertEquals(List.of(6, 18, 31), spikes.stream().map(Event::epoch).toList()),
        () -> assertEquals(2, deaths.size(), "the first pass is the baseline: 0.25 is no death"),
        () -> assertEquals(new Event("death", 20, 0, 1, 0.125, 11, 1), deaths.get(0)),
        () -> assertEquals(new Event("death", 40, 0, 2, 0.25, 31, 1), deaths.get(1)),
        () -> assertEquals(List.of(0, 1, 1), spikes.stream().map(Event::aligned).toList()),
        // p = 3 spikes / 37 eligible points; each window holds 10 of them
        () ->
            assertEquals(2 * (1 - Math.pow(1 - 3.0 / 37, 10)), DeathSpikes.chance(run, ev), 1e-12));
  }

  @Test
  void aStepSeriesPlacesSpikesInTheirEpochAndStep() {
    // 4 epochs of 5 steps; a jump at the run's 13th step: epoch 3, step 3
    int[] epoch = new int[20];
    int[] step = new int[20];
    for (int i = 0; i < 20; i++) {
      epoch[i] = i / 5 + 1;
      step[i] = i % 5 + 1;
    }
    DeathSpikes.Run run =
        new DeathSpikes.Run(
            new DeathSpikes.Series(loss(20, 12), epoch, step),
            new int[] {2, 4},
            new double[][] {{0}, {0.5}});
    List<Event> ev = DeathSpikes.events(run);
    assertAll(
        () -> assertEquals(2, ev.size()),
        () -> assertEquals(3, ev.get(0).epoch()),
        () -> assertEquals(3, ev.get(0).step()),
        () -> assertEquals(1, ev.get(0).aligned(), "inside the window 3..4"),
        () -> assertEquals(new Event("death", 4, 0, 1, 0.5, 3, 1), ev.get(1)));
  }
}
