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
}
