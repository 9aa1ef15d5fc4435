package io.eventstreamcore.engine.record;

/** Kinds of record a processor emits to storage besides the events themselves. */
public enum RecordKind {
  /** A realtime alert rule matched an event. */
  ALERT,
  /** The batch processor closed a tumbling window of one topic. */
  WINDOW
}
