package io.eventstreamcore.engine.spi;

/**
 * What to read back from a {@link ReadableBackend}: events matching every set criterion, oldest
 * first, at most {@code limit} of them.
 *
 * @param topic exact topic, or null for any
 * @param fromMillis received time, inclusive (milliseconds since the epoch)
 * @param toMillis received time, exclusive
 * @param eventId the event with this client id, or 0 for any
 * @param limit how many events at most
 */
public record EventQuery(String topic, long fromMillis, long toMillis, long eventId, int limit) {
  private static final EventQuery ALL = new EventQuery(null, Long.MIN_VALUE, Long.MAX_VALUE, 0, -1);

  /** Checks the bounds. */
  public EventQuery {
    if (limit < 0) {
      limit = Integer.MAX_VALUE;
    }
    if (fromMillis > toMillis) {
      throw new IllegalArgumentException("fromMillis " + fromMillis + " > toMillis " + toMillis);
    }
  }

  /** Every event held. */
  public static EventQuery all() {
    return ALL;
  }

  /** This query, restricted to one topic. */
  public EventQuery topic(String exactTopic) {
    return new EventQuery(exactTopic, fromMillis, toMillis, eventId, limit);
  }

  /** This query, restricted to events received in {@code [from, to)}. */
  public EventQuery between(long from, long to) {
    return new EventQuery(topic, from, to, eventId, limit);
  }

  /** This query, restricted to the event with this client id. */
  public EventQuery eventId(long id) {
    return new EventQuery(topic, fromMillis, toMillis, id, limit);
  }

  /** This query, returning at most {@code max} events. */
  public EventQuery limit(int max) {
    return new EventQuery(topic, fromMillis, toMillis, eventId, max);
  }

  /** True when {@code event} matches every criterion (the limit aside). */
  public boolean matches(StoredEvent event) {
    return (topic == null || topic.equals(event.topic()))
        && event.receivedMillis() >= fromMillis
        && event.receivedMillis() < toMillis
        && (eventId == 0 || eventId == event.eventId());
  }
}
