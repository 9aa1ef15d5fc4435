package io.eventstreamcore.ingest.client;

import java.io.IOException;
import java.util.List;

/**
 * Thrown by {@link EventStreamProducer#close()} when some events were still not acknowledged when
 * the close timeout ran out: the server may or may not have stored them.
 */
public final class UnacknowledgedEventsException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient List<ProducerEvent> events;

  /** Creates the exception listing {@code events} in send order. */
  public UnacknowledgedEventsException(List<ProducerEvent> events) {
    super(events.size() + " event(s) not acknowledged at close");
    this.events = List.copyOf(events);
  }

  /** The events without an acknowledgement, in send order. */
  public List<ProducerEvent> events() {
    return events;
  }
}
