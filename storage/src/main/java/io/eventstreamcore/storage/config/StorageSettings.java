package io.eventstreamcore.storage.config;

import com.typesafe.config.Config;
import io.eventstreamcore.engine.config.EngineSettings;
import io.eventstreamcore.engine.event.EventLimits;
import io.eventstreamcore.storage.file.FileSettings;
import io.eventstreamcore.storage.file.SyncPolicy;
import io.eventstreamcore.storage.kafka.KafkaSettings;
import io.eventstreamcore.storage.sql.SqlSettings;
import java.nio.file.Path;
import java.util.List;

/** Settings of the storage backends, read once from {@code eventstream.storage} and checked. */
public final class StorageSettings {
  private static final long MAX_ARENA_BYTES = Integer.MAX_VALUE - 8;

  /** Backend names this build knows. */
  public static final List<String> KNOWN_BACKENDS = List.of("memory", "file", "sql", "kafka");

  private final Config storage;
  private final List<String> backends;
  private final int memoryMaxEvents;
  private final int memoryMaxBytes;
  private final int memoryMaxRecords;
  private final FileSettings file;
  private final SqlSettings sql;
  private final KafkaSettings kafka;

  /** Reads and validates the storage settings from the root configuration. */
  public StorageSettings(Config root) {
    Config c = root.getConfig("eventstream.storage");
    storage = c;
    backends = List.copyOf(c.getStringList("backends"));
    if (backends.isEmpty()) {
      throw EngineSettings.bad(
          "eventstream.storage.backends", backends, "needs at least one backend");
    }
    for (String backend : backends) {
      if (!KNOWN_BACKENDS.contains(backend)) {
        throw EngineSettings.bad(
            "eventstream.storage.backends", backend, "is not a backend; one of " + KNOWN_BACKENDS);
      }
    }
    if (backends.stream().distinct().count() != backends.size()) {
      throw EngineSettings.bad("eventstream.storage.backends", backends, "names a backend twice");
    }
    if (backends.stream().noneMatch(b -> c.getBoolean(b + ".durable"))) {
      throw EngineSettings.bad(
          "eventstream.storage.backends",
          backends,
          "needs at least one backend with durable = true (acknowledgements wait for those)");
    }
    memoryMaxEvents = positiveInt(c, "memory.max-events");
    long maxBytes = positiveBytes(c, "memory.max-bytes");
    if (maxBytes > MAX_ARENA_BYTES) {
      // One Java array: a larger value would be cut down without a word.
      throw EngineSettings.bad(
          "eventstream.storage.memory.max-bytes",
          maxBytes,
          "must be at most 2GiB - 9 bytes (one arena)");
    }
    memoryMaxBytes = (int) maxBytes;
    memoryMaxRecords = positiveInt(c, "memory.max-records");
    file = FileSettings.read(c);
    if (backends.contains("file")) {
      file.checkDirectory();
    }
    // Checked only when configured: the sql block's URL has no usable default.
    sql = backends.contains("sql") ? new SqlSettings(root) : null;
    kafka = backends.contains("kafka") ? new KafkaSettings(c.getConfig("kafka")) : null;
  }

  /** What every configured backend holds of one event; ingest rejects frames beyond it. */
  public EventLimits eventLimits() {
    EventLimits limits = EventLimits.PROTOCOL;
    if (backends.contains("file")) {
      limits = limits.and(FileSettings.EVENT_LIMITS);
    }
    if (sql != null) {
      limits = limits.and(sql.eventLimits());
    }
    if (kafka != null) {
      limits = limits.and(kafka.eventLimits());
    }
    return limits;
  }

  private static int positiveInt(Config c, String key) {
    int value = c.getInt(key);
    if (value <= 0) {
      throw EngineSettings.bad("eventstream.storage." + key, value, "must be positive");
    }
    return value;
  }

  private static long positiveBytes(Config c, String key) {
    long value = c.getBytes(key);
    if (value <= 0) {
      throw EngineSettings.bad("eventstream.storage." + key, value, "must be positive");
    }
    return value;
  }

  /** Configured backend names, in order. */
  public List<String> backends() {
    return backends;
  }

  /** True when acknowledgements wait for the commits of backend {@code name}. */
  public boolean durable(String name) {
    return storage.getBoolean(name + ".durable");
  }

  /** The configuration block {@code eventstream.storage.<name>} of one backend. */
  public Config backendConfig(String name) {
    return storage.getConfig(name);
  }

  public int memoryMaxEvents() {
    return memoryMaxEvents;
  }

  public int memoryMaxBytes() {
    return memoryMaxBytes;
  }

  public int memoryMaxRecords() {
    return memoryMaxRecords;
  }

  /** Settings of the file backend. */
  public FileSettings file() {
    return file;
  }

  public Path fileDirectory() {
    return file.directory();
  }

  public SyncPolicy fileSync() {
    return file.sync();
  }

  public int fileBufferBytes() {
    return file.bufferBytes();
  }

  /**
   * Settings of the sql backend.
   *
   * @throws IllegalStateException when sql is not a configured backend
   */
  public SqlSettings sql() {
    if (sql == null) {
      throw new IllegalStateException("the sql backend is not configured");
    }
    return sql;
  }

  /**
   * Settings of the kafka backend.
   *
   * @throws IllegalStateException when kafka is not a configured backend
   */
  public KafkaSettings kafka() {
    if (kafka == null) {
      throw new IllegalStateException("the kafka backend is not configured");
    }
    return kafka;
  }

  @Override
  public String toString() {
    return "storage.backends=" + backends + " " + file + (sql == null ? "" : " " + sql);
  }
}
