package io.eventstreamcore.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.record.DeadLetterReason;
import io.eventstreamcore.engine.record.RecordKind;
import io.eventstreamcore.engine.spi.ReadableBackend;
import io.eventstreamcore.engine.spi.StoredRecord;
import io.eventstreamcore.ingest.client.EventStreamProducer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Event-time batch windows as a user meets them: a producer sends events with its own client times
 * over TCP, out of order; the windows follow those times with the configured lateness, a too-late
 * event becomes a {@code late} dead letter (stored, counted, listed by {@code dead-letters list}),
 * and an idle topic's last window closes on a tick once processing time has carried its event time
 * past the end plus the lateness. The service runs on a clock the test moves.
 */
class BatchWindowsTest {
  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private static final long MINUTE = 60_000;
  private static final long T0 = 28_333_334 * MINUTE; // a window start
  private static final String TOPIC = "sensor/a";

  @TempDir Path dir;

  private Config config() {
    return TestConfigs.withOverrides(
        "eventstream.storage.backends = [memory, file]\n"
            + TestConfigs.fileDirectory(dir)
            + "eventstream.storage.file.sync = always\n"
            + "eventstream.processors.batch {"
            + " time = event, window = 1m, allowed-lateness = 30s }\n");
  }

  private static void send(EventStreamProducer producer, long id, long clientMillis, int bytes)
      throws InterruptedException {
    producer.send(Priority.BATCH, TOPIC, id, clientMillis * 1000, new byte[bytes]);
  }

  private static List<StoredRecord> records(EventStreamService service, RecordKind kind)
      throws Exception {
    return ((ReadableBackend) service.backend("memory"))
        .readRecords().stream().filter(r -> r.kind() == kind).toList();
  }

  @Test
  void eventTimeWindowsFollowTheClientTimesAndATooLateEventIsADeadLetter() throws Exception {
    // The server's clock is 200 s ahead of the producer's: only the client times place events.
    long serverStart = T0 + 200_000;
    SettableClock clock = new SettableClock(serverStart);
    try (EventStreamService service = EventStreamService.start(config(), clock)) {
      try (EventStreamProducer producer =
          EventStreamProducer.builder(service.ingestAddress()).connect()) {
        send(producer, 1, T0 + 1_000, 3); // window A [T0, T0 + 1m)
        send(producer, 2, T0 + 2_000, 10);
        send(producer, 3, T0 + 80_000, 5); // window B; watermark T0 + 50 s: A stays open
        send(producer, 4, T0 + 55_000, 7); // 25 s late, within the 30 s allowed: joins A
        send(producer, 5, T0 + 95_000, 1); // watermark T0 + 65 s: A closes
        send(producer, 6, T0 + 30_000, 2); // A has closed: late
        assertThat(producer.flush(DEADLINE)).isTrue();
      }
      // Each event was handled before it was acknowledged.
      assertThat(records(service, RecordKind.WINDOW))
          .containsExactly(
              StoredRecord.window(TOPIC, T0, T0 + MINUTE, 3, 20, 1, 4)
                  .withPayloadSizes(3, 10)
                  .withEventTimes(T0 + 1_000, T0 + 55_000));
      assertThat(records(service, RecordKind.DEAD_LETTER))
          .extracting(StoredRecord::reason, StoredRecord::eventId, StoredRecord::clientTimeMicros)
          .containsExactly(tuple(DeadLetterReason.LATE, 6L, (T0 + 30_000) * 1000));
      assertThat(AdminHttp.metric(service, "eventstream_batch_late_events_total")).isEqualTo(1);
      assertThat(AdminHttp.metric(service, "eventstream_dead_letters_total{reason=\"late\"}"))
          .isEqualTo(1);

      // No newer event: 55 s of processing time carry the topic's event time from T0 + 95 s to
      // T0 + 150 s, which less the 30 s lateness reaches B's end. The next tick closes B.
      clock.set(serverStart + 55_000);
      await()
          .atMost(DEADLINE)
          .untilAsserted(
              () ->
                  assertThat(records(service, RecordKind.WINDOW))
                      .extracting(StoredRecord::startMillis, StoredRecord::count)
                      .containsExactly(tuple(T0, 3L), tuple(T0 + MINUTE, 2L)));
    }

    List<JsonNode> dead =
        CliRuns.jsonLines(
            CliRuns.run("dead-letters", "list", "-d", dir.toString(), "--format", "json"));
    assertThat(dead)
        .extracting(n -> n.get("reason").asText(), n -> n.get("event_id").asLong())
        .containsExactly(tuple("late", 6L));

    List<JsonNode> windows = new ArrayList<>();
    for (JsonNode n :
        CliRuns.jsonLines(
            CliRuns.run("inspect", "-d", dir.toString(), "--records", "--format", "json"))) {
      if (n.get("kind").asText().equals("window")) {
        windows.add(n);
      }
    }
    assertThat(windows)
        .extracting(
            n -> n.get("count").asLong(),
            n -> n.get("min_payload_bytes").asLong(),
            n -> n.get("max_payload_bytes").asLong(),
            n -> n.get("mean_payload_bytes").asDouble(),
            n -> n.get("first_ms").asLong(),
            n -> n.get("last_ms").asLong())
        .containsExactly(
            tuple(3L, 3L, 10L, 20 / 3.0, T0 + 1_000, T0 + 55_000),
            tuple(2L, 1L, 5L, 3.0, T0 + 80_000, T0 + 95_000));
  }
}
