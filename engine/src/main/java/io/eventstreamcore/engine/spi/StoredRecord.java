package io.eventstreamcore.engine.spi;

import io.eventstreamcore.engine.record.RecordKind;
import io.eventstreamcore.engine.record.RecordView;

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
    long maxEventId) {

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
        r.maxEventId());
  }
}
