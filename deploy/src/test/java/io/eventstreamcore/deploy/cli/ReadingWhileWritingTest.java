package io.eventstreamcore.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.eventstreamcore.deploy.EventStreamService;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.record.DeadLetterReason;
import io.eventstreamcore.engine.spi.EventQuery;
import io.eventstreamcore.engine.spi.StoredEvent;
import io.eventstreamcore.engine.spi.StoredRecord;
import io.eventstreamcore.ingest.client.EventStreamClient;
import io.eventstreamcore.storage.file.FileLogReader;
import io.eventstreamcore.storage.sql.SqlSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the reading commands take of a store the running service goes on writing. */
class ReadingWhileWritingTest {
  private static final Duration DEADLINE = Duration.ofSeconds(20);

  @TempDir Path dir;

  @Test
  void aReplayReadsTheDeadLettersStoredWhenItStartedNotTheOnesItCauses() throws Exception {
    String conf =
        "eventstream.ingest.port = 0\n"
            + "eventstream.admin.port = 0\n"
            + "eventstream.ring.size = 1024\n"
            + "eventstream.storage.backends = [file]\n"
            + "eventstream.storage.file.directory = \""
            + dir.toString().replace("\\", "/")
            + "\"\n"
            + "eventstream.processors.transactional.handlers = [\n"
            + "  { class = \"io.eventstreamcore.deploy.DeadLetterHandler\", name = refuser,"
            + " config { reason = handler-gave-up } }]\n";
    try (EventStreamService service =
            EventStreamService.start(
                ConfigFactory.parseString(conf)
                    .withFallback(ConfigFactory.defaultReference())
                    .resolve());
        EventStreamClient client = EventStreamClient.connect(service.ingestAddress())) {
      sendAndAwaitAck(client, 1, "Xrefused");

      // Replays each dead letter with a new id, as `dead-letters replay --new-ids` does, to a
      // service that refuses it again: each resend stores a new dead letter, before its ACK.
      LogQueryOptions options = new LogQueryOptions();
      options.directory = dir;
      List<Long> replayed = new ArrayList<>();
      long taken =
          DeadLettersCommand.forEach(
              options,
              new DeadLettersCommand.Filter(EventQuery.all(), DeadLetterReason.HANDLER_GAVE_UP),
              deadLetter -> {
                replayed.add(deadLetter.eventId());
                sendAndAwaitAck(client, 100 + replayed.size(), "Xrefused");
                return replayed.size() < 5; // without an end of its own, it would go on for ever
              });

      assertThat(taken).isEqualTo(1);
      assertThat(replayed).containsExactly(1L);
    }
  }

  @Test
  void anSqlSourceReadsTheRowsStoredWhenItOpenedAndAFollowerTheNewOnesToo() throws Exception {
    String conf =
        "eventstream.ingest.port = 0\n"
            + "eventstream.admin.port = 0\n"
            + "eventstream.ring.size = 1024\n"
            + "eventstream.storage.backends = [sql]\n"
            + "eventstream.storage.sql.url = \"jdbc:sqlite:"
            + dir.resolve("events.db").toString().replace("\\", "/")
            + "\"\n";
    Config config =
        ConfigFactory.parseString(conf).withFallback(ConfigFactory.defaultReference()).resolve();
    try (EventStreamService service = EventStreamService.start(config);
        EventStreamClient client = EventStreamClient.connect(service.ingestAddress())) {
      for (long id = 1; id <= 3; id++) {
        sendAndAwaitAck(client, id, "stored before");
      }
      SqlSettings settings = new SqlSettings(config);
      try (LogSource asOfNow = LogSource.sql(settings, false);
          LogSource following = LogSource.sql(settings, true)) {
        for (long id = 4; id <= 5; id++) {
          sendAndAwaitAck(client, id, "stored after");
        }

        assertThat(eventIds(asOfNow)).containsExactly(1L, 2L, 3L);
        assertThat(eventIds(following)).containsExactly(1L, 2L, 3L, 4L, 5L);
      }
    }
  }

  /** Every event {@code source} delivers, polled until it has no more. */
  private static List<Long> eventIds(LogSource source) throws IOException {
    List<Long> ids = new ArrayList<>();
    FileLogReader.Visitor collect =
        new FileLogReader.Visitor() {
          @Override
          public void event(long position, StoredEvent event) {
            ids.add(event.eventId());
          }

          @Override
          public void record(long position, StoredRecord record) {}
        };
    while (source.poll(collect, 2) > 0) {
      // pages of two: the bound holds across pages
    }
    return ids;
  }

  private static void sendAndAwaitAck(EventStreamClient client, long id, String payload) {
    try {
      long frame =
          client.send(Priority.LOW, "orders", id, payload.getBytes(StandardCharsets.UTF_8), true);
      client.flush();
      assertThat(client.awaitAck(frame, DEADLINE)).isTrue();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
