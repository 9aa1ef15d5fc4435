package io.eventstreamcore.engine.record;

/**
 * Read-only view of an emitted record. Which fields are meaningful depends on {@link #kind()}:
 *
 * <ul>
 *   <li>{@code ALERT}: topic, name (rule), severity, timeMillis, eventId, value (the measured
 *       quantity, e.g. payload size).
 *   <li>{@code WINDOW}: topic, startMillis, endMillis, count, payloadBytes, minEventId, maxEventId.
 * </ul>
 *
 * <p>Valid only during the call it is passed to; the record is reused afterwards.
 */
public interface RecordView {
  RecordKind kind();

  String topic();

  String name();

  String severity();

  long timeMillis();

  long eventId();

  double value();

  long startMillis();

  long endMillis();

  long count();

  long payloadBytes();

  long minEventId();

  long maxEventId();
}
