package io.eventstreamcore.deploy.load;

import io.eventstreamcore.engine.config.DurationText;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * One load run: where, how many connections, what rate, what traffic.
 *
 * @param address server to load
 * @param connections concurrent TCP connections
 * @param ratePerSecond total events per second over all connections; 0 = as fast as possible
 * @param duration how long to send
 * @param payloadBytes payload size of every event
 * @param topics number of distinct topics (round robin)
 * @param duplicateRatio fraction of events that resend an earlier event_id, 0..1
 * @param v2 send v2 frames with event ids and ACK requests; false = v1, no acks
 * @param ackEvery ask for an ACK on every Kth frame (v2); ACKs are cumulative
 * @param maxInFlight bound on unacknowledged frames per connection (v2)
 * @param warmup first part of the run whose latencies are not recorded (JIT warm-up)
 * @param timerSlackNanos fixed-rate senders' Linux timer slack; 0 keeps the kernel's (see {@link
 *     TimerSlack})
 */
public record LoadSettings(
    InetSocketAddress address,
    int connections,
    long ratePerSecond,
    Duration duration,
    int payloadBytes,
    int topics,
    double duplicateRatio,
    boolean v2,
    int ackEvery,
    int maxInFlight,
    Duration warmup,
    long timerSlackNanos) {

  /** Checks the values; throws naming the bad one. */
  public LoadSettings {
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(
          "--duration must be positive, was " + DurationText.of(duration));
    }
    if (warmup.isNegative() || warmup.compareTo(duration) >= 0) {
      throw new IllegalArgumentException(
          "--warmup must be at least 0 and less than --duration ("
              + DurationText.of(duration)
              + "), was "
              + DurationText.of(warmup));
    }
    if (connections < 1) {
      throw new IllegalArgumentException("connections must be at least 1: " + connections);
    }
    if (ratePerSecond < 0) {
      throw new IllegalArgumentException("rate must not be negative: " + ratePerSecond);
    }
    if (payloadBytes < 0 || topics < 1 || ackEvery < 1 || maxInFlight < 1) {
      throw new IllegalArgumentException("payload >= 0, topics, ack-every, max-in-flight >= 1");
    }
    if (ackEvery > maxInFlight) {
      // The window would fill before the first frame that asks for an ACK: the sender would wait
      // for an ACK that never comes.
      throw new IllegalArgumentException(
          "ack-every (" + ackEvery + ") must not exceed max-in-flight (" + maxInFlight + ")");
    }
    if (timerSlackNanos < 0) {
      throw new IllegalArgumentException("timer slack must not be negative: " + timerSlackNanos);
    }
    if (duplicateRatio < 0 || duplicateRatio > 1) {
      throw new IllegalArgumentException("duplicate ratio must be within 0..1: " + duplicateRatio);
    }
  }
}
