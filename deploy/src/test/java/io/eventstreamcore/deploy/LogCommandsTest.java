package io.eventstreamcore.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.ingest.client.EventStreamClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code inspect} and {@code tail} over a file log the service wrote, as the command line runs
 * them.
 */
class LogCommandsTest {
  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private String config() {
    return "eventstream.storage.backends = [file]\n"
        + "eventstream.topics.priorities { \"sensor/temperature\" = HIGH }\n"
        + TestConfigs.fileDirectory(dir);
  }

  /**
   * Stores events 1..20: even ids on "orders" as BATCH (windowed), odd ids on "sensor/temperature"
   * as HIGH with a first byte over 100 (each raises an alert).
   */
  private void writeLog() throws Exception {
    try (EventStreamService service =
            EventStreamService.start(TestConfigs.withOverrides(config()));
        EventStreamClient client = EventStreamClient.connect(service.ingestAddress())) {
      send(client, 1, 20);
    }
  }

  private static void send(EventStreamClient client, int from, int to) throws Exception {
    long frame = 0;
    for (int id = from; id <= to; id++) {
      String topic = id % 2 == 0 ? "orders" : "sensor/temperature";
      byte[] payload =
          id % 2 == 0 ? ("order " + id).getBytes(StandardCharsets.UTF_8) : new byte[] {(byte) 200};
      frame = client.send(id % 2 == 0 ? Priority.BATCH : Priority.HIGH, topic, id, payload, true);
    }
    client.flush();
    assertThat(client.awaitAck(frame, DEADLINE)).isTrue();
  }

