package io.eventstreamcore.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.spi.ReadableBackend;
import io.eventstreamcore.engine.spi.StoredEvent;
import io.eventstreamcore.ingest.client.EventStreamClient;
import io.eventstreamcore.ingest.client.EventStreamClient.ErrorFrame;
import io.eventstreamcore.storage.testing.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A topic valid by the protocol that a storage backend cannot hold is rejected at ingest with ERROR
 * 2, and the events after it are stored and acknowledged: storing it would fail on every retry and
 * stall storage, and so ingest, for good.
 */
class StorageLimitsTest {
  private static final byte[] PAYLOAD = "reading".getBytes(StandardCharsets.UTF_8);

  @TempDir Path data;

  @Test
  void topicsPostgresqlCannotHoldAreRejectedAndTheEventsAfterThemStored() throws Exception {
    TestPostgres.assumeAvailable();
    String prefix =
        "limits" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE) + "_";
    // Incompressible, so that the index holds all its bytes: 2,048 fit, 3,000 do not.
    String longest = randomTopic(2048);
    String tooLong = randomTopic(3000);
    try (EventStreamService service =
            EventStreamService.start(
                TestConfigs.withOverrides(
                    "eventstream.storage.backends = [sql]\n"
                        + "eventstream.storage.sql { url = \""
                        + TestPostgres.URL
                        + "\", user = "
                        + TestPostgres.USER
                        + ", table-prefix = "
                        + prefix
                        + " }\n"));
        EventStreamClient client = EventStreamClient.connect(service.ingestAddress())) {
      client.send(Priority.MEDIUM, "bad\u0000topic", 1, PAYLOAD, true);
      client.send(Priority.MEDIUM, tooLong, 2, PAYLOAD, true);
      client.send(Priority.MEDIUM, longest, 3, PAYLOAD, true);
      client.send(Priority.MEDIUM, "orders", 4, PAYLOAD, true);
      client.flush();

      assertThat(client.awaitAck(4, Duration.ofSeconds(30))).isTrue();
      assertThat(client.errors())
          .extracting(ErrorFrame::frameNo, ErrorFrame::code)
          .containsExactly(tuple(1L, 2), tuple(2L, 2));
      assertThat(client.errors().get(0).message()).contains("U+0000");
      assertThat(storedEvents(prefix)).containsExactly(longest + " 3", "orders 4");
    } finally {
      TestPostgres.dropTables(prefix);
    }
  }

  @Test
  void sqliteHoldsATopicWithU0000() throws Exception {
    String topic = "bad\u0000topic";
    String storage =
        "eventstream.storage.backends = [sql]\n"
            + "eventstream.storage.sql.url = \"jdbc:sqlite:"
            + data.toString().replace("\\", "/")
            + "/events.db\"\n";
    try (EventStreamService service = EventStreamService.start(TestConfigs.withOverrides(storage));
        EventStreamClient client = EventStreamClient.connect(service.ingestAddress())) {
      client.send(Priority.MEDIUM, topic, 1, PAYLOAD, true);
      client.send(Priority.MEDIUM, "orders", 2, PAYLOAD, true);
      client.flush();

      assertThat(client.awaitAck(2, Duration.ofSeconds(30))).isTrue();
      assertThat(client.errors()).isEmpty();
      ReadableBackend sql = (ReadableBackend) service.backend("sql");
      assertThat(sql.readEvents()).extracting(StoredEvent::topic).containsExactly(topic, "orders");
    }
  }

  /** Random code points of four UTF-8 bytes each, {@code bytes / 4} of them. */
  private static String randomTopic(int bytes) {
    SplittableRandom random = new SplittableRandom(bytes);
    StringBuilder topic = new StringBuilder();
    for (int i = 0; i < bytes / 4; i++) {
      topic.appendCodePoint(random.nextInt(0x10000, 0x10FFFF));
    }
    return topic.toString();
  }

  private static List<String> storedEvents(String prefix) throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection c = TestPostgres.connect();
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery("SELECT topic, event_id FROM " + prefix + "events ORDER BY id")) {
      while (r.next()) {
        rows.add(r.getString(1) + " " + r.getLong(2));
      }
    }
    return rows;
  }
}
