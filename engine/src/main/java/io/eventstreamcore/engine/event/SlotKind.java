package io.eventstreamcore.engine.event;

/** What a ring slot carries. */
public enum SlotKind {
  /** A decoded, valid event frame. */
  EVENT,
  /** A frame the decoder rejected; travels the ring so that its ERROR and ACK stay in order. */
  REJECTED,
  /** A clock tick from the ticker: lets time-driven work (window close, ACK retry) progress. */
  TICK,
  /** Published once at stop: processors flush open state before the ring drains. */
  FLUSH,
  /** Claimed but never filled (the publisher failed midway); every stage passes over it. */
  SKIPPED
}
