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

  /**
   * Throws {@link Stopped} once a stop was requested: the report stage calls it between its steps
   * (tables, each figure task, the page), so a signal there ends it at the next step.
   */
  public void check() {
    if (requested) {
      throw new Stopped();
    }
  }

  /**
   * A test hook, off unless the JVM runs with {@code -D}{@value #HOLD}{@code =true}: waits here
   * until a stop is requested (at most a minute), so a test can signal a process at a known stage
   * (SweepStopTest signals the report stage this way); then {@link #check}s.
   */
  public void holdForTest() {
    if (Boolean.getBoolean(HOLD)) {
      long end = System.nanoTime() + 60_000_000_000L;
      while (!requested && System.nanoTime() < end) {
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    check();
  }

  /** The system property of {@link #holdForTest}. */
  public static final String HOLD = "depthlab.test.holdReport";

  /** A stage ended early by a stop request; nothing it had not finished was written. */
  public static final class Stopped extends RuntimeException {
    Stopped() {
      super("stopped by a signal", null, false, false);
    }
  }

  /** Thrown inside a group's training to drop it whole. */
  static final class Dropped extends RuntimeException {
    Dropped() {
      super("dropped by a stop request", null, false, false);
    }
  }
}
