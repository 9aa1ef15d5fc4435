package io.eventstreamcore.engine.spi;

import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.event.Route;

/**
 * An event as read back from a backend: a copy, safe to keep.
 *
 * @param topic the event's topic
 * @param priority effective priority
 * @param route processor it was routed to
 * @param eventId client idempotency key, 0 when none
 * @param clientTimeMicros client timestamp, 0 when none
 * @param receivedMillis when the service read the frame
 * @param payload the payload bytes
 */
public record StoredEvent(
    String topic,
    Priority priority,
    Route route,
    long eventId,
    long clientTimeMicros,
    long receivedMillis,
    byte[] payload) {}
