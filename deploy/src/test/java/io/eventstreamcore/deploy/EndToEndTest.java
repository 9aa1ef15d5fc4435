package io.eventstreamcore.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.event.Route;
import io.eventstreamcore.engine.record.RecordKind;
import io.eventstreamcore.engine.spi.ReadableBackend;
import io.eventstreamcore.engine.spi.StoredEvent;
import io.eventstreamcore.engine.spi.StoredRecord;
import io.eventstreamcore.ingest.client.EventStreamClient;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The service as a user meets it: four TCP producers stream 200,000 frames (every priority, many
 * topics, v1 and v2, some repeated event ids) into a service with memory storage; then every
 * non-duplicate event is stored exactly once with the right topic, priority, route and payload,
 * alerts and window summaries are there, ACKs cover every frame, and /metrics agrees.
 */
class EndToEndTest {
  private static final int CONNECTIONS = 4;
  private static final int FRAMES_PER_CONNECTION = 50_000;
  private static final String[] TOPICS = {
    "sensor/1", "sensor/2", "sensor/temperature", "system/alerts", "db/error", "analytics/metrics",
    "user/activity", "user/login", "orders/created", "orders/paid", "clicks", "app/log"
  };
  private static final Map<String, Priority> TABLE =
      Map.of(
          "sensor/1", Priority.CRITICAL,
          "sensor/2", Priority.HIGH,
          "sensor/temperature", Priority.HIGH,
          "system/alerts", Priority.HIGH,
          "db/error", Priority.CRITICAL,
          "analytics/metrics", Priority.BATCH,
          "user/activity", Priority.BATCH,
          "user/login", Priority.LOW);

  /** One frame as sent, to check what was stored against. */
  private record Sent(String topic, Priority framePriority, long eventId, byte[] payload) {}

