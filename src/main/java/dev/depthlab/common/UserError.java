package dev.depthlab.common;

/**
 * An error the user can cause and fix (bad config, bad option, missing file): the CLI prints its
 * one-line message and exits with {@link #exitCode()}, without a stack trace.
 */
public class UserError extends RuntimeException {
  /** Exit code for bad usage or a bad config. */
  public static final int USAGE = 2;

  /** Exit code for a failure while running (e.g. a requested backend is unusable). */
  public static final int FAILURE = 1;

  private final int exitCode;

  public UserError(String message) {
    this(message, USAGE);
  }

  public UserError(String message, int exitCode) {
    super(message);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
