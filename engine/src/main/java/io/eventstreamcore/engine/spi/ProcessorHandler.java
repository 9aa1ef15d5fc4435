package io.eventstreamcore.engine.spi;

import io.eventstreamcore.engine.event.EventView;

/**
 * Business logic of one processor kind (realtime, transactional or batch), named in {@code
 * eventstream.processors.<kind>.handlers}. The kind a handler runs under is chosen by
 * configuration, not by the handler: the same class may serve several kinds.
 *
 * <p>Threading: {@link #start} is called on the starting thread before the ring starts; {@link
 * #onEvent}, {@link #onTick} and {@link #onFlush} only on the kind's stage thread, in ring order;
 * {@link #stop} on the stopping thread once the ring has drained and the stage thread has ended.
 * Thread start and join order these calls, so plain fields need no synchronisation. Several
 * handlers of one kind share its stage thread and are called in configuration order.
 *
 * <p>Hot path contract: {@link #onEvent} must not allocate, block, lock or log per event. The
 * {@link EventView} is only valid during the call (its slot is reused when the ring wraps): read
 * what is needed, copy nothing that must outlive it except into state preallocated in {@link
 * #start} (e.g. arrays indexed by {@link EventView#topicId()}, bounded by {@link
 * HandlerContext#maxTopicIds()}). Records are emitted by filling a preallocated {@link
 * io.eventstreamcore.engine.record.Record} claimed from the {@link RecordSink}.
 *
 * <p>Errors: an exception thrown from {@code onEvent}, {@code onTick} or {@code onFlush} is counted
 * ({@code eventstream_processor_handler_errors_total{route,handler}}), logged once per handler and
 * exception type, and the next handler and the next event go on. The records an {@code onEvent}
 * call emitted before it threw are discarded, and the call is repeated as the kind's {@code retry}
 * configuration says; when every attempt threw, the event becomes a {@code handler-gave-up} dead
 * letter. The event itself is still stored and acknowledged. A handler that is retried must
 * tolerate being called again with the same event.
 */
public interface ProcessorHandler {
  /**
   * Called once before the ring starts: read the handler's configuration, preallocate state,
   * register metrics. Throwing here stops the service from starting, with the handler's name in the
   * error.
   */
  default void start(HandlerContext context) {}

  /** Handles one non-duplicate event of this handler's kind; may emit records to {@code sink}. */
  void onEvent(EventView event, RecordSink sink);

  /**
   * Periodic tick with the engine clock ({@code eventstream.ring.tick-interval}), even without
   * traffic, e.g. to close windows.
   */
  default void onTick(long nowMillis, RecordSink sink) {}

  /**
   * Flushes open state at stop (e.g. open windows), before the ring drains. Called as many times as
   * it takes for a handler with {@link #maxOpenStatesPerTopic()} open states per topic to emit them
   * all within {@link RecordSink#remainingForEvent()} per call; a call with nothing left to flush
   * must do nothing.
   */
  default void onFlush(long nowMillis, RecordSink sink) {}

  /**
   * Most open states (each flushed as one record) this handler holds per topic id, e.g. windows
   * open at once on one topic; the engine sizes the calls to {@link #onFlush} by it. Read after
   * {@link #start}.
   */
  default int maxOpenStatesPerTopic() {
    return 1;
  }

  /**
   * Called once after the ring has drained and every record this handler emitted has been stored
   * (or the shutdown deadline passed): release what {@link #start} took. Not called when start was
   * not called or threw.
   */
  default void stop() {}
}
