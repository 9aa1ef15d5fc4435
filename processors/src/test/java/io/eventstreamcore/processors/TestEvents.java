package io.eventstreamcore.processors;

import io.eventstreamcore.engine.event.EventSlot;
import io.eventstreamcore.engine.event.Priority;
import java.nio.charset.StandardCharsets;

/** Builds classified events for handler tests by filling an engine slot, as the ring does. */
public final class TestEvents {
  private TestEvents() {}

  /** A classified event whose frame priority is also its effective priority. */
  public static EventSlot event(
      String topic,
      int topicId,
      Priority priority,
      long eventId,
      long receivedMillis,
      byte[] payload) {
    return event(topic, topicId, priority, eventId, 0, receivedMillis, payload);
  }

  /** A classified event with a client time ({@code client_time_us} of a v2 frame; 0 for none). */
  public static EventSlot event(
      String topic,
      int topicId,
      Priority priority,
      long eventId,
      long clientTimeMicros,
      long receivedMillis,
      byte[] payload) {
    EventSlot slot = new EventSlot(16);
    slot.beginFrame(null, 1, false);
    slot.header(priority, eventId, clientTimeMicros);
    byte[] topicBytes = topic.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(topicBytes, 0, slot.topicBuffer(topicBytes.length), 0, topicBytes.length);
    System.arraycopy(payload, 0, slot.payloadBuffer(payload.length), 0, payload.length);
    slot.received(receivedMillis, 0);
    slot.classify(topic, topicId, priority, false);
    return slot;
  }

  /** A payload of {@code length} bytes starting with {@code first}. */
  public static byte[] payload(int length, int first) {
    byte[] payload = new byte[length];
    if (length > 0) {
      payload[0] = (byte) first;
    }
    return payload;
  }
}
