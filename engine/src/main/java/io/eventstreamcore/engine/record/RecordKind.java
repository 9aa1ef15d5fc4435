package io.eventstreamcore.engine.record;

/** Kinds of record a processor emits to storage besides the events themselves. */
public enum RecordKind {
  /** A condition matched an event: a built-in alert rule, or any handler's own alert. */
  ALERT,
  /**
   * A per-topic summary over an interval (count, payload bytes, event_id range): a window of the
   * built-in batch handler, or any handler's own aggregate.
   */
  WINDOW,
  /**
   * An event the engine did not process normally (a handler gave up, it was late, an overload
   * policy shed it), kept with its reason and payload so that it can be inspected and replayed.
   */
  DEAD_LETTER,
  /**
   * A new event a handler computed from what it saw (a normalised reading, an enriched order), with
   * a name, topic, source event id, time, priority and payload of its own. It is stored beside the
   * events, like the other records; it does not re-enter the ring, so it is not deduplicated,
   * routed, handled or acknowledged.
   */
  DERIVED_EVENT
}
