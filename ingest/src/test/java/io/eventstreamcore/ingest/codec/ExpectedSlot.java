package io.eventstreamcore.ingest.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventstreamcore.engine.event.ErrorCode;
import io.eventstreamcore.engine.event.EventSlot;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.event.SlotKind;
import java.nio.charset.StandardCharsets;

/**
 * What one frame must become in the ring: a decoded event with its fields, or a rejection with its
 * code. Frame number and ack state depend on the frames before it and are checked by the caller.
 */
record ExpectedSlot(
    ErrorCode error,
    Priority priority,
    byte[] topic,
    byte[] payload,
    long eventId,
    long clientTimeMicros) {

  static ExpectedSlot event(
      Priority priority, byte[] topic, byte[] payload, long eventId, long clientTimeMicros) {
    return new ExpectedSlot(null, priority, topic, payload, eventId, clientTimeMicros);
  }

  static ExpectedSlot event(Priority priority, String topic, String payload) {
    return event(
        priority,
        topic.getBytes(StandardCharsets.UTF_8),
        payload.getBytes(StandardCharsets.UTF_8),
        0,
        0);
  }

  static ExpectedSlot rejected(ErrorCode code) {
    return new ExpectedSlot(code, null, null, null, 0, 0);
  }

  /** Checks {@code slot}, described as {@code what} in failure messages. */
  void check(EventSlot slot, String what) {
    if (error != null) {
      assertThat(slot.kind()).as("%s kind", what).isEqualTo(SlotKind.REJECTED);
      assertThat(slot.error()).as("%s error", what).isEqualTo(error);
      assertThat(slot.closeAfter()).as("%s closeAfter", what).isFalse();
      return;
    }
    assertThat(slot.kind()).as("%s kind", what).isEqualTo(SlotKind.EVENT);
    assertThat(slot.error()).as("%s error", what).isNull();
    assertThat(slot.closeAfter()).as("%s closeAfter", what).isFalse();
    assertThat(slot.framePriority()).as("%s priority", what).isEqualTo(priority);
    assertThat(DecoderFixture.topicOf(slot)).as("%s topic", what).isEqualTo(topic);
    assertThat(DecoderFixture.payloadOf(slot)).as("%s payload", what).isEqualTo(payload);
    assertThat(slot.eventId()).as("%s event_id", what).isEqualTo(eventId);
    assertThat(slot.clientTimeMicros()).as("%s client_time_us", what).isEqualTo(clientTimeMicros);
  }
}
