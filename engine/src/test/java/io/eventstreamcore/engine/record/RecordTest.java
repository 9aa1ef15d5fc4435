package io.eventstreamcore.engine.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventstreamcore.engine.event.EventLimits;
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
  void aDeadLetterOfATopicBeyondTheBoundKeepsTheTopicTheClientSent() {
    EventSlot slot = event("device/9", 7, bytes(3, 1));
    slot.classify("_overflow", 2, Priority.HIGH, false); // as the processors see it
    slot.topicShared();

    assertThat(new Record().deadLetter(DeadLetterReason.LATE, slot).topic()).isEqualTo("device/9");
  }

  @Test
  void anAlertOrWindowWithANullStringIsRefusedBeforeStorageCouldWriteWhatItCannotRead() {
    Record record = new Record();
    assertThatThrownBy(() -> record.alert("rule", null, "t", 1, 2, 3.0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> record.alert(null, "INFO", "t", 1, 2, 3.0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> record.window(null, 0, 1, 1, 1, 1, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void namesNoBackendCouldStoreAreRefused() {
    Record record = new Record();
    String tooLong = "n".repeat(Record.MAX_NAME_CHARS + 1);
    assertThatThrownBy(() -> record.alert("a\u0000b", "INFO", "t", 1, 2, 3.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("U+0000");
    assertThatThrownBy(() -> record.alert("rule", tooLong, "t", 1, 2, 3.0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> record.derived(tooLong, "t", 1, 2, Priority.LOW))
        .isInstanceOf(IllegalArgumentException.class);
    Record window = new Record().window("t", 0, 1, 1, 1, 1, 1);
    assertThatThrownBy(() -> window.aggregate("sum\u0000", 1.0))
        .isInstanceOf(IllegalArgumentException.class);
    // At the bound, fine.
    record.alert("n".repeat(Record.MAX_NAME_CHARS), "INFO", "t", 1, 2, 3.0);
  }

  @Test
  void topicsAndDerivedPayloadsTheStorageCannotHoldAreRefused() {
    // As PostgreSQL and Kafka together: topics up to 2,048 bytes without U+0000, payloads up to
    // 100.
    Record record = new Record(new EventLimits(2048, false, 100));
    String longest = "\u00e9".repeat(1024); // two bytes each in UTF-8
    String tooLong = longest + "x";
    assertThatThrownBy(() -> record.alert("rule", "INFO", tooLong, 1, 2, 3.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("an alert's topic of 2049 bytes; storage holds topics up to 2048");
    assertThatThrownBy(() -> record.window(tooLong, 0, 1, 1, 1, 1, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> record.derived("d", tooLong, 1, 2, Priority.LOW))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> record.derived("d", "t\u0000", 1, 2, Priority.LOW))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("U+0000");
    // A surrogate pair is four bytes: 512 of them fill 2,048.
    record.alert("rule", "INFO", "\ud83d\ude00".repeat(512), 1, 2, 3.0);
    record.window(longest, 0, 1, 1, 1, 1, 1);
    record.derived("d", longest, 1, 2, Priority.LOW).payload(bytes(100, 1), 0, 100);
    assertThatThrownBy(() -> record.payloadBuffer(101))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("derived payload of 101 bytes; at most 100 are stored");

    // Storage that holds what the protocol allows: U+0000 and long topics are fine.
    new Record().derived("d", "t\u0000" + "x".repeat(60_000), 1, 2, Priority.LOW);
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
        .isEqualTo(
            StoredRecord.alert(
                "t", "r", "INFO", 5, 1,
                2.0)); // An alert's event id does not stay with the window that reuses its record.
    assertThat(StoredRecord.of(record.window("t", 0, 5, 2, 2, 0, 0)))
        .isEqualTo(StoredRecord.window("t", 0, 5, 2, 2, 0, 0));
  }

  @Test
  void windowDetailsAreOnlyForWindows() {
    Record alert = new Record().alert("r", "INFO", "t", 5, 1, 2.0);

    assertThatThrownBy(() -> alert.aggregate("n", 1)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> alert.payloadSizes(1, 2)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> new Record().window("t", 0, 5, 1, 1, 0, 0).aggregate(" ", 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aDerivedEventCarriesItsNameSourceAndAPayloadWrittenIntoTheRecordsBuffer() {
    byte[] text = "37.5C".getBytes(StandardCharsets.UTF_8);
    Record record = new Record().derived("celsius", "sensor/boiler", 7, 1_000, Priority.HIGH);
    byte[] buffer = record.payloadBuffer(text.length);
    System.arraycopy(text, 0, buffer, 0, text.length);

    assertThat(StoredRecord.of(record))
        .isEqualTo(StoredRecord.derived("celsius", "sensor/boiler", 7, 1_000, Priority.HIGH, text));
    assertThat(record.reason()).isNull();
  }

  @Test
  void aDerivedEventOfAnEventTakesItsSourceAndCopiesASliceOfItsPayload() {
    EventSlot slot = event("orders", 42, "id=9;total=12".getBytes(StandardCharsets.UTF_8));
    Record record = new Record().derived("totals", slot).payload(slot, 5, 8);
    System.arraycopy(bytes(13, 1), 0, slot.payloadBuffer(13), 0, 13); // the slot is reused

    assertThat(StoredRecord.of(record))
        .isEqualTo(
            StoredRecord.derived(
                "totals",
                "orders",
                42,
                1_700_000_000_000L,
                Priority.HIGH,
                "total=12".getBytes(StandardCharsets.UTF_8)));
    assertThatThrownBy(() -> record.payload(slot, 10, 4))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void derivedPayloadsReuseTheBufferUpToTheBoundAndAreBoundedInSize() {
    Record record = new Record().derived("n", "t", 0, 1, Priority.LOW);
    byte[] first = record.payloadBuffer(1_000);
    record.derived("n", "t", 0, 2, Priority.LOW).payload(bytes(600, 2), 0, 600);
    assertThat(record.payloadBuffer(1_000)).as("no allocation once grown").isSameAs(first);

    byte[] big = bytes(Record.RETAINED_PAYLOAD_BYTES + 1, 4);
    record.derived("n", "t", 0, 3, Priority.LOW).payload(big, 0, big.length);
    assertThat(StoredRecord.of(record).payload()).isEqualTo(big);
    record.derived("n", "t", 0, 4, Priority.LOW);
    assertThat(record.payloadLength()).isZero();
    assertThat(record.payloadBuffer(10)).as("the large array is dropped").isSameAs(first);

    assertThatThrownBy(() -> record.payloadBuffer(Record.MAX_DERIVED_PAYLOAD_BYTES + 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most " + Record.MAX_DERIVED_PAYLOAD_BYTES);
    assertThatThrownBy(() -> record.payloadBuffer(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aDerivedEventNeedsANameAndPayloadsAreOnlyForDerivedEvents() {
    assertThatThrownBy(() -> new Record().derived(" ", "t", 0, 1, Priority.LOW))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Record().derived("n", "t", 0, 1, null))
        .isInstanceOf(IllegalArgumentException.class);
    Record alert = new Record().alert("r", "INFO", "t", 5, 1, 2.0);
    assertThatThrownBy(() -> alert.payloadBuffer(1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("DERIVED_EVENT");

    Record record = new Record().derived("n", "t", 0, 1, Priority.LOW).payload(bytes(3, 1), 0, 3);
    assertThat(StoredRecord.of(record.alert("r", "INFO", "t", 5, 1, 2.0)))
        .as("refilling clears the derived fields")
        .isEqualTo(StoredRecord.alert("t", "r", "INFO", 5, 1, 2.0));
  }
}
