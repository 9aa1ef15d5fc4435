package io.eventstreamcore.deploy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.eventstreamcore.engine.config.EngineSettings;
import io.eventstreamcore.ingest.admin.AdminSettings;
import io.eventstreamcore.ingest.server.IngestSettings;
import io.eventstreamcore.processors.config.ProcessorSettings;
import io.eventstreamcore.storage.config.StorageSettings;
import java.time.Duration;

/**
 * Every module's settings, read and checked together: what the service starts from and what {@code
 * config check} validates, so that both accept and refuse the same configurations.
 */
record ServiceSettings(
    EngineSettings engine,
    ProcessorSettings processors,
    StorageSettings storage,
    IngestSettings ingest,
    AdminSettings admin) {

  /** Reads every module's settings; throws a ConfigException naming the first bad key. */
  static ServiceSettings of(Config config) {
    KnownKeys.check(config);
    ServiceSettings settings =
        new ServiceSettings(
            new EngineSettings(config),
            new ProcessorSettings(config),
            new StorageSettings(config),
            new IngestSettings(config),
            new AdminSettings(config));
    settings.checkAcrossModules();
    return settings;
  }

  private void checkAcrossModules() {
    checkRetentionCoversDedupWindow();
    checkFitsInHeap(Runtime.getRuntime().maxMemory());
    if (storage.backends().contains("memory")
        && storage.memoryMaxBytes() < ingest.maxFrameBytes()) {
      throw EngineSettings.bad(
          "eventstream.storage.memory.max-bytes",
          storage.memoryMaxBytes(),
          "is smaller than eventstream.ingest.max-frame-bytes (" + ingest.maxFrameBytes() + ")");
    }
  }

  /**
   * A restart rebuilds the dedup window from the first durable backend that keeps events: when that
   * is the file log, its retention must keep the window's events, or a resent event older than the
   * retention is taken for new and stored twice.
   */
  private void checkRetentionCoversDedupWindow() {
    if (!engine.dedupRebuild()) {
      return;
    }
    String source =
        storage.backends().stream()
            .filter(b -> (b.equals("file") || b.equals("sql")) && storage.durable(b))
            .findFirst()
            .orElse(null);
    Duration age = storage.file().retentionAge();
    if ("file".equals(source) && !age.isZero() && age.compareTo(engine.dedupWindow()) < 0) {
      throw EngineSettings.bad(
          "eventstream.storage.file.retention-age",
          age,
          "is shorter than eventstream.dedup.window ("
              + engine.dedupWindow()
              + "), which a restart rebuilds from the file log: an event resent after it is"
              + " deleted would be stored twice. Keep it at least as long, or set"
              + " eventstream.dedup.rebuild = false");
    }
  }

  /**
   * Refuses sizes whose preallocation alone outgrows a heap of {@code maxHeapBytes}, before any of
   * it is allocated: the ring's slot payload buffers, the dedup window's tables (about 24.8 bytes a
   * key) and the memory backend's arena. A lower bound: what passes may still not fit, and then the
   * start fails on the allocation itself.
   */
  private void checkFitsInHeap(long maxHeapBytes) {
    long ring = (long) engine.ringSize() * engine.slotPayloadBytes();
    long dedup = 24L * engine.dedupMaxKeys();
    long memory = storage.backends().contains("memory") ? storage.memoryMaxBytes() : 0;
    long needed = ring + dedup + memory;
    if (needed > maxHeapBytes) {
      long mb = 1024 * 1024;
      throw new ConfigException.Generic(
          "eventstream.ring.size ("
              + engine.ringSize()
              + "), eventstream.dedup.max-keys ("
              + engine.dedupMaxKeys()
              + ") and eventstream.storage.memory.max-bytes preallocate at least "
              + needed / mb
              + " MB, more than the heap's "
              + maxHeapBytes / mb
              + " MB: lower them, or give the JVM more with EVENTSTREAM_OPTS=-Xmx...");
    }
  }

  @Override
  public String toString() {
    return engine + " | " + processors + " | " + storage + " | " + ingest;
  }
}
