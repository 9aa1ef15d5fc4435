package io.eventstreamcore.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.record.RecordKind;
import io.eventstreamcore.engine.spi.ReadableBackend;
import io.eventstreamcore.engine.spi.StoredEvent;
import io.eventstreamcore.engine.spi.StoredRecord;
import io.eventstreamcore.ingest.client.EventStreamClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reloading the topic table and alert rules into a running service (what SIGHUP does). */
class ReloadTest {
  private static final String BASE =
      "eventstream.storage.backends = [memory]\n"
          + "eventstream.ring.size = 1024\n"
          + "eventstream.processors.realtime.rules = []\n";

  @Test
  void topicTableAndAlertRulesApplyFromTheNextEvent() throws Exception {
    try (EventStreamService service = EventStreamService.start(TestConfigs.withOverrides(BASE));
        EventStreamClient client = EventStreamClient.connect(service.ingestAddress())) {
      send(client, 1);

      service.reload(
          TestConfigs.withOverrides(
              BASE
                  + "eventstream.topics.priorities { vip = CRITICAL }\n"
                  + "eventstream.processors.realtime.rules = [\n"
                  + "  { name = vip-seen, topic = vip, payload-bytes-over = 0, severity = INFO }]"));
      send(client, 2);

      ReadableBackend memory = (ReadableBackend) service.backend("memory");
      List<StoredEvent> events = memory.readEvents();
      assertThat(events).extracting(StoredEvent::eventId).containsExactly(1L, 2L);
      // Unlisted, a LOW frame stays LOW; listed CRITICAL, the next one is raised.
      assertThat(events)
          .extracting(StoredEvent::priority)
          .containsExactly(Priority.LOW, Priority.CRITICAL);
      List<StoredRecord> alerts =
          memory.readRecords().stream().filter(r -> r.kind() == RecordKind.ALERT).toList();
      assertThat(alerts).extracting(StoredRecord::name).containsExactly("vip-seen");
      assertThat(alerts.get(0).eventId()).isEqualTo(2);
      // The reloaded rule has its own labelled series on /metrics.
      assertThat(
              AdminHttp.metric(
                  service, "eventstream_alerts_total{rule=\"vip-seen\",severity=\"INFO\"}"))
          .isEqualTo(1);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        // A rule with no condition.
        "eventstream.processors.realtime.rules = [{ name = broken, topic = vip }]",
        // Good rules, but a handler class a restart could not load.
        "eventstream.processors.realtime.rules = [\n"
            + "  { name = vip-seen, topic = vip, payload-bytes-over = 0, severity = INFO }]\n"
            + "eventstream.processors.batch.handlers = [{ class = \"no.such.Handler\" }]",
        // A file log directory no path can name (threw InvalidPathException, which ended the
        // running service when SIGHUP read it).
        "eventstream.storage.file.directory = \"data\\u0000\""
      })
  void aConfigurationARestartWouldRefuseIsRefusedAndChangesNothing(String change) throws Exception {
    try (EventStreamService service = EventStreamService.start(TestConfigs.withOverrides(BASE));
        EventStreamClient client = EventStreamClient.connect(service.ingestAddress())) {
      Config bad =
          TestConfigs.withOverrides(
              BASE + "eventstream.topics.priorities { vip = CRITICAL }\n" + change);
      assertThatThrownBy(() -> EventStreamService.check(bad)).isInstanceOf(ConfigException.class);
      assertThatThrownBy(() -> service.reload(bad)).isInstanceOf(ConfigException.class);
      send(client, 1);

      ReadableBackend memory = (ReadableBackend) service.backend("memory");
      assertThat(memory.readEvents())
          .extracting(StoredEvent::priority)
          .containsExactly(Priority.LOW);
      assertThat(memory.readRecords()).isEmpty();
    }
  }

  /** Sends one LOW event on topic vip and waits for its ACK (so it is stored). */
  private static void send(EventStreamClient client, long id) throws Exception {
    long frame = client.send(Priority.LOW, "vip", id, new byte[] {1}, true);
    client.flush();
    assertThat(client.awaitAck(frame, Duration.ofSeconds(10))).isTrue();
  }
}
