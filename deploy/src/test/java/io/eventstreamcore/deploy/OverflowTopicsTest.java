package io.eventstreamcore.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

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

/**
 * Topics beyond {@code topics.max} share {@code _overflow} in the processors (their windows, their
 * alert rules), but storage keeps each event's own topic, and so do the events a handler derives
 * from them.
 */
class OverflowTopicsTest {
  @TempDir Path data;

  @Test
  void eventsOfTopicsBeyondTheBoundAreStoredUnderTheirOwnTopic() throws Exception {
    Config config =
        TestConfigs.withOverrides(
            "eventstream.storage.backends = [file]\n"
                + TestConfigs.fileDirectory(data)
                + "eventstream.topics.max = 2\n"
                // Beside the windows, a handler deriving an event on its source's topic.
                + "eventstream.processors.batch.handlers = [{ handler = windows },\n"
                + "  { class = \"io.eventstreamcore.deploy.examples.CelsiusHandler\","
                + " name = celsius, config { min = 0, max = 100 } }]\n");
    List<String> topics = List.of("device/1", "device/2", "device/3", "device/4");
    try (EventStreamService service = EventStreamService.start(config);
        EventStreamClient client = EventStreamClient.connect(service.ingestAddress())) {
      for (int i = 0; i < topics.size(); i++) {
        byte[] payload = ("reading-" + i).getBytes(StandardCharsets.UTF_8);
        client.send(Priority.BATCH, topics.get(i), i + 1, payload, true);
      }
      client.flush();
      assertThat(client.awaitAck(topics.size(), Duration.ofSeconds(10))).isTrue();
    } // the stop flushes the open windows

    List<StoredEvent> events;
    List<StoredRecord> records;
    try (EventStreamService service = EventStreamService.start(config)) {
      ReadableBackend file = (ReadableBackend) service.backend("file");
      events = file.readEvents();
      records = file.readRecords();
    }
    assertThat(events).extracting(StoredEvent::topic).containsExactlyElementsOf(topics);
    // The processors saw the last two as one topic: one window for both.
    assertThat(records)
        .filteredOn(r -> r.kind() == RecordKind.WINDOW)
        .extracting(StoredRecord::topic, StoredRecord::count)
        .containsExactlyInAnyOrder(
            tuple("device/1", 1L), tuple("device/2", 1L), tuple("_overflow", 2L));
    // A derived event is stored under its source's own topic, as the source is.
    assertThat(records)
        .filteredOn(r -> r.kind() == RecordKind.DERIVED_EVENT)
        .extracting(StoredRecord::topic)
        .containsExactlyElementsOf(topics);
  }
}
