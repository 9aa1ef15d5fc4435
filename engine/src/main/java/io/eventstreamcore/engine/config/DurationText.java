package io.eventstreamcore.engine.config;

import java.time.Duration;

/**
 * Durations as configuration writes them ({@code 100ms}, {@code 5s}, {@code 1h}), for what the
 * service and its commands print, instead of {@link Duration#toString()}'s {@code PT0.1S}.
 */
public final class DurationText {
  private static final long[] UNIT_NANOS = {
    3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L, 1_000L, 1L
  };
  private static final String[] UNIT_NAMES = {"h", "m", "s", "ms", "us", "ns"};

  private DurationText() {}

  /** {@code duration} in the largest unit that holds it whole, e.g. 1500ms, 2m; 0 is 0s. */
  public static String of(Duration duration) {
    if (duration.isZero()) {
      return "0s";
    }
    long nanos;
    try {
      nanos = duration.toNanos();
    } catch (ArithmeticException beyondNanos) {
      return duration.toSeconds() + "s";
    }
    for (int u = 0; u < UNIT_NANOS.length; u++) {
      if (nanos % UNIT_NANOS[u] == 0) {
        return nanos / UNIT_NANOS[u] + UNIT_NAMES[u];
      }
    }
    throw new AssertionError("every duration is whole nanoseconds");
  }
}
