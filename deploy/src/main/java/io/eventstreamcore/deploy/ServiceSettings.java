package io.eventstreamcore.deploy;

import com.typesafe.config.Config;
import io.eventstreamcore.engine.config.EngineSettings;
import io.eventstreamcore.ingest.admin.AdminSettings;
import io.eventstreamcore.ingest.server.IngestSettings;
import io.eventstreamcore.processors.config.ProcessorSettings;
import io.eventstreamcore.storage.config.StorageSettings;

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
    if (storage.backends().contains("memory")
        && storage.memoryMaxBytes() < ingest.maxFrameBytes()) {
      throw EngineSettings.bad(
          "eventstream.storage.memory.max-bytes",
          storage.memoryMaxBytes(),
          "is smaller than eventstream.ingest.max-frame-bytes (" + ingest.maxFrameBytes() + ")");
    }
  }

  @Override
  public String toString() {
    return engine + " | " + processors + " | " + storage + " | " + ingest;
  }
}
