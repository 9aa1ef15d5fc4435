package io.eventstreamcore.deploy;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.spi.ReadableBackend;
import io.eventstreamcore.engine.spi.StoredEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code eventstream send} against a running service, as the command line runs it. */
class SendCommandTest {
  @TempDir Path dir;
  private final StringWriter err = new StringWriter();
  private EventStreamService service;

  @BeforeEach
  void start() throws Exception {
    service =
        EventStreamService.start(
            TestConfigs.withOverrides("eventstream.storage.backends = [memory]"));
  }

  @AfterEach
  void stop() throws Exception {
    service.close();
  }

  private int send(String... args) {
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(new StringWriter(), true));
    cli.setErr(new PrintWriter(err, true));
    String[] all = new String[args.length + 3];
    all[0] = "send";
    all[1] = "--port=" + service.ingestAddress().getPort();
    all[2] = "--priority=low";
    System.arraycopy(args, 0, all, 3, args.length);
    return cli.execute(all);
  }

  private List<StoredEvent> stored() throws Exception {
    return ((ReadableBackend) service.backend("memory")).readEvents();
  }

  @Test
  void jsonLinesAreSentWithTheirFieldsAndAcknowledged() throws Exception {
    Path input = dir.resolve("events.jsonl");
    Files.writeString(
        input,
        "{\"topic\":\"orders\",\"priority\":\"BATCH\",\"id\":42,\"payload\":\"hello\"}\n"
            + "\n"
            + "{\"topic\":\"orders\",\"priority\":2,\"id\":43,\"payload_base64\":\"AAEC\"}\n"
            + "{\"topic\":\"orders\",\"payload\":\"no id: one is generated\"}\n");

    assertThat(send(input.toString())).isZero();

    List<StoredEvent> events = stored();
    assertThat(events).hasSize(3);
    assertThat(events.get(0).eventId()).isEqualTo(42);
    assertThat(events.get(0).priority()).isEqualTo(Priority.BATCH);
    assertThat(new String(events.get(0).payload(), StandardCharsets.UTF_8)).isEqualTo("hello");
    assertThat(events.get(1).priority()).isEqualTo(Priority.MEDIUM); // by its code, not --priority
    assertThat(events.get(1).eventId()).isEqualTo(43);
    assertThat(events.get(1).payload()).containsExactly(0, 1, 2);
    assertThat(events.get(2).eventId()).isNotZero();
    assertThat(events.get(2).priority()).isEqualTo(Priority.LOW); // --priority default
    assertThat(err.toString()).contains("sent 3 events: 3 acknowledged, 0 rejected");
  }

  @Test
  void badLinesAreReportedSkippedAndFailTheExitCodeButLoseNothingElse() throws Exception {
    Path input = dir.resolve("mixed.jsonl");
    Files.writeString(
        input,
        "{\"topic\":\"a\",\"id\":1}\n"
            + "{not json\n"
            + "{\"topic\":\"a\",\"id\":2,\"priority\":\"URGENT\"}\n"
            + "{\"id\":3}\n"
            + "{\"topic\":\"a\",\"id\":4}\n"
            + "{\"topic\":\"a\",\"id\":5,\"paylod\":\"misspelt\"}\n");

    assertThat(send(input.toString())).isEqualTo(1);

    assertThat(stored()).extracting(StoredEvent::eventId).containsExactly(1L, 4L);
    assertThat(err.toString())
        .contains("line 2: not valid JSON", "line 3: \"priority\" URGENT", "line 4: no topic")
        .contains("line 6: unknown field \"paylod\"")
        .contains("sent 2 events: 2 acknowledged, 0 rejected, 0 unacknowledged, 4 bad lines");
  }

  @Test
  void rawLinesAreOnePayloadEach() throws Exception {
    Path input = dir.resolve("lines.txt");
    Files.writeString(
        input,
        IntStream.rangeClosed(1, 1000)
            .mapToObj(i -> "line " + i)
            .collect(Collectors.joining("\n")));

    assertThat(send("--format=raw", "--topic=logs", input.toString())).isZero();

    List<StoredEvent> events = stored();
    assertThat(events).hasSize(1000);
    assertThat(events).allSatisfy(e -> assertThat(e.topic()).isEqualTo("logs"));
    assertThat(new String(events.get(999).payload(), StandardCharsets.UTF_8))
        .isEqualTo("line 1000");
    assertThat(events).extracting(StoredEvent::eventId).doesNotHaveDuplicates();
  }

  @Test
  void rawEmptyAndBlankLinesAreEmptyAndBlankPayloads() throws Exception {
    Path input = dir.resolve("lines.txt");
    Files.writeString(input, "a\n\n \nb\n"); // the last newline ends "b": no fifth line

    assertThat(send("--format=raw", "--topic=logs", input.toString())).isZero();

    assertThat(stored())
        .extracting(e -> new String(e.payload(), StandardCharsets.UTF_8))
        .containsExactly("a", "", " ", "b");
  }

  @Test
  void aServerThatStopsAcknowledgingEndsTheSendWithExitOne() throws Exception {
    Path input = dir.resolve("lines.txt");
    Files.writeString(
        input,
        IntStream.rangeClosed(1, 100).mapToObj(i -> "line " + i).collect(Collectors.joining("\n")));
    try (GatedServer silent = GatedServer.start()) { // reads, stores nothing, never acknowledges
      CommandLine cli = Main.commandLine();
      cli.setOut(new PrintWriter(new StringWriter(), true));
      cli.setErr(new PrintWriter(err, true));
      int port = silent.address().getPort();
      int code =
          assertTimeoutPreemptively(
              Duration.ofSeconds(30),
              () ->
                  cli.execute(
                      "send",
                      "--port=" + port,
                      "--format=raw",
                      "--topic=logs",
                      "--window=10",
                      "--timeout=1",
                      input.toString()));

      assertThat(code).isEqualTo(1);
      assertThat(err.toString())
          .contains("line 11: no ACK for 1 s with the window full; stopping")
          .contains("sent 10 events: 0 acknowledged, 0 rejected, 10 unacknowledged");
    }
  }

  @Test
  void aLineThatIsNotUtf8IsABadLineAndTheRestIsSent() throws Exception {
    Path input = dir.resolve("events.jsonl");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes("{\"topic\":\"t\",\"id\":1,\"payload\":\"one\"}\n".getBytes(UTF_8));
    bytes.writeBytes("{\"topic\":\"t\",\"id\":2,\"payload\":\"".getBytes(UTF_8));
    bytes.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xFE});
    bytes.writeBytes("\"}\n{\"topic\":\"t\",\"id\":3,\"payload\":\"three\"}\n".getBytes(UTF_8));
    Files.write(input, bytes.toByteArray());

    assertThat(send(input.toString())).isEqualTo(1);

    assertThat(err.toString()).contains("line 2: not valid UTF-8; skipped");
    assertThat(stored()).extracting(StoredEvent::eventId).containsExactly(1L, 3L);
  }

  @Test
  void aLoneSurrogateInATopicOrPayloadIsABadLineNotAQuestionMark() throws Exception {
    // JSON may escape half of a surrogate pair; UTF-8 has no bytes for it.
    Path input = dir.resolve("surrogates.jsonl");
    Files.writeString(
        input,
        "{\"topic\":\"t\",\"id\":1}\n"
            + "{\"topic\":\"a\\ud800b\",\"id\":2}\n"
            + "{\"topic\":\"t\",\"id\":3,\"payload\":\"\\udc00\"}\n"
            + "{\"topic\":\"\\ud83d\\ude00\",\"id\":4}\n");

    assertThat(send(input.toString())).isEqualTo(1);

    assertThat(err.toString())
        .contains("line 2: topic has a lone surrogate U+D800 at index 1")
        .contains("line 3: \"payload\" has a lone surrogate U+DC00 at index 0");
    assertThat(stored())
        .extracting(StoredEvent::topic)
        .containsExactly("t", "\ud83d\ude00"); // a pair is one character, sent as it is
  }

  @Test
  void anInputThatCannotBeReadIsNamedWithItsReasonNotAnExceptionClass() throws Exception {
    Path missing = dir.resolve("missing.jsonl");
    assertThat(send(missing.toString())).isEqualTo(1);
    assertThat(err.toString())
        .contains("cannot read " + missing + ": no such file or directory")
        .doesNotContain("Exception");

    err.getBuffer().setLength(0);
    assertThat(send(dir.toString())).isEqualTo(1);
    assertThat(err.toString())
        .isEqualTo("cannot read " + dir + ": is a directory" + System.lineSeparator());
  }

  @Test
  void rawLinesKeepTheirBytes() throws Exception {
    Path input = dir.resolve("raw.bin");
    Files.write(input, new byte[] {'a', '\r', 'b', '\n', (byte) 0xFF, (byte) 0xFE, '\r', '\n'});

    assertThat(send("--format=raw", "--topic=bin", input.toString())).isZero();

    assertThat(stored())
        .extracting(StoredEvent::payload)
        .containsExactly(new byte[] {'a', '\r', 'b'}, new byte[] {(byte) 0xFF, (byte) 0xFE});
  }

  @Test
  void inspectsJsonLinesReadBackAsTheEventsTheyShow() throws Exception {
    Path input = dir.resolve("inspected.jsonl");
    long clientTime = 1_700_000_000_123_456L;
    Files.writeString(
        input,
        "{\"offset\":0,\"kind\":\"event\",\"topic\":\"orders\",\"priority\":\"BATCH\","
            + "\"route\":\"batch\",\"event_id\":42,\"client_time_us\":"
            + clientTime
            + ",\"received_ms\":1700000000200,\"payload\":\"one\"}\n"
            + "{\"offset\":1,\"kind\":\"alert\",\"topic\":\"orders\",\"rule\":\"r\"}\n");

    assertThat(send(input.toString())).isEqualTo(1);

    assertThat(err.toString()).contains("line 2: a record of kind alert, not an event; skipped");
    assertThat(stored())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.eventId()).isEqualTo(42);
              assertThat(e.clientTimeMicros()).isEqualTo(clientTime);
              assertThat(e.priority()).isEqualTo(Priority.BATCH); // not --priority's LOW
            });
  }

  @Test
  void idsAndClientTimesAreUnsigned64BitNumbers() throws Exception {
    Path input = dir.resolve("u64.jsonl");
    Files.writeString(
        input,
        "{\"topic\":\"a\",\"event_id\":18446744073709551615,"
            + "\"client_time_us\":9223372036854775808}\n"
            + "{\"topic\":\"a\",\"event_id\":-1}\n"
            + "{\"topic\":\"a\",\"event_id\":18446744073709551616}\n");

    assertThat(send(input.toString())).isEqualTo(1);

    assertThat(stored())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.eventId()).isEqualTo(-1L); // the same 64 bits
              assertThat(e.clientTimeMicros()).isEqualTo(Long.MIN_VALUE);
            });
    assertThat(err.toString())
        .contains("line 2: \"event_id\" -1 is not a number from 0 to 18446744073709551615")
        .contains("line 3: \"event_id\" 18446744073709551616 is not a number from 0 to");
  }

  @Test
  void rawWithoutATopicIsAUsageError() {
    assertThat(send("--format=raw", dir.resolve("none").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("--format raw needs --topic");
  }
}
