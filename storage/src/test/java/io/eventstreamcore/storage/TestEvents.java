package io.eventstreamcore.storage;

import io.eventstreamcore.engine.event.EventSlot;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.spi.StoredEvent;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Events for backend tests: an engine slot filled and classified as the ring does, and a comparable
 * form of what a backend reads back (a {@link StoredEvent}'s payload array compares by identity).
 */
public final class TestEvents {
  private TestEvents() {}

  /** What an event is, in a form with value equality. */
  public record Expected(
      String topic,
      Priority priority,
      long eventId,
      long clientTimeMicros,
      long receivedMillis,
      String payloadHex) {

    /** The comparable form of a stored event. */
    public static Expected of(StoredEvent e) {
      return new Expected(
          e.topic(),
          e.priority(),
          e.eventId(),
          e.clientTimeMicros(),
          e.receivedMillis(),
          HexFormat.of().formatHex(e.payload()));
    }

    /** An engine slot holding this event. */
    public EventSlot slot() {
      return TestEvents.slot(this);
    }
  }

  /** An event with the given fields; the payload is {@code payload}. */
  public static Expected event(
      String topic, Priority priority, long eventId, long receivedMillis, byte[] payload) {
    return new Expected(
        topic, priority, eventId, eventId * 3, receivedMillis, HexFormat.of().formatHex(payload));
  }

  /** {@code length} bytes counting up from {@code seed}. */
  public static byte[] payload(int length, int seed) {
    byte[] payload = new byte[length];
    for (int i = 0; i < length; i++) {
      payload[i] = (byte) (seed + i);
    }
    return payload;
  }

  private static EventSlot slot(Expected e) {
    EventSlot slot = new EventSlot(8);
    slot.beginFrame(null, 1, false);
    // The frame priority differs from the effective one: backends must store the effective one.
    slot.header(Priority.BATCH, e.eventId(), e.clientTimeMicros());
    byte[] topic = e.topic().getBytes(StandardCharsets.UTF_8);
    System.arraycopy(topic, 0, slot.topicBuffer(topic.length), 0, topic.length);
    byte[] payload = HexFormat.of().parseHex(e.payloadHex());
    System.arraycopy(payload, 0, slot.payloadBuffer(payload.length), 0, payload.length);
    slot.received(e.receivedMillis(), 0);
    slot.classify(e.topic(), 0, e.priority(), false);
    return slot;
  }
}
