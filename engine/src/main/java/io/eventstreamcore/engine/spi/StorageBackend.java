package io.eventstreamcore.engine.spi;

import io.eventstreamcore.engine.event.EventView;
import io.eventstreamcore.engine.record.RecordView;
import java.io.IOException;

/**
 * A storage backend. Each configured backend gets its own writer thread after the processors; it
 * sees events and records in ring order, and {@link #commit()} at the end of every batch. An event
 * is acknowledged only after every {@linkplain #durable() durable} backend has committed it.
 *
 * <p>Threading: append and commit are called from the backend's writer thread only; {@link
 * #close()} after that thread has stopped. Readers of a queryable backend may call from other
 * threads and must be given a consistent view by the backend.
 */
public interface StorageBackend extends AutoCloseable {
  /** Name used in configuration and in the {@code backend} metric label. */
  String name();

  /**
   * True when acknowledgements wait for this backend's commits. A backend that is not durable still
   * sees every event (the ring waits for it), but a client's ACK does not.
   */
  default boolean durable() {
    return true;
  }

  /** Appends one stored event (not duplicates). May buffer until {@link #commit()}. */
  void append(EventView event) throws IOException;

  /** Appends one record emitted by a processor. May buffer until {@link #commit()}. */
  void append(RecordView record) throws IOException;

  /**
   * Makes everything appended so far as durable as this backend promises. After it returns, the
   * events may be acknowledged. On failure it is called again, with nothing appended in between.
   */
  void commit() throws IOException;

  /**
   * Forces everything committed so far to stable storage, whatever the configured sync policy. The
   * pipeline calls it once the ring has drained at stop, before {@link #close()}.
   */
  default void sync() throws IOException {}

  /** Flushes and releases resources. */
  @Override
  void close() throws IOException;
}