  private int run(String... args) {
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  private List<JsonNode> jsonLines() throws Exception {
    List<JsonNode> nodes = new ArrayList<>();
    for (String line : out.toString().split("\n")) {
      if (!line.isBlank()) {
        nodes.add(JSON.readTree(line));
      }
    }
    return nodes;
  }

  @Test
  void inspectSaysWhenACorruptRecordEndsWhatItCouldReadAndExitsOne() throws Exception {
    writeLog();
    Path segment;
    try (var files = Files.list(dir)) {
      segment = files.filter(f -> f.toString().endsWith(".log")).max(Path::compareTo).orElseThrow();
    }
    // The last byte of the last frame's body: its checksum no longer matches.
    byte[] bytes = Files.readAllBytes(segment);
    bytes[bytes.length - 1] ^= (byte) 0xFF;
    Files.write(segment, bytes);

    assertThat(run("inspect", "-d", dir.toString(), "--records")).isEqualTo(1);
    assertThat(err.toString())
        .contains("the log was not read whole: a corrupt record at byte ")
        .contains("of " + segment.getFileName() + " ends what could be read");
  }

  @Test
  void inspectFiltersByTopicIdAndLimit() throws Exception {
    writeLog();

    assertThat(run("inspect", "-d", dir.toString(), "--format", "json", "--topic", "orders"))
        .isZero();
    List<JsonNode> orders = jsonLines();
    assertThat(orders)
        .extracting(n -> n.get("event_id").asLong())
        .containsExactly(2L, 4L, 6L, 8L, 10L, 12L, 14L, 16L, 18L, 20L);
    assertThat(orders.get(0).get("payload").asText()).isEqualTo("order 2");
    assertThat(orders.get(0).get("priority").asText()).isEqualTo("BATCH");
    assertThat(orders.get(0).get("route").asText()).isEqualTo("batch");
    assertThat(err.toString()).contains("10 event(s)");

    out.getBuffer().setLength(0);
    assertThat(run("inspect", "-d", dir.toString(), "--format=JSON", "--id", "7")).isZero();
    List<JsonNode> seven = jsonLines();
    assertThat(seven)
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.get("topic").asText()).isEqualTo("sensor/temperature");
              assertThat(n.get("payload_base64").asText())
                  .isEqualTo("yA=="); // 0xC8 is not UTF-8 text
            });

    out.getBuffer().setLength(0);
    assertThat(run("inspect", "-d", dir.toString(), "--format", "json", "-n", "3")).isZero();
    assertThat(jsonLines()).extracting(n -> n.get("event_id").asLong()).containsExactly(1L, 2L, 3L);
  }

  @Test
  void idsAndClientTimesPrintAsUnsigned64BitNumbers() throws Exception {
    try (EventStreamService service =
            EventStreamService.start(TestConfigs.withOverrides(config()));
        EventStreamClient client = EventStreamClient.connect(service.ingestAddress())) {
      // head LOW | ACK | extended, topic "big", event_id 2^64 - 2, client_time_us 2^63
      byte[] body =
          ByteBuffer.allocate(22)
              .put((byte) 0xC1)
              .putShort((short) 3)
              .put("big".getBytes(StandardCharsets.US_ASCII))
              .putLong(-2L)
              .putLong(Long.MIN_VALUE)
              .array();
      long frame = client.sendRaw(body);
      client.flush();
      assertThat(client.awaitAck(frame, DEADLINE)).isTrue();
    }

    String id = "18446744073709551614";
    assertThat(run("inspect", "-d", dir.toString(), "--format", "json", "--id", id)).isZero();
    assertThat(out.toString())
        .contains("\"event_id\":" + id + ",\"client_time_us\":9223372036854775808,");

    out.getBuffer().setLength(0);
    assertThat(run("inspect", "-d", dir.toString(), "--id", id)).isZero();
    assertThat(out.toString()).contains("event_id: " + id + "\n");

    assertThat(run("inspect", "-d", dir.toString(), "--id", "-2")).isEqualTo(2);
    assertThat(err.toString()).contains("-2 is not a number from 0 to 18446744073709551615");
    // 0 is "no id": it would match every event rather than none.
    assertThat(run("inspect", "-d", dir.toString(), "--id", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("--id must be 1 to 2^64 - 1: 0 stands for no id");
  }

  @Test
  void textPayloadsWithCharactersYamlCannotHoldRawPrintEscaped() throws Exception {
    try (EventStreamService service =
            EventStreamService.start(TestConfigs.withOverrides(config()));
        EventStreamClient client = EventStreamClient.connect(service.ingestAddress())) {
      byte[] payload = "a\u007fb\u0085c\u2028d\uFEFFe".getBytes(StandardCharsets.UTF_8);
      long frame = client.send(Priority.LOW, "text", 1, payload, true);
      client.flush();
      assertThat(client.awaitAck(frame, DEADLINE)).isTrue();
    }

    assertThat(run("inspect", "-d", dir.toString())).isZero();
    assertThat(out.toString()).contains("payload: \"a\\u007fb\\u0085c\\u2028d\\ufeffe\"\n");
  }

  @Test
  void inspectFromTheServicesConfigurationNeedsOnlyItsFileBlock() throws Exception {
    writeLog();
    // The service's file also lists sql, whose URL its environment alone sets.
    Path conf = dir.resolve("service.conf");
    Files.writeString(conf, config() + "eventstream.storage.backends = [file, sql]\n");

    assertThat(run("inspect", "-c", conf.toString(), "--format", "json", "-n", "2"))
        .as(err::toString)
        .isZero();
    assertThat(jsonLines()).extracting(n -> n.get("event_id").asLong()).containsExactly(1L, 2L);
  }

  @Test
  void inspectWithRecordsShowsTheAlertsAndYamlByDefault() throws Exception {
    writeLog();

    assertThat(run("inspect", "-d", dir.toString(), "--records", "--topic", "sensor/temperature"))
        .isZero();
    String yaml = out.toString();
    assertThat(yaml.split("(?m)^---$")).hasSize(1 + 10 + 10); // 10 events, 10 alerts
    assertThat(yaml).contains("kind: \"alert\"\n", "rule: \"high-temperature\"");

    out.getBuffer().setLength(0);
    assertThat(run("inspect", "-d", dir.toString(), "--records", "--topic", "orders")).isZero();
    // The window summaries (flushed at stop) count the ten BATCH events.
    long windowed =
        out.toString()
            .lines()
            .filter(line -> line.startsWith("count: "))
            .mapToLong(line -> Long.parseLong(line.substring("count: ".length())))
            .sum();
    assertThat(out.toString()).contains("kind: \"window\"");
    assertThat(windowed).isEqualTo(10);
  }

  @Test
  void tailPrintsTheLastEventsAndFollowsNewOnes() throws Exception {
    writeLog();
    assertThat(run("tail", "-d", dir.toString(), "-n", "3", "--format", "json")).isZero();
    assertThat(jsonLines())
        .extracting(n -> n.get("event_id").asLong())
        .containsExactly(18L, 19L, 20L);

    out.getBuffer().setLength(0);
    try (EventStreamService service =
            EventStreamService.start(TestConfigs.withOverrides(config()));
        EventStreamClient client = EventStreamClient.connect(service.ingestAddress())) {
      Thread follower =
          new Thread(
              () ->
                  run(
                      "tail",
                      "-f",
                      "-d",
                      dir.toString(),
                      "-n",
                      "1",
                      "--format",
                      "json",
                      "--poll-interval",
                      "20"),
              "test-tail-follow");
      follower.start();
      try {
        // Once the last event already stored is printed, the follow has begun.
        await().atMost(DEADLINE).until(() -> out.toString().contains("\"event_id\":20"));
        send(client, 21, 25);
        await()
            .atMost(DEADLINE)
            .untilAsserted(
                () -> assertThat(out.toString()).as(err::toString).contains("\"event_id\":25"));
      } finally {
        follower.interrupt();
        follower.join(DEADLINE.toMillis());
      }
      assertThat(follower.isAlive()).isFalse();
    }
    assertThat(jsonLines())
        .extracting(n -> n.get("event_id").asLong())
        .containsExactly(20L, 21L, 22L, 23L, 24L, 25L);
  }

  @Test
  void inspectAndTailReadTheSqlTablesBesideTheRunningService() throws Exception {
    String sql =
        "eventstream.storage.backends = [sql]\n"
            + "eventstream.topics.priorities { \"sensor/temperature\" = HIGH }\n"
            + "eventstream.storage.sql.url = \"jdbc:sqlite:"
            + dir.resolve("events.db").toString().replace("\\", "/")
            + "\"\n";
    Path conf = dir.resolve("sql.conf");
    java.nio.file.Files.writeString(conf, sql);
    try (EventStreamService service = EventStreamService.start(TestConfigs.withOverrides(sql));
        EventStreamClient client = EventStreamClient.connect(service.ingestAddress())) {
      send(client, 1, 20);

      String[] base = {"--backend", "sql", "-c", conf.toString(), "--format", "json"};
      assertThat(run(concat(new String[] {"inspect", "--topic", "orders"}, base))).isZero();
      List<JsonNode> orders = jsonLines();
      assertThat(orders)
          .extracting(n -> n.get("event_id").asLong())
          .containsExactly(2L, 4L, 6L, 8L, 10L, 12L, 14L, 16L, 18L, 20L);
      assertThat(orders.get(0).has("row")).isTrue();

      out.getBuffer().setLength(0);
      assertThat(run(concat(new String[] {"inspect", "--records", "--id", "1"}, base))).isZero();
      assertThat(jsonLines())
          .extracting(n -> n.get("kind").asText())
          .startsWith("event")
          .contains("alert");

      out.getBuffer().setLength(0);
      Thread follower =
          new Thread(
              () ->
                  run(
                      concat(
                          new String[] {"tail", "-f", "-n", "3", "--poll-interval", "20"}, base)),
              "test-sql-tail");
      follower.start();
      try {
        await().atMost(DEADLINE).until(() -> out.toString().contains("\"event_id\":20"));
        send(client, 21, 23);
        await().atMost(DEADLINE).until(() -> out.toString().contains("\"event_id\":23"));
      } finally {
        follower.interrupt();
        follower.join(DEADLINE.toMillis());
      }
      assertThat(follower.isAlive()).isFalse();
      assertThat(jsonLines())
          .extracting(n -> n.get("event_id").asLong())
          .containsExactly(18L, 19L, 20L, 21L, 22L, 23L);
    }
  }

  private static String[] concat(String[] first, String[] second) {
    String[] all = java.util.Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, all, first.length, second.length);
    return all;
  }

  @Test
  void badInputIsOneLineWithItsExitCode() {
    assertThat(run("inspect", "-d", dir.resolve("missing").toString())).isEqualTo(1);
    assertThat(err.toString().strip()).startsWith("cannot read the log:").doesNotContain("\n");

    err.getBuffer().setLength(0);
    assertThat(run("inspect", "-d", dir.toString(), "--since", "yesterday")).isEqualTo(2);
    assertThat(err.toString()).contains("--since yesterday");

    err.getBuffer().setLength(0);
    assertThat(run("tail", "--format", "xml")).isEqualTo(2);
    assertThat(err.toString().lines()).hasSize(2).last().asString().contains("--help");

    // Values their types allow but their meaning does not: usage errors too.
    err.getBuffer().setLength(0);
    assertThat(run("tail", "-f", "-d", dir.toString(), "--poll-interval", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("--poll-interval must be at least 1, was 0");
    err.getBuffer().setLength(0);
    assertThat(run("inspect", "-d", dir.toString(), "-n", "-1")).isEqualTo(2);
    assertThat(err.toString()).contains("--limit must be at least 0, was -1");
    err.getBuffer().setLength(0);
    assertThat(run("dead-letters", "replay", "-d", dir.toString(), "--port", "70000")).isEqualTo(2);
    assertThat(err.toString()).contains("--port must be 1..65535, was 70000");
    err.getBuffer().setLength(0);
    assertThat(run("send", "--port", "9000", "--window", "0", "-")).isEqualTo(2);
    assertThat(err.toString()).contains("--window must be at least 1, was 0");
    // No time to wait for an ACK would report every event of a healthy server unacknowledged.
    err.getBuffer().setLength(0);
    assertThat(run("send", "--port", "9000", "--timeout", "0", "-")).isEqualTo(2);
    assertThat(err.toString()).contains("--timeout must be at least 1, was 0");
    err.getBuffer().setLength(0);
    assertThat(
            run("dead-letters", "replay", "-d", dir.toString(), "--port", "9000", "--timeout", "0"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--timeout must be at least 1, was 0");
  }
}
