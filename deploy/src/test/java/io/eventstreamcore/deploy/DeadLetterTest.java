package io.eventstreamcore.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.record.DeadLetterReason;
import io.eventstreamcore.engine.record.RecordKind;
import io.eventstreamcore.engine.spi.ReadableBackend;
import io.eventstreamcore.engine.spi.StoredEvent;
import io.eventstreamcore.engine.spi.StoredRecord;
import io.eventstreamcore.ingest.client.EventStreamClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Dead letters as a user meets them: a configured handler refuses events, and the refused ones are
 * stored with their reason and payload by the configured backend, counted on /metrics and printed
 * by {@code inspect --records}.
 */
class DeadLetterTest {
  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private static final String HANDLER =
      "eventstream.processors.transactional.handlers = [\n"
          + "  { class = \"io.eventstreamcore.deploy.DeadLetterHandler\", name = refuser,"
          + " config { reason = handler-gave-up } }]\n";

  @TempDir Path dir;

  /** Sends ids 1..4 as LOW (transactional) events; 1 and 3 start with 'X' and are refused. */
  private static void send(Config config) throws Exception {
    try (EventStreamService service = EventStreamService.start(config);
        EventStreamClient client = EventStreamClient.connect(service.ingestAddress())) {
      sendAll(client);
    }
  }

  private static void sendAll(EventStreamClient client) throws Exception {
    long frame = 0;
    String[] payloads = {"Xbad one", "fine", "X\u00e9 two", "fine too"};
    for (int i = 0; i < payloads.length; i++) {
      byte[] payload = payloads[i].getBytes(StandardCharsets.UTF_8);
      frame = client.send(Priority.LOW, "orders", i + 1, payload, true);
    }
    client.flush();
    assertThat(client.awaitAck(frame, DEADLINE)).isTrue();
  }

  private static List<StoredRecord> deadLetters(ReadableBackend backend) throws Exception {
    return backend.readRecords().stream().filter(r -> r.kind() == RecordKind.DEAD_LETTER).toList();
  }

  private static void assertRefused(List<StoredRecord> dead) {
    assertThat(dead)
        .extracting(
            StoredRecord::reason,
            StoredRecord::topic,
            StoredRecord::eventId,
            StoredRecord::priority,
            r -> new String(r.payload(), StandardCharsets.UTF_8))
        .containsExactly(
            tuple(DeadLetterReason.HANDLER_GAVE_UP, "orders", 1L, Priority.LOW, "Xbad one"),
            tuple(DeadLetterReason.HANDLER_GAVE_UP, "orders", 3L, Priority.LOW, "X\u00e9 two"));
    assertThat(dead).allMatch(r -> r.timeMillis() > 0, "received time kept");
  }

  @Test
  void refusedEventsAreStoredInMemoryWithReasonAndPayloadAndCounted() throws Exception {
    // Two backends store each dead letter; the counter counts it once.
    Config config =
        TestConfigs.withOverrides(
            "eventstream.storage.backends = [memory, file]\n"
                + TestConfigs.fileDirectory(dir)
                + HANDLER);
    try (EventStreamService service = EventStreamService.start(config);
        EventStreamClient client = EventStreamClient.connect(service.ingestAddress())) {
      sendAll(client);
      ReadableBackend memory = (ReadableBackend) service.backend("memory");
      // The events themselves are still stored and acknowledged; the dead letters come beside.
      assertThat(memory.readEvents())
          .extracting(StoredEvent::eventId)
          .containsExactly(1L, 2L, 3L, 4L);
      assertRefused(deadLetters(memory));
      assertThat(
              AdminHttp.metric(
                  service, "eventstream_dead_letters_total{reason=\"handler-gave-up\"}"))
          .isEqualTo(2);
      assertThat(AdminHttp.metric(service, "eventstream_dead_letters_total{reason=\"late\"}"))
          .as("every reason is registered at start")
          .isEqualTo(0);
    }
  }

