package dev.depthlab.runner;

import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The preflight's progress lines: none in its first {@value #QUIET_SECONDS} seconds (a quick
 * preflight stays one table), then one at most every {@value #QUIET_SECONDS} seconds, so a long one
 * never runs silent. Thread-safe (the checks report from their worker threads).
 */
final class PreflightProgress {
  /** Seconds before the first line, and between two lines. */
  static final double QUIET_SECONDS = 5;

  private final LongSupplier nanos;
  private final long start;
  private long shown;

  PreflightProgress(LongSupplier nanos) {
    this.nanos = nanos;
    this.start = nanos.getAsLong();
    this.shown = start;
  }

  /** The line to print after {@code done} of {@code total} epochs, or null for none now. */
  synchronized String line(long done, long total) {
    long now = nanos.getAsLong();
    if ((now - shown) / 1e9 < QUIET_SECONDS) {
      return null;
    }
    shown = now;
    return String.format(
        Locale.ROOT,
        "preflight: %d of %d epochs (%.0f%%), %s elapsed",
        done,
        total,
        100.0 * done / total,
        SweepProgress.clock((now - start) / 1e9));
  }
}
