package io.eventstreamcore.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.spi.ReadableBackend;
import io.eventstreamcore.engine.spi.StoredEvent;
import io.eventstreamcore.ingest.client.EventStreamClient;
import io.eventstreamcore.storage.testing.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Exactly-once effect per event id across a restart: the dedup window is rebuilt from durable
 * storage, so a client resending events whose ACKs it lost gets them acknowledged, counted as
 * duplicates and stored once.
 */
class DedupRestartTest {
  private static final long HOUR_MILLIS = TimeUnit.HOURS.toMillis(1);

  @TempDir Path data;
  private String postgresPrefix;

  @AfterEach
  void dropPostgresTables() throws Exception {
    if (postgresPrefix == null) {
      return;
    }
    TestPostgres.dropTables(postgresPrefix);
  }

  /** The storage configuration of {@code backend}: the file log, SQLite or PostgreSQL. */
  private String storage(String backend) {
    String dir = data.toString().replace("\\", "/");
    switch (backend) {
      case "file":
        return "eventstream.storage.backends = [file]\n"
            + "eventstream.storage.file.directory = \""
            + dir
            + "\"\n";
      case "sqlite":
        return "eventstream.storage.backends = [sql]\n"
            + "eventstream.storage.sql.url = \"jdbc:sqlite:"
            + dir
            + "/events.db\"\n";
      case "postgres":
        TestPostgres.assumeAvailable();
        postgresPrefix =
            "dedup"
                + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE)
                + "_";
        return "eventstream.storage.backends = [sql]\n"
            + "eventstream.storage.sql { url = \""
            + TestPostgres.URL
            + "\", user = "
            + TestPostgres.USER
            + ", table-prefix = "
            + postgresPrefix
            + " }\n";
      default:
        throw new IllegalArgumentException(backend);
    }
  }

  private static String backendName(String backend) {
    return backend.equals("file") ? "file" : "sql";
  }

  @ParameterizedTest
  @ValueSource(strings = {"file", "sqlite", "postgres"})
  void idsResentAfterARestartAreAcknowledgedCountedAsDuplicatesAndStoredOnce(String backend)
      throws Exception {
    Config config = TestConfigs.withOverrides(storage(backend));
    try (EventStreamService first = EventStreamService.start(config)) {
      sendAndAwaitAcks(first, 1, 100);
      assertThat(first.metrics().eventsDuplicate().getLongValue()).isZero();
    }

    try (EventStreamService second = EventStreamService.start(config)) {
      // 51..100 again, as a client that lost their ACKs in the restart, and 101..120 new.
      sendAndAwaitAcks(second, 51, 120);

      assertThat(second.metrics().eventsDuplicate().getLongValue()).isEqualTo(50);
      Map<Long, Long> stored = storedPerId(second, backendName(backend));
      assertThat(stored).hasSize(120).containsKeys(1L, 120L);
      assertThat(stored.values()).containsOnly(1L);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"file", "sqlite", "postgres"})
  void anIdReceivedLongerAgoThanTheWindowIsNewAgainAfterARestart(String backend) throws Exception {
    Config config = TestConfigs.withOverrides(storage(backend) + "eventstream.dedup.window = 1h\n");
    long now = System.currentTimeMillis();
    SettableClock clock = new SettableClock(now - 2 * HOUR_MILLIS);
    try (EventStreamService first = EventStreamService.start(config, clock)) {
      sendAndAwaitAcks(first, 1, 10); // received two hours ago
      clock.set(now);
      sendAndAwaitAcks(first, 11, 20); // received now
    }

    clock.set(now + TimeUnit.MINUTES.toMillis(1));
    try (EventStreamService second = EventStreamService.start(config, clock)) {
      sendAndAwaitAcks(second, 1, 20);

      // Only 11..20 were still within the window: 1..10 are new events again.
      assertThat(second.metrics().eventsDuplicate().getLongValue()).isEqualTo(10);
      Map<Long, Long> stored = storedPerId(second, backendName(backend));
      if (backend.equals("file")) {
        for (long id = 1; id <= 20; id++) {
          assertThat(stored.get(id)).as("copies of id %d", id).isEqualTo(id <= 10 ? 2L : 1L);
        }
      } else {
        // The SQL tables store an id once whatever the window says (a unique index).
        assertThat(stored).hasSize(20);
        assertThat(stored.values()).containsOnly(1L);
      }
    }
  }

  @Test
  void withRebuildOffTheWindowStartsEmptyAndResentIdsAreStoredAgain() throws Exception {
    Config config =
        TestConfigs.withOverrides(storage("file") + "eventstream.dedup.rebuild = false\n");
    try (EventStreamService first = EventStreamService.start(config)) {
      sendAndAwaitAcks(first, 1, 10);
    }
    try (EventStreamService second = EventStreamService.start(config)) {
      sendAndAwaitAcks(second, 1, 10);

      assertThat(second.metrics().eventsDuplicate().getLongValue()).isZero();
      assertThat(storedPerId(second, "file").values()).hasSize(10).containsOnly(2L);
    }
  }

  /** Sends ids {@code from..to} with acks and waits for every ACK. */
  private static void sendAndAwaitAcks(EventStreamService service, long from, long to)
      throws Exception {
    try (EventStreamClient client = EventStreamClient.connect(service.ingestAddress())) {
      long frames = 0;
      for (long id = from; id <= to; id++) {
        byte[] payload = ("event-" + id).getBytes(StandardCharsets.UTF_8);
        frames = client.send(Priority.MEDIUM, "orders", id, payload, true);
      }
      client.flush();
      assertThat(client.awaitAck(frames, Duration.ofSeconds(30))).as("acked").isTrue();
      assertThat(client.errors()).isEmpty();
    }
  }

  /** How many stored events carry each id, read back from the backend. */
  private static Map<Long, Long> storedPerId(EventStreamService service, String backend)
      throws Exception {
    ReadableBackend readable = (ReadableBackend) service.backend(backend);
    return readable.readEvents().stream()
        .collect(Collectors.groupingBy(StoredEvent::eventId, TreeMap::new, Collectors.counting()));
  }
}
