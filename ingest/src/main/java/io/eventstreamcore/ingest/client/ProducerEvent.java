package io.eventstreamcore.ingest.client;

import io.eventstreamcore.engine.event.Priority;

/**
 * An event as an {@link EventStreamProducer} keeps it until the server acknowledges it: the
 * producer's own copy, handed back in rejection reports and in what stayed unacknowledged at close.
 *
 * @param priority the frame's priority
 * @param topic the topic
 * @param eventId the idempotency key, never 0
 * @param clientTimeMicros the client timestamp, microseconds since the Unix epoch (0 = none)
 * @param payload the producer's copy of the payload; do not modify
 */
public record ProducerEvent(
    Priority priority, String topic, long eventId, long clientTimeMicros, byte[] payload) {}
