package io.eventstreamcore.engine.ring;

/**
 * How a processor kind retries a handler that throws on an event: up to {@code attempts} calls in
 * all, waiting {@code backoffNanos} before the first retry and twice as long before each next one,
 * capped at {@code maxBackoffNanos}. The waits happen on the kind's stage thread, which keeps the
 * order of events (per topic and overall) and bounds the time an event can hold the stage to the
 * sum of the waits plus the handler's own time.
 *
 * @param attempts calls in all, at least 1 (1: no retry)
 * @param backoffNanos wait before the first retry
 * @param maxBackoffNanos cap on any one wait
 */
public record RetryPolicy(int attempts, long backoffNanos, long maxBackoffNanos) {
  /** One call, no retry. */
  public static final RetryPolicy NONE = new RetryPolicy(1, 0, 0);

  /** Checks the bounds. */
  public RetryPolicy {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1: " + attempts);
    }
    if (backoffNanos < 0 || maxBackoffNanos < backoffNanos) {
      throw new IllegalArgumentException(
          "backoff must be 0 <= backoff <= max-backoff: " + backoffNanos + ", " + maxBackoffNanos);
    }
  }

  /** The wait before retry number {@code retry} (1 for the first retry). */
  public long backoffNanos(int retry) {
    long wait = backoffNanos;
    for (int i = 1; i < retry && wait < maxBackoffNanos; i++) {
      wait *= 2;
    }
    return Math.min(wait, maxBackoffNanos);
  }
}
