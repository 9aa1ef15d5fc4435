package io.eventstreamcore.deploy.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.typesafe.config.ConfigFactory;
import io.eventstreamcore.deploy.EventStreamService;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.record.RecordKind;
import io.eventstreamcore.engine.spi.ReadableBackend;
import io.eventstreamcore.engine.spi.StoredRecord;
import io.eventstreamcore.ingest.client.EventStreamClient;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The README's example handlers, configured as the README shows, in a running service. */
class ExampleHandlersTest {
  private static final String CONFIG =
      "eventstream.ingest.port = 0\n"
          + "eventstream.admin.port = 0\n"
          + "eventstream.ring.size = 1024\n"
          + "eventstream.storage.backends = [memory]\n"
          + "eventstream.topics.priorities { \"sensor/boiler\" = CRITICAL }\n"
          + "eventstream.processors {\n"
          + "  realtime.handlers = [\n"
          + "    { handler = alert-rules }\n"
          + "    { class = \"io.eventstreamcore.deploy.examples.HotSensorHandler\",\n"
          + "      name = boiler-hot, config { threshold = 90 } }\n"
          + "    { class = \"io.eventstreamcore.deploy.examples.CelsiusHandler\",\n"
          + "      name = boiler-celsius, config { min = -20, max = 120 } }\n"
          + "  ]\n"
          + "  transactional.handlers = [\n"
          + "    { class = \"io.eventstreamcore.deploy.examples.IdOrderHandler\", name = id-order }\n"
          + "  ]\n"
          + "  batch.handlers = [\n"
          + "    { class = \"io.eventstreamcore.deploy.examples.TopicTotalsHandler\",\n"
          + "      name = totals, config { interval = 1h } }\n"
          + "  ]\n"
          + "}\n";

  @Test
  void eachExampleEmitsWhatItsDocumentationSays() throws Exception {
    EventStreamService service =
        EventStreamService.start(
            ConfigFactory.parseString(CONFIG)
                .withFallback(ConfigFactory.defaultReference())
                .resolve());
    try (EventStreamClient client = EventStreamClient.connect(service.ingestAddress())) {
      // Realtime: 80, 95 (alert), 97 (still hot: no alert), 50 (cooled), 99 (alert again), 0.
      long id = 1;
      for (int reading : new int[] {80, 95, 97, 50, 99, 0}) {
        send(client, Priority.CRITICAL, "sensor/boiler", id++, new byte[] {(byte) reading});
      }
      // Transactional: ids 10, 12, then 11 goes backwards on orders.
      send(client, Priority.LOW, "orders", 10, new byte[1]);
      send(client, Priority.LOW, "orders", 12, new byte[1]);
      send(client, Priority.LOW, "orders", 11, new byte[1]);
      // Batch: two topics, totals flushed at stop (the 1h interval never elapses here).
      send(client, Priority.BATCH, "clicks", 20, new byte[] {7, 0, 0});
      send(client, Priority.BATCH, "clicks", 21, new byte[] {9, 0, 0, 0});
      send(client, Priority.BATCH, "views", 22, new byte[] {(byte) 200, 0, 0, 0, 0});
      // Each event was handled before it was acknowledged.
      assertThat(
              service.metrics().registry().scrape().stream()
                  .filter(m -> m.getMetadata().getName().equals("example_orders"))
                  .mapToDouble(m -> ((CounterSnapshot) m).getDataPoints().get(0).getValue())
                  .sum())
          .isEqualTo(3);
    } finally {
      service.close();
    }

    List<StoredRecord> records = ((ReadableBackend) service.backend("memory")).readRecords();
    assertThat(records)
        .filteredOn(r -> r.kind() == RecordKind.ALERT && r.name().equals("boiler-hot"))
        .extracting(StoredRecord::eventId, StoredRecord::value)
        .containsExactly(tuple(2L, 95.0), tuple(5L, 99.0));
    // One derived event per reading, beside the events: the source's topic, id and priority.
    assertThat(records)
        .filteredOn(r -> r.kind() == RecordKind.DERIVED_EVENT)
        .extracting(
            StoredRecord::name,
            StoredRecord::topic,
            StoredRecord::eventId,
            StoredRecord::priority,
            r -> new String(r.payload(), StandardCharsets.US_ASCII))
        .containsExactly(
            tuple("boiler-celsius", "sensor/boiler", 1L, Priority.CRITICAL, "24"),
            tuple("boiler-celsius", "sensor/boiler", 2L, Priority.CRITICAL, "32"),
            tuple("boiler-celsius", "sensor/boiler", 3L, Priority.CRITICAL, "33"),
            tuple("boiler-celsius", "sensor/boiler", 4L, Priority.CRITICAL, "7"),
            tuple("boiler-celsius", "sensor/boiler", 5L, Priority.CRITICAL, "34"),
            tuple("boiler-celsius", "sensor/boiler", 6L, Priority.CRITICAL, "-20"));
    assertThat(records)
        .filteredOn(r -> r.kind() == RecordKind.ALERT && r.name().equals("id-order"))
        .extracting(StoredRecord::eventId, StoredRecord::value)
        .containsExactly(tuple(11L, 12.0));
    assertThat(records)
        .filteredOn(r -> r.kind() == RecordKind.WINDOW)
        .extracting(
            StoredRecord::topic,
            StoredRecord::count,
            StoredRecord::payloadBytes,
            StoredRecord::name,
            StoredRecord::value)
        .containsExactlyInAnyOrder(
            tuple("clicks", 2L, 7L, "peak-reading", 9.0),
            tuple("views", 1L, 5L, "peak-reading", 200.0));
  }

  @Test
  void theReadmeQuotesTheExamplesAsTheyAre() throws Exception {
    String readme = Files.readString(Path.of("../README.md"));
    for (String example :
        List.of("HotSensorHandler", "CelsiusHandler", "IdOrderHandler", "TopicTotalsHandler")) {
      String source =
          Files.readString(
              Path.of("src/test/java/io/eventstreamcore/deploy/examples/" + example + ".java"));
      // The README shows each class without its package and import lines.
      String quoted =
          source
              .lines()
              .filter(line -> !line.startsWith("package ") && !line.startsWith("import "))
              .collect(Collectors.joining("\n"))
              .strip();
      assertThat(readme).as(example).contains("```java\n" + quoted + "\n```");
    }
  }

  private static void send(
      EventStreamClient client, Priority priority, String topic, long id, byte[] payload)
      throws Exception {
    long frame = client.send(priority, topic, id, payload, true);
    client.flush();
    assertThat(client.awaitAck(frame, Duration.ofSeconds(10))).isTrue();
  }
}
