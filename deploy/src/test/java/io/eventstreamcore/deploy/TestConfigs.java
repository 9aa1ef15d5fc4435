package io.eventstreamcore.deploy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;

/** Configurations for tests: loopback, port 0, on top of the modules' reference.conf. */
final class TestConfigs {
  private TestConfigs() {}

  /** The defaults with ephemeral ports and {@code overrides} (HOCON) on top. */
  static Config withOverrides(String overrides) {
    return ConfigFactory.parseString(overrides)
        .withFallback(
            ConfigFactory.parseString(
                "eventstream.ingest.port = 0\n"
                    + "eventstream.admin.port = 0\n"
                    + "eventstream.ring.size = 16384\n"))
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }

  /** The HOCON line that puts the file log in {@code directory}. */
  static String fileDirectory(Path directory) {
    return "eventstream.storage.file.directory = \""
        + directory.toString().replace("\\", "/")
        + "\"\n";
  }
}
