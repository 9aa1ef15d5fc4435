package io.eventstreamcore.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigException;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.record.DeadLetterReason;
import io.eventstreamcore.engine.record.RecordKind;
import io.eventstreamcore.engine.spi.ReadableBackend;
import io.eventstreamcore.engine.spi.StoredEvent;
import io.eventstreamcore.engine.spi.StoredRecord;
import io.eventstreamcore.ingest.client.EventStreamClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * User handlers named in application.conf, as a user deploys them: by class and through a
 * META-INF/services factory, next to the built-ins, with their lifecycle, records and errors.
 */
class HandlerSpiTest {
  private static final String BASE =
      "eventstream.storage.backends = [memory]\n"
          + "eventstream.ring.size = 1024\n"
          + "eventstream.topics.priorities { alarms = CRITICAL }\n";
  private static final String PROBE = "\"io.eventstreamcore.deploy.ProbeHandler\"";

  @Test
  void aConfiguredClassSeesItsRouteOnlyAndItsRecordsAreStored() throws Exception {
    EventStreamService service =
        EventStreamService.start(
            TestConfigs.withOverrides(
                BASE
                    + "eventstream.processors.realtime.handlers = [\n"
                    + "  { handler = alert-rules }\n"
                    + "  { class = "
                    + PROBE
                    + ", name = rt-probe }]\n"
                    + "eventstream.processors.transactional.handlers = [\n"
                    + "  { handler = probe, name = tx-probe }]\n"));
    try (EventStreamClient client = EventStreamClient.connect(service.ingestAddress())) {
      assertThat(ProbeHandler.calls("rt-probe")).containsExactly("start:realtime");
      assertThat(ProbeHandler.calls("tx-probe")).containsExactly("start:transactional");
      send(client, Priority.CRITICAL, "alarms", 1);
      send(client, Priority.LOW, "orders", 2);
      send(client, Priority.BATCH, "metrics", 3);
    } finally {
      service.close();
    }

    assertThat(ProbeHandler.calls("rt-probe"))
        .containsExactly("start:realtime", "event:realtime:1", "flush", "stop");
    // The ServiceLoader-registered factory's handler, under the transactional kind.
    assertThat(ProbeHandler.calls("tx-probe"))
        .containsExactly("start:transactional", "event:transactional:2", "flush", "stop");
    ReadableBackend memory = (ReadableBackend) service.backend("memory");
    assertThat(memory.readEvents()).extracting(StoredEvent::eventId).containsExactly(1L, 2L, 3L);
    List<StoredRecord> alerts =
        memory.readRecords().stream().filter(r -> r.kind() == RecordKind.ALERT).toList();
    assertThat(alerts)
        .extracting(StoredRecord::name, StoredRecord::eventId, StoredRecord::topic)
        .containsExactly(tuple("rt-probe", 1L, "alarms"), tuple("tx-probe", 2L, "orders"));
    // The built-in windows still ran: the default batch handler is untouched.
    assertThat(memory.readRecords())
        .filteredOn(r -> r.kind() == RecordKind.WINDOW)
        .extracting(StoredRecord::topic)
        .containsExactly("metrics");
  }

  @Test
  void aHandlerThrowingIsCountedAndItsEventStoredAcknowledgedAndDeadLettered() throws Exception {
    try (EventStreamService service =
            EventStreamService.start(
                TestConfigs.withOverrides(
                    BASE
                        + "eventstream.processors.realtime.handlers = [\n"
                        + "  { class = "
                        + PROBE
                        + ", name = flaky, config { fail-on-id = 2 } }]\n"));
        EventStreamClient client = EventStreamClient.connect(service.ingestAddress())) {
      for (long id = 1; id <= 3; id++) {
        send(client, Priority.CRITICAL, "alarms", id);
      }

      ReadableBackend memory = (ReadableBackend) service.backend("memory");
      assertThat(memory.readEvents()).extracting(StoredEvent::eventId).containsExactly(1L, 2L, 3L);
      // Realtime does not retry by default: the one failure gives the event up.
      assertThat(memory.readRecords())
          .extracting(StoredRecord::kind, StoredRecord::eventId, StoredRecord::reason)
          .containsExactly(
              tuple(RecordKind.ALERT, 1L, null),
              tuple(RecordKind.DEAD_LETTER, 2L, DeadLetterReason.HANDLER_GAVE_UP),
              tuple(RecordKind.ALERT, 3L, null));
      assertThat(
              AdminHttp.metric(
                  service,
                  "eventstream_processor_handler_errors_total{handler=\"flaky\",route=\"realtime\"}"))
          .isEqualTo(1);
      assertThat(
              AdminHttp.metric(
                  service, "eventstream_dead_letters_total{reason=\"handler-gave-up\"}"))
          .isEqualTo(1);
    }
  }

