package io.eventstreamcore.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The configuration a SIGHUP reloads when the service runs without {@code --config}. */
class ConfigLoadTest {
  @TempDir Path dir;

  @Test
  void withoutAConfigFileEachLoadReadsTheDefaultOneAgain() throws IOException {
    Path file = dir.resolve("service.conf");
    Files.writeString(file, "eventstream.ring.size = 1024\n");
    String before = System.getProperty("config.file");
    System.setProperty("config.file", file.toString());
    try {
      assertThat(Main.load(null).getInt("eventstream.ring.size")).isEqualTo(1024);

      Files.writeString(file, "eventstream.ring.size = 2048\n");

      assertThat(Main.load(null).getInt("eventstream.ring.size")).isEqualTo(2048);
    } finally {
      if (before == null) {
        System.clearProperty("config.file");
      } else {
        System.setProperty("config.file", before);
      }
      ConfigFactory.invalidateCaches();
    }
  }
}
