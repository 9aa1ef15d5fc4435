package io.eventstreamcore.engine.spi;

import io.eventstreamcore.engine.record.Record;

/**
 * Where a processor handler emits records for storage. Records emitted while handling an event are
 * stored in ring order, right after that event, by every storage backend.
 */
public interface RecordSink {
  /**
   * Claims the next record to fill; fill it with one of its {@code alert}/{@code window}/{@code
   * deadLetter}/{@code derived} methods (a window then optionally with {@code payloadSizes}, {@code
   * eventTimes} and {@code aggregate}; a derived event with its payload, through {@code
   * payloadBuffer} or {@code payload}) and nothing else. Waits (backpressure) while storage has not
   * yet taken earlier records.
   *
   * @throws IllegalStateException when {@link #remainingForEvent()} is 0
   */
  Record emit();

  /**
   * How many more records may be emitted while handling the current event or tick. The bound keeps
   * one event from overrunning the queue to storage; work beyond it waits for the next tick. It
   * leaves out one record, which the engine keeps for the event's dead letter should its handlers
   * give up.
   */
  int remainingForEvent();
}
