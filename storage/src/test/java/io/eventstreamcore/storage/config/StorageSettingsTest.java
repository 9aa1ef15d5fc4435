package io.eventstreamcore.storage.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.eventstreamcore.engine.event.EventLimits;
import io.eventstreamcore.engine.spi.StorageBackend;
import io.eventstreamcore.storage.StorageBackends;
import io.eventstreamcore.storage.file.FileBackend;
import io.eventstreamcore.storage.file.FileSettings;
import io.eventstreamcore.storage.file.SyncPolicy;
import io.eventstreamcore.storage.memory.MemoryBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageSettingsTest {

  private static Config with(String overrides) {
    return ConfigFactory.parseString(overrides)
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }

  @Test
  void defaultsComeFromTheReferenceConfiguration() {
    StorageSettings settings = new StorageSettings(ConfigFactory.defaultReference());

    assertThat(settings.backends()).containsExactly("file");
    assertThat(settings.memoryMaxEvents()).isEqualTo(100_000);
    assertThat(settings.memoryMaxBytes()).isEqualTo(16 * 1024 * 1024);
    assertThat(settings.memoryMaxRecords()).isEqualTo(100_000);
    assertThat(settings.fileDirectory()).isEqualTo(Path.of("data"));
    assertThat(settings.fileSync()).isEqualTo(SyncPolicy.NEVER);
    assertThat(settings.fileBufferBytes()).isEqualTo(4 * 1024 * 1024);
    FileSettings file = settings.file();
    assertThat(file.syncInterval()).isEqualTo(Duration.ofMillis(100));
    assertThat(file.segmentBytes()).isEqualTo(64L * 1024 * 1024);
    assertThat(file.retentionBytes()).isZero();
    assertThat(file.retentionAge()).isZero();
    assertThat(file.retains()).isFalse();
    assertThat(file.durable()).isTrue();
  }

  @Test
  void fileKeysAreReadAndTheSyncIntervalPolicyIsKnown() {
    FileSettings file =
        new StorageSettings(
                with(
                    "eventstream.storage.file { sync = interval, sync-interval = 250ms,"
                        + " segment-bytes = 1MiB, retention-bytes = 10MiB, retention-age = 7d,"
                        + " durable = false }\n"
                        + "eventstream.storage.backends = [file, memory]"))
            .file();

    assertThat(file.sync()).isEqualTo(SyncPolicy.INTERVAL);
    assertThat(file.syncInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(file.segmentBytes()).isEqualTo(1024 * 1024);
    assertThat(file.retentionBytes()).isEqualTo(10 * 1024 * 1024);
    assertThat(file.retentionAge()).isEqualTo(Duration.ofDays(7));
    assertThat(file.retains()).isTrue();
    assertThat(file.durable()).isFalse();
  }

  @Test
  void badFileSizesAndIntervalsAreNamedWithTheKey() {
    String[][] cases = {
      {"segment-bytes = 100", "eventstream.storage.file.segment-bytes"},
      {"retention-bytes = -1", "eventstream.storage.file.retention-bytes"},
      {"retention-bytes = 8KiB, segment-bytes = 1MiB", "eventstream.storage.file.retention-bytes"},
      {"retention-age = -1s", "eventstream.storage.file.retention-age"},
      {"sync-interval = 0ms", "eventstream.storage.file.sync-interval"},
      {"buffer-bytes = 0", "eventstream.storage.file.buffer-bytes"},
      {"buffer-bytes = 2GiB", "eventstream.storage.file.buffer-bytes"},
    };
    for (String[] c : cases) {
      assertThatThrownBy(
              () -> new StorageSettings(with("eventstream.storage.file { " + c[0] + " }")))
          .as(c[0])
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining(c[1]);
    }
  }

  @Test
  void anUnwritableDirectoryIsNamedWithItsKey(@TempDir Path dir) throws Exception {
    // Root may write anywhere permissions allow nothing; a read-only file system stops it too.
    Path mount = Files.createDirectories(dir.resolve("ro"));
    Assumptions.assumeTrue(
        run("mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", mount.toString()),
        "cannot mount a read-only tmpfs here (needs root): unwritable-directory check skipped");
    try {
      assertThatThrownBy(
              () ->
                  new StorageSettings(
                      with("eventstream.storage.file.directory = \"" + mount + "\"")))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("eventstream.storage.file.directory")
          .hasMessageContaining("is not writable");
      assertThatThrownBy(
              () ->
                  new StorageSettings(
                      with(
                          "eventstream.storage.file.directory = \""
                              + mount.resolve("data")
                              + "\"")))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("eventstream.storage.file.directory")
          .hasMessageContaining("cannot be created");
    } finally {
      run("umount", mount.toString());
    }
  }

  private static boolean run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
  }

  @Test
  void aDirectoryThatCannotBeCreatedIsNamedWithItsKey(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
    String config = "eventstream.storage.file.directory = \"" + file.resolve("data") + "\"";

    assertThatThrownBy(() -> new StorageSettings(with(config)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("eventstream.storage.file.directory")
        .hasMessageContaining("is not a directory");
    // Only checked when the file backend is configured.
    new StorageSettings(with(config + "\neventstream.storage.backends = [memory]"));
  }

  @Test
  void eventLimitsAreWhatEveryConfiguredBackendHolds() {
    // The file log (the default): a record body recovery reads, payloads just under 1 GiB.
    assertThat(new StorageSettings(with("")).eventLimits()).isEqualTo(FileSettings.EVENT_LIMITS);
    assertThat(FileSettings.EVENT_LIMITS.maxPayloadBytes())
        .isEqualTo((1 << 30) - 65_535 - (1 << 20));
    String sqlite = "eventstream.storage.sql.url = \"jdbc:sqlite:/tmp/x.db\"\n";
    String postgres = "eventstream.storage.sql.url = \"jdbc:postgresql://127.0.0.1/test\"\n";
    String kafka = "eventstream.storage.kafka.bootstrap-servers = \"127.0.0.1:9092\"\n";
    assertThat(
            new StorageSettings(with("eventstream.storage.backends = [sql]\n" + sqlite))
                .eventLimits())
        .isEqualTo(new EventLimits(65_535, true, 1_000_000_000 - (1 << 20)));
    assertThat(
            new StorageSettings(with("eventstream.storage.backends = [file, sql]\n" + postgres))
                .eventLimits())
        .isEqualTo(new EventLimits(2048, false, FileSettings.EVENT_LIMITS.maxPayloadBytes()));
    // The producer's default max.request.size, 1 MiB: (1,048,576 - 1,024 - 6 x 512 - 8 x 4,096) / 4
    // x 3: a derived event's name may take 6 bytes a character.
    assertThat(
            new StorageSettings(with("eventstream.storage.backends = [kafka]\n" + kafka))
                .eventLimits())
        .isEqualTo(new EventLimits(4096, true, 758_784));
    assertThat(
            new StorageSettings(
                    with(
                        "eventstream.storage.backends = [sql, kafka]\n"
                            + postgres
                            + kafka
                            + "eventstream.storage.kafka.producer.max.request.size = 2097152\n"))
                .eventLimits())
        .isEqualTo(new EventLimits(2048, false, 1_545_216));
    assertThatThrownBy(
            () ->
                new StorageSettings(
                    with(
                        "eventstream.storage.backends = [kafka]\n"
                            + kafka
                            + "eventstream.storage.kafka.producer.max.request.size = 30000\n")))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("eventstream.storage.kafka.producer.max.request.size");
  }

  @Test
  void anUnknownBackendIsNamedWithTheKey() {
    assertThatThrownBy(
            () -> new StorageSettings(with("eventstream.storage.backends = [memory, cassandra]")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("eventstream.storage.backends")
        .hasMessageContaining("cassandra");
  }

  @Test
  void noBackendAtAllIsRejectedWithTheKey() {
    assertThatThrownBy(() -> new StorageSettings(with("eventstream.storage.backends = []")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("eventstream.storage.backends");
  }

  @Test
  void aBackendNamedTwiceIsRejectedWithTheKey() {
    assertThatThrownBy(
            () -> new StorageSettings(with("eventstream.storage.backends = [file, memory, file]")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("eventstream.storage.backends");
  }

  @Test
  void atLeastOneBackendMustBeDurable() {
    assertThatThrownBy(
            () ->
                new StorageSettings(
                    with(
                        "eventstream.storage.backends = [memory]\n"
                            + "eventstream.storage.memory.durable = false")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("eventstream.storage.backends")
        .hasMessageContaining("durable");
    StorageSettings settings =
        new StorageSettings(
            with(
                "eventstream.storage.backends = [file, memory]\n"
                    + "eventstream.storage.memory.durable = false"));
    assertThat(settings.durable("file")).isTrue();
    assertThat(settings.durable("memory")).isFalse();
  }

  @Test
  void anUnknownSyncPolicyIsNamedWithTheKey() {
    assertThatThrownBy(() -> new StorageSettings(with("eventstream.storage.file.sync = sometimes")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("eventstream.storage.file.sync")
        .hasMessageContaining("sometimes");
  }

  @Test
  void nonPositiveBoundsAreNamedWithTheKey() {
    assertThatThrownBy(() -> new StorageSettings(with("eventstream.storage.memory.max-events = 0")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("eventstream.storage.memory.max-events");
    assertThatThrownBy(() -> new StorageSettings(with("eventstream.storage.memory.max-bytes = 0")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("eventstream.storage.memory.max-bytes");
    // Beyond one Java array: refused, not cut down to it without a word.
    assertThatThrownBy(
            () -> new StorageSettings(with("eventstream.storage.memory.max-bytes = 3GiB")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("eventstream.storage.memory.max-bytes")
        .hasMessageContaining("3221225472");
  }

  @Test
  void opensTheConfiguredBackendsInOrder(@TempDir Path dir) throws IOException {
    StorageSettings settings =
        new StorageSettings(
            with(
                "eventstream.storage { backends = [memory, file], file.directory = \""
                    + dir.toString().replace("\\", "/")
                    + "\", memory.max-bytes = 1MiB }"));

    List<StorageBackend> backends = StorageBackends.open(settings);
    try {
      assertThat(backends).hasSize(2);
      assertThat(backends.get(0)).isInstanceOf(MemoryBackend.class);
      assertThat(backends.get(0).name()).isEqualTo("memory");
      assertThat(backends.get(1)).isInstanceOf(FileBackend.class);
      assertThat(((FileBackend) backends.get(1)).segments())
          .containsExactly(dir.resolve("00000000000000000000.log"));
    } finally {
      for (StorageBackend backend : backends) {
        backend.close();
      }
    }
  }
}
