package io.eventstreamcore.deploy.cli;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
// CHECKSTYLE:OFF IllegalImport: sun.misc.Signal is the only way to handle Ctrl-C and carry on.
import sun.misc.Signal;
import sun.misc.SignalHandler;

// CHECKSTYLE:ON

/**
 * Ctrl-C (SIGINT) or SIGTERM for a command that should end with its summary rather than die without
 * one: the first asks it to stop ({@link #requested()}, and {@link #tryUntil} gives up); a second
 * ends the process at once, with status 130. No thread is interrupted: that would close the file
 * channel a command is reading. A signal the process started with ignored (a shell does that to INT
 * for a background job) stays ignored. Closing restores the handling there was.
 */
final class StopOnSignal implements AutoCloseable {
  private static final long SLICE_NANOS = 100_000_000;

  private final AtomicBoolean requested = new AtomicBoolean();
  // The handling each signal had before, to put back.
  private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();

  private StopOnSignal() {}

  /** A wait that may end early: true when it got what it waited for within {@code wait}. */
  @FunctionalInterface
  interface Attempt {
    boolean tryFor(Duration wait) throws InterruptedException;
  }

  /** Handles INT and TERM until closed. */
  static StopOnSignal install() {
    StopOnSignal stop = new StopOnSignal();
    for (String name : List.of("INT", "TERM")) {
      Signal signal = new Signal(name);
      SignalHandler before =
          Signal.handle(
              signal,
              s -> {
                if (stop.requested.getAndSet(true)) {
                  System.exit(130); // asked twice: the user does not want to wait
                }
              });
      if (before == SignalHandler.SIG_IGN) {
        Signal.handle(signal, before);
      } else {
        stop.previous.put(signal, before);
      }
    }
    return stop;
  }

  /** Whether a signal asked the command to stop. */
  boolean requested() {
    return requested.get();
  }

  /**
   * Repeats {@code attempt} in waits of at most a tenth of a second until it succeeds, {@code
   * timeout} has passed or a stop is requested; true when it succeeded.
   */
  boolean tryUntil(Duration timeout, Attempt attempt) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      if (attempt.tryFor(Duration.ofNanos(Math.max(0, Math.min(left, SLICE_NANOS))))) {
        return true;
      }
      if (requested() || left <= SLICE_NANOS) {
        return false;
      }
    }
  }

  @Override
  public void close() {
    previous.forEach(Signal::handle);
  }
}
