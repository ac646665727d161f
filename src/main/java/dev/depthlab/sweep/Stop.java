package dev.depthlab.sweep;

/**
 * A request to stop a sweep (Ctrl-C, SIGTERM): once requested, no group starts; groups in flight
 * may finish for {@code grace} seconds, after which each is dropped whole at its next epoch (it
 * writes nothing, so a rerun redoes it). Thread-safe.
 */
public final class Stop {
  /** How long in-flight groups may go on after a stop request, by default. */
  public static final double DEFAULT_GRACE_SECONDS = 30;

  private final long graceNanos;
  private volatile long requestedAt;
  private volatile boolean requested;

  public Stop(double graceSeconds) {
    this.graceNanos = (long) (graceSeconds * 1e9);
  }

  /** A stop that is never requested. */
  public static Stop never() {
    return new Stop(DEFAULT_GRACE_SECONDS);
  }

  /** Asks the sweep to stop (the first call counts). */
  public synchronized void request() {
    if (!requested) {
      requestedAt = System.nanoTime();
      requested = true;
    }
  }

  public boolean requested() {
    return requested;
  }

  /** Whether groups in flight must be dropped now: a stop was requested longer than grace ago. */
  boolean pastGrace() {
    return requested && System.nanoTime() - requestedAt >= graceNanos;
  }

  /** Thrown inside a group's training to drop it whole. */
  static final class Dropped extends RuntimeException {
    Dropped() {
      super("dropped by a stop request", null, false, false);
    }
  }
}
