package io.eventstreamcore.engine.config;

import com.typesafe.config.Config;
import io.eventstreamcore.engine.event.Route;
import io.eventstreamcore.engine.ring.OverloadPolicy;
import io.eventstreamcore.engine.ring.RetryPolicy;
import java.time.Duration;

/**
 * The engine's per-kind settings, read from {@code eventstream.processors.<kind>.retry} and {@code
 * .overload}: how the kind's stage retries a failing handler and what it does when it falls behind.
 *
 * @param retry retries of a handler that throws on an event
 * @param overload what happens to the kind's events while its processor is behind
 */
public record RouteSettings(RetryPolicy retry, OverloadPolicy overload) {
  /**
   * Reads and checks the settings of {@code route} for a ring of {@code ringSize} slots, naming the
   * bad key and value.
   */
  static RouteSettings read(Config root, Route route, int ringSize) {
    String path = "eventstream.processors." + route.label();
    Config kind = root.getConfig(path);
    int attempts = kind.getInt("retry.attempts");
    if (attempts < 1) {
      throw EngineSettings.bad(path + ".retry.attempts", attempts, "must be at least 1");
    }
    Duration backoff = kind.getDuration("retry.backoff");
    if (backoff.isNegative()) {
      throw EngineSettings.bad(path + ".retry.backoff", backoff, "must not be negative");
    }
    Duration maxBackoff = kind.getDuration("retry.max-backoff");
    if (maxBackoff.compareTo(backoff) < 0) {
      throw EngineSettings.bad(
          path + ".retry.max-backoff",
          maxBackoff,
          "must be at least retry.backoff (" + backoff + ")");
    }
    long maxBacklog = kind.getLong("overload.max-backlog");
    if (maxBacklog < 1) {
      throw EngineSettings.bad(path + ".overload.max-backlog", maxBacklog, "must be at least 1");
    }
    String policy = kind.getString("overload.policy");
    OverloadPolicy overload;
    try {
      overload = OverloadPolicy.of(policy, maxBacklog);
    } catch (IllegalArgumentException e) {
      throw EngineSettings.bad(
          path + ".overload.policy",
          policy,
          "is not one of backpressure, drop-oldest, drop-newest");
    }
    if (!policy.equals("backpressure")) {
      EngineSettings.checkBacklogBound(path + ".overload.max-backlog", maxBacklog, ringSize);
    }
    return new RouteSettings(
        new RetryPolicy(attempts, backoff.toNanos(), maxBackoff.toNanos()), overload);
  }

  @Override
  public String toString() {
    return "retry.attempts="
        + retry.attempts()
        + " retry.backoff="
        + DurationText.of(Duration.ofNanos(retry.backoffNanos()))
        + " retry.max-backoff="
        + DurationText.of(Duration.ofNanos(retry.maxBackoffNanos()))
        + " overload.policy="
        + overload.configName();
  }
}
