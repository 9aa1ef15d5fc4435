package io.eventstreamcore.engine.record;

import io.eventstreamcore.engine.event.Priority;

/**
 * Read-only view of an emitted record. Which fields are meaningful depends on {@link #kind()}:
 *
 * <ul>
 *   <li>{@code ALERT}: topic, name (rule), severity, timeMillis, eventId, value (the measured
 *       quantity, e.g. payload size).
 *   <li>{@code WINDOW}: topic, startMillis, endMillis, count, payloadBytes, minEventId, maxEventId
 *       (0 when no event had an id), minPayloadBytes, maxPayloadBytes, firstMillis and lastMillis
 *       (the earliest and latest time of its events; 0 when the handler gave none), and the
 *       handler's own aggregate: name ("" when none) and value.
 *   <li>{@code DEAD_LETTER}: topic, eventId, timeMillis (when the event was received),
 *       clientTimeMicros, priority, reason, and the payload.
 *   <li>{@code DERIVED_EVENT}: name (what the derived event is, e.g. the emitting handler's name),
 *       topic, eventId (of the event it was derived from; 0 when none), timeMillis, priority, and
 *       the payload.
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

  /** A window's smallest payload, in bytes. */
  long minPayloadBytes();

  /** A window's largest payload, in bytes. */
  long maxPayloadBytes();

  /** The earliest time of a window's events, in epoch milliseconds. */
  long firstMillis();

  /** The latest time of a window's events, in epoch milliseconds. */
  long lastMillis();

  /** A window's mean payload size in bytes: payloadBytes / count, 0 for an empty window. */
  default double meanPayloadBytes() {
    return count() == 0 ? 0 : (double) payloadBytes() / count();
  }

  /** Why the event became a dead letter; null for other kinds. */
  DeadLetterReason reason();

  /** The dead event's effective priority, or the derived event's; {@code BATCH} for other kinds. */
  Priority priority();

  /** The dead event's client timestamp in microseconds, 0 when none or for other kinds. */
  long clientTimeMicros();

  /** Length of the dead or derived event's payload; 0 for other kinds. */
  int payloadLength();

  /** Copies {@code length} payload bytes from {@code offset} into {@code target}. */
  void copyPayload(int offset, byte[] target, int targetOffset, int length);

  /** A new array holding the payload; for storage threads and readers, never the hot path. */
  default byte[] payloadCopy() {
    byte[] copy = new byte[payloadLength()];
    copyPayload(0, copy, 0, copy.length);
    return copy;
  }
}
