package io.eventstreamcore.engine.spi;

/**
 * Receives the id and received time of stored events, oldest first, from {@link
 * ReadableBackend#replayEventIds}: what rebuilds the dedup window at start.
 */
@FunctionalInterface
public interface EventIdSink {
  /** One stored event with a non-zero id, received at {@code receivedMillis}. */
  void accept(long eventId, long receivedMillis);
}
