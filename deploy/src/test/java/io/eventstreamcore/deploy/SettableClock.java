package io.eventstreamcore.deploy;

import java.time.Instant;
import java.time.InstantSource;

/** A clock the test moves; read by the service's threads. */
final class SettableClock implements InstantSource {
  private volatile long millis;

  SettableClock(long millis) {
    this.millis = millis;
  }

  void set(long newMillis) {
    millis = newMillis;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis);
  }

  @Override
  public long millis() {
    return millis;
  }
}
