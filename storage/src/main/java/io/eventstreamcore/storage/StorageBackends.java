package io.eventstreamcore.storage;

import io.eventstreamcore.engine.spi.StorageBackend;
import io.eventstreamcore.storage.config.StorageSettings;
import io.eventstreamcore.storage.file.FileBackend;
import io.eventstreamcore.storage.kafka.KafkaBackend;
import io.eventstreamcore.storage.memory.MemoryBackend;
import io.eventstreamcore.storage.sql.SqlBackend;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Opens the configured storage backends. */
public final class StorageBackends {
  private StorageBackends() {}

  /** Opens every configured backend, in configuration order; closes them all on failure. */
  public static List<StorageBackend> open(StorageSettings settings) throws IOException {
    List<StorageBackend> opened = new ArrayList<>();
    try {
      for (String name : settings.backends()) {
        opened.add(open(name, settings));
      }
      return opened;
    } catch (IOException | RuntimeException e) {
      for (StorageBackend backend : opened) {
        try {
          backend.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  private static StorageBackend open(String name, StorageSettings settings) throws IOException {
    switch (name) {
      case "memory":
        return new MemoryBackend(
            name,
            settings.memoryMaxEvents(),
            settings.memoryMaxBytes(),
            settings.memoryMaxRecords(),
            settings.durable(name));
      case "file":
        return new FileBackend(name, settings.file());
      case "sql":
        return new SqlBackend(name, settings.sql());
      case "kafka":
        return new KafkaBackend(name, settings.kafka(), settings.durable(name));
      default:
        throw new IllegalArgumentException("unknown storage backend: " + name);
    }
  }
}
