package io.eventstreamcore.engine.spi;

import java.io.IOException;
import java.util.List;

/** A storage backend whose contents can be read back (memory, file). */
public interface ReadableBackend extends StorageBackend {
  /** Every stored event still held, oldest first. */
  List<StoredEvent> readEvents() throws IOException;

  /** Every stored record (alerts, window summaries) still held, oldest first. */
  List<StoredRecord> readRecords() throws IOException;
}
