package dev.depthlab.runner;

import dev.depthlab.sweep.Stop;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C (SIGINT) and SIGTERM during a sweep: the first asks the sweep to stop ({@link Stop}), the
 * second ends the process at once (exit 128 + the signal's number, like a shell). {@code
 * sun.misc.Signal} (module jdk.unsupported, on every JDK 17 without flags) replaces the JVM's own
 * handlers only while the sweep trains; {@link #close} puts them back.
 */
public final class StopOnSignal implements AutoCloseable {
  private static final List<String> SIGNALS = List.of("INT", "TERM");

  private final Stop stop;
  private final AtomicInteger received = new AtomicInteger();
  private final List<Signal> signals = new ArrayList<>();
  private final List<SignalHandler> previous = new ArrayList<>();
  private volatile int exitCode;

  private StopOnSignal(Stop stop) {
    this.stop = stop;
    for (String name : SIGNALS) {
      Signal s = new Signal(name);
      SignalHandler handler =
          sig -> {
            int code = 128 + sig.getNumber();
            if (received.incrementAndGet() == 1) {
              exitCode = code;
              stop.request();
            } else {
              // the process's own stderr: a signal is the process's, whoever called the sweep
              System.err.println("depthlab: stopped at once; rerun the same command to resume");
              System.err.flush();
              Runtime.getRuntime().halt(code);
            }
          };
      try {
        previous.add(Signal.handle(s, handler));
        signals.add(s);
      } catch (IllegalArgumentException e) {
        // the platform has no such signal, or the JVM reserves it (e.g. with -Xrs): keep its own
      }
    }
  }

  /** Installs the handlers for {@code stop}; one line on stderr at a second signal. */
  public static StopOnSignal install(Stop stop) {
    return new StopOnSignal(stop);
  }

  /**
   * Runs a stage that writes reports or figures ({@code work}, which checks the {@link Stop} it is
   * given) with the signal handlers installed: a signal during it ends it at its next step and
   * becomes {@code stoppedLine} with exit 130 (SIGINT) or 143 (SIGTERM), as a stopped training
   * stage does; a second signal ends the process at once.
   */
  public static <T> T stage(String stoppedLine, java.util.function.Function<Stop, T> work) {
    Stop stop = new Stop(Stop.DEFAULT_GRACE_SECONDS);
    try (StopOnSignal signals = install(stop)) {
      T result;
      try {
        result = work.apply(stop);
      } catch (Stop.Stopped e) {
        throw new dev.depthlab.common.UserError(stoppedLine, signals.exitCode());
      }
      if (signals.stopped()) {
        // the signal came after the last step: the stage is whole, but the process was told to end
        throw new dev.depthlab.common.UserError(stoppedLine, signals.exitCode());
      }
      return result;
    }
  }

  /** Whether a signal asked the sweep to stop. */
  public boolean stopped() {
    return stop.requested();
  }

  /** The exit code for the first signal received (130 for SIGINT, 143 for SIGTERM). */
  public int exitCode() {
    return exitCode;
  }

  @Override
  public void close() {
    for (int i = 0; i < signals.size(); i++) {
      Signal.handle(signals.get(i), previous.get(i));
    }
  }
}