  @Test
  void aTransactionalHandlerIsRetriedInOrderAndItsFailedCallsLeaveNoRecord() throws Exception {
    try (EventStreamService service =
            EventStreamService.start(
                TestConfigs.withOverrides(
                    BASE
                        + "eventstream.processors.transactional.retry {"
                        + " attempts = 3, backoff = 1ms }\n"
                        + "eventstream.processors.transactional.handlers = [\n"
                        + "  { class = "
                        + PROBE
                        + ", name = recovering, config { fail-on-id = 2, fail-times = 2 } }]\n"));
        EventStreamClient client = EventStreamClient.connect(service.ingestAddress())) {
      for (long id = 1; id <= 3; id++) {
        send(client, Priority.LOW, "orders", id);
      }

      assertThat(ProbeHandler.calls("recovering"))
          .containsExactly(
              "start:transactional",
              "event:transactional:1",
              "event:transactional:2",
              "event:transactional:2",
              "event:transactional:2",
              "event:transactional:3");
      ReadableBackend memory = (ReadableBackend) service.backend("memory");
      assertThat(memory.readRecords())
          .extracting(StoredRecord::kind, StoredRecord::eventId)
          .containsExactly(
              tuple(RecordKind.ALERT, 1L),
              tuple(RecordKind.ALERT, 2L),
              tuple(RecordKind.ALERT, 3L));
      assertThat(
              AdminHttp.metric(
                  service, "eventstream_processor_retries_total{processor=\"transactional\"}"))
          .isEqualTo(2);
      assertThat(
              AdminHttp.metric(
                  service, "eventstream_dead_letters_total{reason=\"handler-gave-up\"}"))
          .isZero();
    }
  }

  @Test
  void anUnknownClassStopsTheStartWithItsKeyAndValue() {
    assertThatThrownBy(
            () ->
                EventStreamService.start(
                    TestConfigs.withOverrides(
                        BASE
                            + "eventstream.processors.batch.handlers = ["
                            + " { handler = windows }, { class = com.example.Nope }]")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("eventstream.processors.batch.handlers[1].class")
        .hasMessageContaining("com.example.Nope");
  }

  @Test
  void aHandlerFailingToStartStopsTheServiceAndLeavesNothingRunning() {
    assertThatThrownBy(
            () ->
                EventStreamService.start(
                    TestConfigs.withOverrides(
                        BASE
                            + "eventstream.processors.realtime.handlers = [\n"
                            + "  { class = "
                            + PROBE
                            + ", name = early }\n"
                            + "  { class = "
                            + PROBE
                            + ", name = broken, config { fail-on-start = \"no model file\" } }]\n")))
        .hasMessage("realtime handler 'broken' failed to start: no model file");
    // The one started before it was stopped again, once.
    assertThat(ProbeHandler.calls("early")).containsExactly("start:realtime", "stop");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(Thread.getAllStackTraces().keySet())
                    .noneMatch(t -> t.isAlive() && t.getName().startsWith("eventstream-")));
  }

  /** Sends one event and waits for its ACK, so that it has been handled and stored. */
  static void send(EventStreamClient client, Priority priority, String topic, long id)
      throws Exception {
    long frame = client.send(priority, topic, id, new byte[] {(byte) id}, true);
    client.flush();
    assertThat(client.awaitAck(frame, Duration.ofSeconds(10))).isTrue();
  }
}
