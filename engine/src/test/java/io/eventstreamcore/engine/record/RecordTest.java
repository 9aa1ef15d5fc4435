package io.eventstreamcore.engine.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventstreamcore.engine.event.EventSlot;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.spi.StoredRecord;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RecordTest {
  private static EventSlot event(String topic, long eventId, byte[] payload) {
    EventSlot slot = new EventSlot(8);
    slot.beginFrame(null, 1, false);
    slot.header(Priority.LOW, eventId, 123_456L);
    byte[] t = topic.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(t, 0, slot.topicBuffer(t.length), 0, t.length);
    System.arraycopy(payload, 0, slot.payloadBuffer(payload.length), 0, payload.length);
    slot.received(1_700_000_000_000L, 0);
    slot.classify(topic, 0, Priority.HIGH, false);
    return slot;
  }

  private static byte[] bytes(int length, int seed) {
    byte[] b = new byte[length];
    Arrays.fill(b, (byte) seed);
    return b;
  }

  @Test
  void aDeadLetterCopiesTheEventSoTheSlotCanBeReused() {
    byte[] payload = "Xpayload".getBytes(StandardCharsets.UTF_8);
    EventSlot slot = event("orders", 42, payload);
    Record record = new Record().deadLetter(DeadLetterReason.HANDLER, slot);
    byte[] other = bytes(payload.length, 1);
    System.arraycopy(other, 0, slot.payloadBuffer(other.length), 0, other.length);

    StoredRecord stored = StoredRecord.of(record);
    assertThat(stored.kind()).isEqualTo(RecordKind.DEAD_LETTER);
    assertThat(stored.reason()).isEqualTo(DeadLetterReason.HANDLER);
    assertThat(stored.topic()).isEqualTo("orders");
    assertThat(stored.eventId()).isEqualTo(42);
    assertThat(stored.priority()).as("effective, not frame priority").isEqualTo(Priority.HIGH);
    assertThat(stored.clientTimeMicros()).isEqualTo(123_456L);
    assertThat(stored.timeMillis()).isEqualTo(1_700_000_000_000L);
    assertThat(stored.payload()).isEqualTo(payload);
  }

  @Test
  void refillingAsAnAlertClearsTheDeadLetterFields() {
    Record record = new Record().deadLetter(DeadLetterReason.LATE, event("t", 1, bytes(5, 3)));
    record.alert("rule", "INFO", "t", 5, 1, 2.0);
    assertThat(record.reason()).isNull();
    assertThat(record.payloadLength()).isZero();
    assertThat(record.priority()).isEqualTo(Priority.BATCH);
  }

  @Test
  void payloadsUpToTheBoundReuseTheBufferAndLargerOnesAreCopiedWhole() {
    Record record = new Record();
    byte[] big = bytes(Record.RETAINED_PAYLOAD_BYTES + 10, 7);
    record.deadLetter(DeadLetterReason.OVERLOAD, event("t", 1, big));
    assertThat(StoredRecord.of(record).payload()).isEqualTo(big);
    byte[] small = bytes(100, 9);
    record.deadLetter(DeadLetterReason.OVERLOAD, event("t", 2, small));
    assertThat(StoredRecord.of(record).payload()).isEqualTo(small);
    byte[] atBound = bytes(Record.RETAINED_PAYLOAD_BYTES, 5);
    record.deadLetter(DeadLetterReason.OVERLOAD, event("t", 3, atBound));
    assertThat(StoredRecord.of(record).payload()).isEqualTo(atBound);
  }

  @Test
  void aDeadLetterNeedsAReasonAndReasonsRoundTripTheirLabels() {
    assertThatThrownBy(() -> new Record().deadLetter(null, event("t", 1, new byte[0])))
        .isInstanceOf(IllegalArgumentException.class);
    for (DeadLetterReason reason : DeadLetterReason.values()) {
      assertThat(DeadLetterReason.ofLabel(reason.label())).isEqualTo(reason);
    }
    assertThatThrownBy(() -> DeadLetterReason.ofLabel("nope"))
        .hasMessageContaining("unknown dead-letter reason: nope");
  }

  @Test
  void aWindowCarriesPayloadSizesEventTimesAndAHandlersAggregate() {
    Record record =
        new Record()
            .window("t", 0, 5_000, 4, 40, 1, 9)
            .payloadSizes(2, 20)
            .eventTimes(10, 4_990)
            .aggregate("sum:temperature", 81.5);

    assertThat(StoredRecord.of(record))
        .isEqualTo(
            StoredRecord.window("t", 0, 5_000, 4, 40, 1, 9)
                .withPayloadSizes(2, 20)
                .withEventTimes(10, 4_990)
                .withAggregate("sum:temperature", 81.5));
    assertThat(record.meanPayloadBytes()).isEqualTo(10.0);
  }

  @Test
  void refillingClearsTheWindowFieldsAndTheAggregate() {
    Record record = new Record().window("t", 0, 5, 1, 1, 1, 1).payloadSizes(1, 1).aggregate("n", 3);

    assertThat(StoredRecord.of(record.window("t", 0, 5, 2, 2, 0, 0)))
        .isEqualTo(StoredRecord.window("t", 0, 5, 2, 2, 0, 0));
    assertThat(StoredRecord.of(record.alert("r", "INFO", "t", 5, 1, 2.0)))
        .isEqualTo(StoredRecord.alert("t", "r", "INFO", 5, 1, 2.0));
  }

  @Test
  void windowDetailsAreOnlyForWindows() {
    Record alert = new Record().alert("r", "INFO", "t", 5, 1, 2.0);

    assertThatThrownBy(() -> alert.aggregate("n", 1)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> alert.payloadSizes(1, 2)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> new Record().window("t", 0, 5, 1, 1, 0, 0).aggregate(" ", 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
