package io.eventstreamcore.engine.spi;

import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.record.DeadLetterReason;
import io.eventstreamcore.engine.record.RecordKind;
import io.eventstreamcore.engine.record.RecordView;
import java.util.Arrays;
import java.util.Objects;

/**
 * A processor record as read back from a backend: an immutable copy of a {@link RecordView}. Which
 * fields are meaningful depends on the kind, as {@link RecordView} describes.
 */
public record StoredRecord(
    RecordKind kind,
    String topic,
    String name,
    String severity,
    long timeMillis,
    long eventId,
    double value,
    long startMillis,
    long endMillis,
    long count,
    long payloadBytes,
    long minEventId,
    long maxEventId,
    long minPayloadBytes,
    long maxPayloadBytes,
    long firstMillis,
    long lastMillis,
    DeadLetterReason reason,
    Priority priority,
    long clientTimeMicros,
    byte[] payload) {

  private static final byte[] NO_PAYLOAD = new byte[0];

  /** A stored alert. */
  public static StoredRecord alert(
      String topic, String rule, String severity, long timeMillis, long eventId, double value) {
    return new StoredRecord(
        RecordKind.ALERT,
        topic,
        rule,
        severity,
        timeMillis,
        eventId,
        value,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        null,
        Priority.BATCH,
        0,
        NO_PAYLOAD);
  }

  /**
   * A stored window summary; its time is the window's end. Payload sizes, event times and an
   * aggregate are added with {@link #withPayloadSizes}, {@link #withEventTimes} and {@link
   * #withAggregate}.
   */
  public static StoredRecord window(
      String topic,
      long startMillis,
      long endMillis,
      long count,
      long payloadBytes,
      long minEventId,
      long maxEventId) {
    return new StoredRecord(
        RecordKind.WINDOW,
        topic,
        "",
        "",
        endMillis,
        0,
        0,
        startMillis,
        endMillis,
        count,
        payloadBytes,
        minEventId,
        maxEventId,
        0,
        0,
        0,
        0,
        null,
        Priority.BATCH,
        0,
        NO_PAYLOAD);
  }

  /** This window with its smallest and largest payload sizes. */
  public StoredRecord withPayloadSizes(long minBytes, long maxBytes) {
    return withWindowExtras(name, value, minBytes, maxBytes, firstMillis, lastMillis);
  }

  /** This window with the earliest and latest time of its events. */
  public StoredRecord withEventTimes(long first, long last) {
    return withWindowExtras(name, value, minPayloadBytes, maxPayloadBytes, first, last);
  }

  /** This window with a handler's own aggregate ({@code name} "" for none). */
  public StoredRecord withAggregate(String aggregateName, double aggregateValue) {
    return withWindowExtras(
        aggregateName, aggregateValue, minPayloadBytes, maxPayloadBytes, firstMillis, lastMillis);
  }

  /** This record with the fields a window adds to the basic summary replaced. */
  private StoredRecord withWindowExtras(
      String aggregateName,
      double aggregateValue,
      long minBytes,
      long maxBytes,
      long first,
      long last) {
    return new StoredRecord(
        kind,
        topic,
        aggregateName,
        severity,
        timeMillis,
        eventId,
        aggregateValue,
        startMillis,
        endMillis,
        count,
        payloadBytes,
        minEventId,
        maxEventId,
        minBytes,
        maxBytes,
        first,
        last,
        reason,
        priority,
        clientTimeMicros,
        payload);
  }

  /** A window's mean payload size in bytes: payloadBytes / count, 0 for an empty window. */
  public double meanPayloadBytes() {
    return count == 0 ? 0 : (double) payloadBytes / count;
  }

  /** A stored dead letter. */
  public static StoredRecord deadLetter(
      DeadLetterReason reason,
      String topic,
      long eventId,
      long clientTimeMicros,
      long receivedMillis,
      Priority priority,
      byte[] payload) {
    return new StoredRecord(
        RecordKind.DEAD_LETTER,
        topic,
        "",
        "",
        receivedMillis,
        eventId,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        reason,
        priority,
        clientTimeMicros,
        payload);
  }

  /** A stored derived event. */
  public static StoredRecord derived(
      String name, String topic, long eventId, long timeMillis, Priority priority, byte[] payload) {
    return new StoredRecord(
        RecordKind.DERIVED_EVENT,
        topic,
        name,
        "",
        timeMillis,
        eventId,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        null,
        priority,
        0,
        payload);
  }

  /** Copies a record view. */
  public static StoredRecord of(RecordView r) {
    return new StoredRecord(
        r.kind(),
        r.topic(),
        r.name(),
        r.severity(),
        r.timeMillis(),
        r.eventId(),
        r.value(),
        r.startMillis(),
        r.endMillis(),
        r.count(),
        r.payloadBytes(),
        r.minEventId(),
        r.maxEventId(),
        r.minPayloadBytes(),
        r.maxPayloadBytes(),
        r.firstMillis(),
        r.lastMillis(),
        r.reason(),
        r.priority(),
        r.clientTimeMicros(),
        r.payloadLength() == 0 ? NO_PAYLOAD : r.payloadCopy());
  }

  /** Equal when every field is, the payload compared by content. */
  @Override
  public boolean equals(Object o) {
    return o instanceof StoredRecord r
        && kind == r.kind
        && topic.equals(r.topic)
        && name.equals(r.name)
        && severity.equals(r.severity)
        && timeMillis == r.timeMillis
        && eventId == r.eventId
        && Double.compare(value, r.value) == 0
        && startMillis == r.startMillis
        && endMillis == r.endMillis
        && count == r.count
        && payloadBytes == r.payloadBytes
        && minEventId == r.minEventId
        && maxEventId == r.maxEventId
        && minPayloadBytes == r.minPayloadBytes
        && maxPayloadBytes == r.maxPayloadBytes
        && firstMillis == r.firstMillis
        && lastMillis == r.lastMillis
        && reason == r.reason
        && priority == r.priority
        && clientTimeMicros == r.clientTimeMicros
        && Arrays.equals(payload, r.payload);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, topic, name, eventId, timeMillis, reason) * 31
        + Arrays.hashCode(payload);
  }
}
