package io.eventstreamcore.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.record.RecordKind;
import io.eventstreamcore.engine.spi.ReadableBackend;
import io.eventstreamcore.engine.spi.StoredEvent;
import io.eventstreamcore.engine.spi.StoredRecord;
import io.eventstreamcore.ingest.client.EventStreamClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The default file backend keeps what was acknowledged across a clean stop and a start. */
class FileStorageRestartTest {
  @TempDir Path data;

  @Test
  void eventsAndRecordsWrittenBeforeStopAreReadAfterStart() throws Exception {
    Config config =
        TestConfigs.withOverrides(
            "eventstream.storage.backends = [file]\n"
                + TestConfigs.fileDirectory(data)
                + "eventstream.storage.file.sync = always\n");
    send(config, 0, 500);
    send(config, 500, 500);

    EventStreamService service = EventStreamService.start(config);
    List<StoredEvent> events;
    List<StoredRecord> records;
    try {
      ReadableBackend file = (ReadableBackend) service.backend("file");
      events = file.readEvents();
      records = file.readRecords();
    } finally {
      service.close();
    }
    assertThat(events).hasSize(1000);
    for (int i = 0; i < events.size(); i++) {
      StoredEvent event = events.get(i);
      assertThat(event.eventId()).isEqualTo(i + 1);
      assertThat(new String(event.payload(), StandardCharsets.UTF_8)).isEqualTo("event-" + i);
    }
    assertThat(records).anyMatch(r -> r.kind() == RecordKind.WINDOW && r.topic().equals("metrics"));
    long windowed =
        records.stream()
            .filter(r -> r.kind() == RecordKind.WINDOW)
            .mapToLong(StoredRecord::count)
            .sum();
    assertThat(windowed).isEqualTo(1000);
  }

  /** Runs a service, sends {@code count} BATCH events with acks, waits for them, stops. */
  private static void send(Config config, int first, int count) throws Exception {
    try (EventStreamService service = EventStreamService.start(config);
        EventStreamClient client = EventStreamClient.connect(service.ingestAddress())) {
      for (int i = first; i < first + count; i++) {
        byte[] payload = ("event-" + i).getBytes(StandardCharsets.UTF_8);
        client.send(Priority.BATCH, "metrics", i + 1, payload, true);
      }
      client.flush();
      assertThat(client.awaitAck(count, Duration.ofSeconds(10))).isTrue();
    }
  }
}
