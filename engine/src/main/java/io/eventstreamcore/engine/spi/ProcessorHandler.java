package io.eventstreamcore.engine.spi;

import io.eventstreamcore.engine.event.EventView;
import io.eventstreamcore.engine.event.Route;

/**
 * Business logic of one processor kind. The engine calls a handler from one thread only (its
 * stage's), for every non-duplicate event routed to it, in ring order.
 *
 * <p>Hot path: {@link #onEvent} must not allocate, block or log per event.
 */
public interface ProcessorHandler {
  /** The route whose events this handler takes. */
  Route route();

  /** Handles one event; emits records to {@code sink}. */
  void onEvent(EventView event, RecordSink sink);

  /** Periodic tick with the engine clock, even without traffic (e.g. to close windows). */
  default void onTick(long nowMillis, RecordSink sink) {}

  /**
   * Flushes open state at stop (e.g. open windows), before the ring drains. Called as many times as
   * it takes for a handler with one open state per topic to emit it all within {@link
   * RecordSink#remainingForEvent()} per call; a call with nothing left to flush does nothing.
   */
  default void onFlush(long nowMillis, RecordSink sink) {}
}
