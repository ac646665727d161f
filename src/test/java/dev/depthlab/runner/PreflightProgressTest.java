package dev.depthlab.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The preflight's progress lines on a clock the test sets: silent at first, then every 5 s. */
class PreflightProgressTest {
  @Test
  void linesStartPastFiveSecondsAndComeAtMostEveryFive() {
    AtomicLong now = new AtomicLong(1_000_000_000L);
    PreflightProgress p = new PreflightProgress(now::get);
    now.addAndGet(4_900_000_000L);
    assertNull(p.line(3, 120), "a quick preflight prints no progress");
    now.addAndGet(200_000_000L); // 5.1 s
    assertEquals("preflight: 12 of 120 epochs (10%), 5s elapsed", p.line(12, 120));
    now.addAndGet(1_000_000_000L);
    assertNull(p.line(13, 120), "one line per 5 s at most");
    now.addAndGet(4_000_000_000L); // 10.1 s
    assertEquals("preflight: 60 of 120 epochs (50%), 10s elapsed", p.line(60, 120));
  }
}
