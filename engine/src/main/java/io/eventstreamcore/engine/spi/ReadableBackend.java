package io.eventstreamcore.engine.spi;

import java.io.IOException;
import java.util.List;

/**
 * A storage backend whose contents can be read back (memory, file, SQL). Reads may come from any
 * thread while the writer runs; they see what was committed.
 */
public interface ReadableBackend extends StorageBackend {
  /** Stored events matching {@code query}, oldest first. */
  List<StoredEvent> readEvents(EventQuery query) throws IOException;

  /** Every stored event still held, oldest first. */
  default List<StoredEvent> readEvents() throws IOException {
    return readEvents(EventQuery.all());
  }

  /** Every stored record (alerts, window summaries) still held, oldest first. */
  List<StoredRecord> readRecords() throws IOException;

  /**
   * True when what this backend stored is still there after the process restarts (a file log, a
   * database), so that the dedup window can be rebuilt from it at start. False by default: a memory
   * store starts empty.
   */
  default boolean keepsEventsAcrossRestarts() {
    return false;
  }

  /**
   * Hands {@code sink} the id and received time of every stored event with a non-zero id received
   * at or after {@code sinceMillis}, oldest first (in the order stored or received), without
   * building a list of them: the rebuild of the dedup window at start, before the ring runs.
   * Backends that can hold many events override this to stream them; the default reads them through
   * {@link #readEvents(EventQuery)}, which suits a store bounded in memory.
   */
  default void replayEventIds(long sinceMillis, EventIdSink sink) throws IOException {
    for (StoredEvent event : readEvents(EventQuery.all().between(sinceMillis, Long.MAX_VALUE))) {
      if (event.eventId() != 0) {
        sink.accept(event.eventId(), event.receivedMillis());
      }
    }
  }

  /**
   * As {@link #replayEventIds(long, EventIdSink)}, for a caller that keeps at most the {@code
   * newest} ids: a backend may leave out older ones (still handing the rest oldest first), so that
   * a start reads what the dedup window can hold rather than all the window's traffic. By default
   * it hands them all.
   */
  default void replayEventIds(long sinceMillis, long newest, EventIdSink sink) throws IOException {
    replayEventIds(sinceMillis, sink);
  }
}
