package io.eventstreamcore.deploy.load;

import io.eventstreamcore.engine.config.DurationText;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * What a load run measured.
 *
 * @param sent frames sent
 * @param acked frames covered by ACKs (v2), rejected ones included
 * @param rejected frames rejected with an ERROR (v2): covered by ACKs, but not events taken in
 * @param unsent at a fixed rate, frames due within the run never sent: the server was too far
 *     behind when the sender gave up (their latency counts to that moment)
 * @param elapsedNanos from the first send to the last ACK (v2) or the end of sending (v1)
 * @param latency send to ACK, in nanoseconds, from the intended send time at a fixed rate; null in
 *     v1 mode
 * @param fromWrite at a fixed rate in v2, the same from the socket write; else null
 * @param failures connections that failed
 */
public record LoadResult(
    long sent,
    long repeated,
    long acked,
    long rejected,
    long unsent,
    long elapsedNanos,
    Histogram latency,
    Histogram fromWrite,
    int failures) {

  /** Events per second: acknowledged and not rejected in v2, sent in v1. */
  public double eventsPerSecond() {
    long events = latency != null ? acked - rejected : sent;
    return events / (elapsedNanos / 1e9);
  }

  /**
   * Whether the server took every event: none left unsent, no connection failed, and in v2 each
   * sent was acked and none rejected.
   */
  public boolean allTaken(LoadSettings settings) {
    return failures == 0 && unsent == 0 && (!settings.v2() || (acked == sent && rejected == 0));
  }

  /** Latency at a percentile, in microseconds; NaN without latency. */
  public double micros(double percentile) {
    return latency == null ? Double.NaN : latency.getValueAtPercentile(percentile) / 1e3;
  }

  /** The multi-line human summary. */
  public String summary(LoadSettings settings) {
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "summary: %d connection(s), %s, %s, payload %d B, latency after %s warm-up%n",
            settings.connections(),
            settings.ratePerSecond() == 0 ? "max rate" : settings.ratePerSecond() + " events/s",
            settings.v2() ? "v2, ACK every " + settings.ackEvery() : "v1, no acks",
            settings.payloadBytes(),
            DurationText.of(settings.warmup())));
    s.append(
        String.format(
            Locale.ROOT,
            "  sent %,d  acked %,d  rejected %,d  failed connections %d  in %.2f s  => %,.0f events/s%n",
            sent,
            acked,
            rejected,
            failures,
            elapsedNanos / 1e9,
            eventsPerSecond()));
    if (repeated > 0) {
      s.append(
          String.format(
              Locale.ROOT,
              "  repeated event ids: %,d of the frames sent (%.1f%%), duplicates to the server%n",
              repeated,
              100.0 * repeated / sent));
    }
    if (unsent > 0) {
      s.append(
          String.format(
              Locale.ROOT,
              "  not sent: %,d events due within the run (the server fell too far behind)%n",
              unsent));
    }
    if (latency != null) {
      s.append("  latency send->ACK: ").append(percentiles(latency));
    }
    if (fromWrite != null) {
      s.append(System.lineSeparator())
          .append("  from the socket write (without the generator's own lateness): ")
          .append(percentiles(fromWrite));
    }
    return s.toString();
  }

  private static String percentiles(Histogram h) {
    return String.format(
        Locale.ROOT,
        "p50 %s  p90 %s  p99 %s  p99.9 %s  max %s",
        micros(h.getValueAtPercentile(50)),
        micros(h.getValueAtPercentile(90)),
        micros(h.getValueAtPercentile(99)),
        micros(h.getValueAtPercentile(99.9)),
        micros(h.getMaxValue()));
  }

  /** Formats nanoseconds as microseconds. */
  static String micros(long nanos) {
    return String.format(Locale.ROOT, "%,.0f us", nanos / 1e3);
  }
}
