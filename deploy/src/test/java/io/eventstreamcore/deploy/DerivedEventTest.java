package io.eventstreamcore.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.record.Record;
import io.eventstreamcore.engine.record.RecordKind;
import io.eventstreamcore.engine.spi.ReadableBackend;
import io.eventstreamcore.engine.spi.StoredEvent;
import io.eventstreamcore.engine.spi.StoredRecord;
import io.eventstreamcore.ingest.client.EventStreamClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Derived events as a user meets them: a configured handler derives events from what it sees, and
 * every configured backend stores them beside the events, readable by {@code inspect --records};
 * they do not re-enter the ring.
 */
class DerivedEventTest {
  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private static final String HANDLER =
      // Unlisted topics are capped at MEDIUM: listing it keeps its HIGH events realtime.
      "eventstream.topics.priorities { readings = HIGH }\n"
          + "eventstream.processors.realtime.handlers = [\n"
          + "  { class = \"io.eventstreamcore.deploy.DerivingHandler\", name = normaliser,"
          + " config { topic = readings.normalised } }]\n";

  /** Larger than the record's reused buffer: this derived payload gets an array of its own. */
  private static final int BIG = Record.RETAINED_PAYLOAD_BYTES + 100;

  @TempDir Path dir;

  private String fileBackend(String backends) {
    return "eventstream.storage.backends = "
        + backends
        + "\n"
        + TestConfigs.fileDirectory(dir)
        + "eventstream.storage.file.sync = always\n";
  }

  /**
   * Sends ids 1..4 as HIGH (realtime) events: "t=21.5", "no value", "id=\u00e9" and "big=" with a
   * value of {@link #BIG} bytes; all but the second derive an event.
   */
  private static void sendAll(EventStreamClient client) throws Exception {
    List<byte[]> payloads = new ArrayList<>();
    payloads.add("t=21.5".getBytes(StandardCharsets.UTF_8));
    payloads.add("no value".getBytes(StandardCharsets.UTF_8));
    payloads.add("id=\u00e9".getBytes(StandardCharsets.UTF_8));
    byte[] big = new byte[4 + BIG];
    Arrays.fill(big, (byte) 'v');
    System.arraycopy("big=".getBytes(StandardCharsets.US_ASCII), 0, big, 0, 4);
    payloads.add(big);
    long frame = 0;
    for (int i = 0; i < payloads.size(); i++) {
      frame = client.send(Priority.HIGH, "readings", i + 1, payloads.get(i), true);
    }
    client.flush();
    assertThat(client.awaitAck(frame, DEADLINE)).isTrue();
  }

  private static List<StoredRecord> derived(ReadableBackend backend) throws Exception {
    return backend.readRecords().stream()
        .filter(r -> r.kind() == RecordKind.DERIVED_EVENT)
        .toList();
  }

  private static void assertDerived(List<StoredRecord> derived) {
    assertThat(derived)
        .extracting(
            StoredRecord::name,
            StoredRecord::topic,
            StoredRecord::eventId,
            StoredRecord::priority,
            r -> r.payload().length)
        .containsExactly(
            tuple("normaliser", "readings.normalised", 1L, Priority.HIGH, 4),
            tuple("normaliser", "readings.normalised", 3L, Priority.HIGH, 2),
            tuple("normaliser", "readings.normalised", 4L, Priority.HIGH, BIG));
    assertThat(new String(derived.get(0).payload(), StandardCharsets.UTF_8)).isEqualTo("21.5");
    assertThat(new String(derived.get(1).payload(), StandardCharsets.UTF_8)).isEqualTo("\u00e9");
    assertThat(derived.get(2).payload()).containsOnly((byte) 'v');
    assertThat(derived).allMatch(r -> r.timeMillis() > 0, "the source's received time");
  }

  @Test
  void derivedEventsAreStoredByMemoryAndFileBesideTheEventsWithoutReenteringTheRing()
      throws Exception {
    Config config = TestConfigs.withOverrides(fileBackend("[memory, file]") + HANDLER);
    try (EventStreamService service = EventStreamService.start(config);
        EventStreamClient client = EventStreamClient.connect(service.ingestAddress())) {
      sendAll(client);
      for (String backend : List.of("memory", "file")) {
        ReadableBackend stored = (ReadableBackend) service.backend(backend);
        assertDerived(derived(stored));
        // Only the events sent: a derived event is a record, never an event of its own.
        assertThat(stored.readEvents())
            .as(backend)
            .extracting(StoredEvent::topic, StoredEvent::eventId)
            .containsExactly(
                tuple("readings", 1L),
                tuple("readings", 2L),
                tuple("readings", 3L),
                tuple("readings", 4L));
      }
      assertThat(AdminHttp.metric(service, "eventstream_events_duplicate_total")).isEqualTo(0);
      assertThat(
              AdminHttp.metric(service, "eventstream_derived_events_total{processor=\"realtime\"}"))
          .isEqualTo(derived((ReadableBackend) service.backend("memory")).size());
    }
  }

  @Test
  void derivedEventsSurviveARestartInTheFileLogAndInspectPrintsThem() throws Exception {
    Config config = TestConfigs.withOverrides(fileBackend("[file]") + HANDLER);
    try (EventStreamService service = EventStreamService.start(config);
        EventStreamClient client = EventStreamClient.connect(service.ingestAddress())) {
      sendAll(client);
    }
    try (EventStreamService service = EventStreamService.start(config)) {
      assertDerived(derived((ReadableBackend) service.backend("file")));
    }

    List<JsonNode> printed =
        CliRuns.jsonLinesOfKind(
            CliRuns.run("inspect", "-d", dir.toString(), "--records", "--format", "json"),
            "derived_event");
    assertThat(printed)
        .extracting(
            n -> n.get("name").asText(),
            n -> n.get("topic").asText(),
            n -> n.get("event_id").asLong(),
            n -> n.get("priority").asText())
        .containsExactly(
            tuple("normaliser", "readings.normalised", 1L, "HIGH"),
            tuple("normaliser", "readings.normalised", 3L, "HIGH"),
            tuple("normaliser", "readings.normalised", 4L, "HIGH"));
    assertThat(printed.get(0).get("payload").asText()).isEqualTo("21.5");
    assertThat(printed.get(1).get("payload").asText()).isEqualTo("\u00e9");
    assertThat(printed.get(0).get("time_ms").asLong()).isPositive();
  }

  @Test
  void inspectPrintsTheDerivedEventsOfTheSqlTablesBesideTheRunningService() throws Exception {
    String sql =
        "eventstream.storage.backends = [sql]\n"
            + "eventstream.storage.sql.url = \"jdbc:sqlite:"
            + dir.resolve("events.db").toString().replace("\\", "/")
            + "\"\n"
            + HANDLER;
    Path conf = dir.resolve("sql.conf");
    Files.writeString(conf, sql);
    try (EventStreamService service = EventStreamService.start(TestConfigs.withOverrides(sql));
        EventStreamClient client = EventStreamClient.connect(service.ingestAddress())) {
      sendAll(client);
      assertDerived(derived((ReadableBackend) service.backend("sql")));
      assertThat(
              CliRuns.jsonLinesOfKind(
                  CliRuns.run(
                      "inspect",
                      "--backend",
                      "sql",
                      "-c",
                      conf.toString(),
                      "--records",
                      "--topic",
                      "readings.normalised",
                      "--format",
                      "json"),
                  "derived_event"))
          .extracting(n -> n.get("event_id").asLong())
          .containsExactly(1L, 3L, 4L);
    }
  }
}