  @Test
  void refusedEventsSurviveARestartInTheFileLogAndInspectPrintsThem() throws Exception {
    Config config =
        TestConfigs.withOverrides(
            "eventstream.storage.backends = [file]\n"
                + TestConfigs.fileDirectory(dir)
                + "eventstream.storage.file.sync = always\n"
                + HANDLER);
    send(config);

    try (EventStreamService service = EventStreamService.start(config)) {
      assertRefused(deadLetters((ReadableBackend) service.backend("file")));
    }

    List<JsonNode> dead =
        CliRuns.jsonLinesOfKind(
            CliRuns.run("inspect", "-d", dir.toString(), "--records", "--format", "json"),
            "dead_letter");
    assertThat(dead)
        .extracting(
            n -> n.get("reason").asText(),
            n -> n.get("event_id").asLong(),
            n -> n.get("priority").asText(),
            n -> n.get("payload").asText())
        .containsExactly(
            tuple("handler-gave-up", 1L, "LOW", "Xbad one"),
            tuple("handler-gave-up", 3L, "LOW", "X\u00e9 two"));
  }

  @Test
  void listFiltersByReasonAndReplayResendsWithOriginalOrNewIds() throws Exception {
    send(
        TestConfigs.withOverrides(
            "eventstream.storage.backends = [file]\n" + TestConfigs.fileDirectory(dir) + HANDLER));
    String d = dir.toString();
    assertThat(
            CliRuns.jsonLinesOfKind(
                CliRuns.run(
                    "dead-letters",
                    "list",
                    "-d",
                    d,
                    "--reason",
                    "handler-gave-up",
                    "--format=json"),
                "dead_letter"))
        .extracting(n -> n.get("event_id").asLong())
        .containsExactly(1L, 3L);
    assertThat(
            CliRuns.jsonLinesOfKind(
                CliRuns.run("dead-letters", "list", "-d", d, "--reason", "late", "--format=json"),
                "dead_letter"))
        .isEmpty();
    assertThat(CliRuns.quiet().execute("dead-letters", "list", "-d", d, "--reason", "nope"))
        .isEqualTo(2);

    // A second service, without the refusing handler, takes the replayed events.
    try (EventStreamService target =
        EventStreamService.start(
            TestConfigs.withOverrides("eventstream.storage.backends = [memory]\n"))) {
      String port = Integer.toString(target.ingestAddress().getPort());
      ReadableBackend memory = (ReadableBackend) target.backend("memory");
      assertThat(CliRuns.quiet().execute("dead-letters", "replay", "-d", d, "--port", port))
          .isZero();
      assertThat(memory.readEvents())
          .extracting(
              StoredEvent::eventId,
              StoredEvent::priority,
              e -> new String(e.payload(), StandardCharsets.UTF_8))
          .containsExactly(
              tuple(1L, Priority.LOW, "Xbad one"), tuple(3L, Priority.LOW, "X\u00e9 two"));

      // Original ids again: the server's dedup window acknowledges them without storing twice,
      // which the command says, since their ACKs look like any other.
      CommandLine again = CliRuns.quiet();
      StringWriter said = new StringWriter();
      again.setErr(new PrintWriter(said, true));
      assertThat(again.execute("dead-letters", "replay", "-d", d, "--port", port)).isZero();
      assertThat(said.toString())
          .contains("2 of them kept ids received within the dedup window (1h)");
      assertThat(memory.readEvents()).hasSize(2);
      assertThat(AdminHttp.metric(target, "eventstream_events_duplicate_total")).isEqualTo(2);

      assertThat(
              CliRuns.quiet()
                  .execute("dead-letters", "replay", "-d", d, "--port", port, "--new-ids"))
          .isZero();
      assertThat(memory.readEvents()).hasSize(4);
      assertThat(memory.readEvents().subList(2, 4))
          .extracting(StoredEvent::eventId)
          .doesNotContain(1L, 3L);
    }
  }

  @Test
  void listReadsTheSqlTablesBesideTheRunningService() throws Exception {
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
      assertThat(
              CliRuns.jsonLinesOfKind(
                  CliRuns.run(
                      "dead-letters",
                      "list",
                      "--backend",
                      "sql",
                      "-c",
                      conf.toString(),
                      "--format",
                      "json"),
                  "dead_letter"))
          .extracting(
              n -> n.get("reason").asText(),
              n -> n.get("event_id").asLong(),
              n -> n.get("payload").asText())
          .containsExactly(
              tuple("handler-gave-up", 1L, "Xbad one"),
              tuple("handler-gave-up", 3L, "X\u00e9 two"));
    }
  }
}