  @Test
  void streamsFromFourConnectionsAreStoredOnceAckedAndCounted() throws Exception {
    StringBuilder table = new StringBuilder();
    TABLE.forEach((t, p) -> table.append("\"").append(t).append("\" = ").append(p).append("\n"));
    EventStreamService service =
        EventStreamService.start(
            TestConfigs.withOverrides(
                "eventstream.storage.backends = [memory]\n"
                    + "eventstream.ingest.io-threads = 2\n" // several threads publish at once
                    + "eventstream.storage.memory { max-events = 250000, max-bytes = 256MiB }\n"
                    + "eventstream.processors.batch.window = 250ms\n"
                    + "eventstream.topics.priorities {\n"
                    + table
                    + "}\n"));
    Map<Long, Sent> sent = new HashMap<>();
    int duplicatesSent;
    try {
      ExecutorService producers = Executors.newFixedThreadPool(CONNECTIONS);
      List<Future<List<Sent>>> results = new ArrayList<>();
      for (int c = 0; c < CONNECTIONS; c++) {
        int connection = c;
        results.add(producers.submit(() -> produce(service, connection)));
      }
      duplicatesSent = 0;
      for (Future<List<Sent>> result : results) {
        for (Sent frame : result.get()) {
          Sent previous = sent.put(key(frame.payload()), frame);
          if (previous != null) {
            duplicatesSent++;
          }
        }
      }
      producers.shutdown();
      int unique = sent.size();
      ReadableBackend memory = (ReadableBackend) service.backend("memory");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  service.metrics().framesReceived().get() == CONNECTIONS * FRAMES_PER_CONNECTION
                      && memory.readEvents().size() == unique);
      assertThat(service.metrics().eventsDuplicate().get()).isEqualTo(duplicatesSent);
      // Stored (readable) comes a moment before counted and acknowledged (the latency): awaited.
      int duplicates = duplicatesSent;
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> checkMetrics(service, unique, duplicates));
    } finally {
      service.close();
    }
    ReadableBackend memory = (ReadableBackend) service.backend("memory");
    checkStoredEvents(memory.readEvents(), sent);
    checkRecords(memory.readRecords(), sent);
  }

  /**
   * Connection 0 speaks v1 (no ids, no acks); 1 asks an ACK on every frame; 2 on every 100th only;
   * 3 asks on every frame and resends every 10th frame's predecessor (same id, same content) as a
   * client retrying would.
   */
  private static List<Sent> produce(EventStreamService service, int connection) throws Exception {
    List<Sent> frames = new ArrayList<>();
    try (EventStreamClient client = EventStreamClient.connect(service.ingestAddress())) {
      for (int i = 0; i < FRAMES_PER_CONNECTION; i++) {
        Sent frame;
        if (connection == 3 && i % 10 == 9) {
          frame = frames.get(frames.size() - 1);
        } else {
          frame = frame(connection, i);
        }
        if (connection == 0) {
          client.sendV1(frame.framePriority(), frame.topic(), frame.payload());
        } else {
          boolean ack = connection != 2 || i % 100 == 0 || i == FRAMES_PER_CONNECTION - 1;
          client.send(frame.framePriority(), frame.topic(), frame.eventId(), frame.payload(), ack);
        }
        frames.add(frame);
      }
      client.flush();
      if (connection != 0) {
        assertThat(client.awaitAck(client.framesSent(), Duration.ofSeconds(30)))
            .as("ACKs of connection %d cover every frame", connection)
            .isTrue();
        assertThat(client.lastAck()).isEqualTo(FRAMES_PER_CONNECTION);
        assertThat(client.errors()).isEmpty();
      }
    }
    return frames;
  }

  private static Sent frame(int connection, int i) {
    String topic = TOPICS[(i * 7 + connection) % TOPICS.length];
    Priority priority = Priority.ofCode((i + connection) % 5);
    int size = i % 1000 == 0 ? 1500 : 16 + i % 32; // some large payloads trip the size alert
    ByteBuffer payload = ByteBuffer.allocate(size);
    payload.put((byte) (i % 251)); // first byte: sometimes over 100, for the temperature alert
    payload.put((byte) connection);
    payload.putInt(i);
    long eventId = connection == 0 ? 0 : ((long) connection << 32) | (i + 1);
    return new Sent(topic, priority, eventId, payload.array());
  }

  private static long key(byte[] payload) {
    ByteBuffer b = ByteBuffer.wrap(payload);
    b.get();
    return ((long) b.get() << 32) | b.getInt();
  }

  private static Priority expectedPriority(Sent frame) {
    Priority listed = TABLE.get(frame.topic());
    return listed != null
        ? Priority.max(frame.framePriority(), listed)
        : Priority.min(frame.framePriority(), Priority.MEDIUM);
  }

  private static void checkStoredEvents(List<StoredEvent> stored, Map<Long, Sent> sent) {
    Map<Long, Integer> seen = new HashMap<>();
    for (StoredEvent event : stored) {
      long key = key(event.payload());
      seen.merge(key, 1, Integer::sum);
      Sent frame = sent.get(key);
      assertThat(frame).as("stored event %d was sent", key).isNotNull();
      assertThat(event.topic()).isEqualTo(frame.topic());
      assertThat(event.payload()).isEqualTo(frame.payload());
      assertThat(event.eventId()).isEqualTo(frame.eventId());
      assertThat(event.priority()).isEqualTo(expectedPriority(frame));
      assertThat(event.route()).isEqualTo(Route.of(expectedPriority(frame)));
    }
    assertThat(seen).hasSize(sent.size());
    assertThat(seen.values()).allMatch(n -> n == 1, "each event stored exactly once");
  }

  private static void checkRecords(List<StoredRecord> records, Map<Long, Sent> sent) {
    long expectedAlerts = 0;
    long batchEvents = 0;
    for (Sent frame : sent.values()) {
      Route route = Route.of(expectedPriority(frame));
      if (route == Route.REALTIME) {
        expectedAlerts += frame.payload().length > 1024 ? 1 : 0;
        boolean hot =
            frame.topic().equals("sensor/temperature") && (frame.payload()[0] & 0xff) > 100;
        expectedAlerts += hot ? 1 : 0;
      } else if (route == Route.BATCH) {
        batchEvents++;
      }
    }
    long alerts = records.stream().filter(r -> r.kind() == RecordKind.ALERT).count();
    long windowed =
        records.stream()
            .filter(r -> r.kind() == RecordKind.WINDOW)
            .mapToLong(StoredRecord::count)
            .sum();
    assertThat(expectedAlerts).isPositive();
    assertThat(alerts).isEqualTo(expectedAlerts);
    assertThat(batchEvents).isPositive();
    assertThat(windowed).as("window summaries count every batch event once").isEqualTo(batchEvents);
  }

  private static void checkMetrics(EventStreamService service, int unique, int duplicates)
      throws Exception {
    HttpResponse<String> response = AdminHttp.get(service, "/metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    String body = response.body();
    assertThat(AdminHttp.value(body, "eventstream_frames_received_total"))
        .isEqualTo(CONNECTIONS * FRAMES_PER_CONNECTION);
    assertThat(AdminHttp.value(body, "eventstream_events_duplicate_total")).isEqualTo(duplicates);
    assertThat(AdminHttp.value(body, "eventstream_events_stored_total{backend=\"memory\"}"))
        .isEqualTo(unique);
    double processed =
        AdminHttp.value(body, "eventstream_events_processed_total{processor=\"realtime\"}")
            + AdminHttp.value(
                body, "eventstream_events_processed_total{processor=\"transactional\"}")
            + AdminHttp.value(body, "eventstream_events_processed_total{processor=\"batch\"}");
    assertThat(processed).isEqualTo(unique);
    assertThat(AdminHttp.value(body, "eventstream_frames_rejected_total{reason=\"bad_head\"}"))
        .isZero();
    assertThat(AdminHttp.value(body, "eventstream_event_latency_seconds_count"))
        .isEqualTo(unique + duplicates);
    assertThat(AdminHttp.value(body, "eventstream_connections_active")).isBetween(0.0, 4.0);
    assertThat(body).contains("eventstream_ring_remaining_slots", "jvm_memory_used_bytes");
  }
}
