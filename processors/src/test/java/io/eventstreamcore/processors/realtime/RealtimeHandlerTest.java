package io.eventstreamcore.processors.realtime;

import static io.eventstreamcore.processors.TestEvents.event;
import static io.eventstreamcore.processors.TestEvents.payload;
import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.eventstreamcore.engine.event.EventSlot;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.event.Route;
import io.eventstreamcore.engine.metrics.EngineMetrics;
import io.eventstreamcore.engine.record.RecordKind;
import io.eventstreamcore.engine.spi.StoredRecord;
import io.eventstreamcore.processors.ArrayRecordSink;
import io.eventstreamcore.processors.config.ProcessorSettings;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RealtimeHandlerTest {
  private static final String SENSOR = "sensor/temperature";
  private static final long NOW = 1_700_000_123_456L;

  private EngineMetrics metrics;
  private RealtimeHandler handler;
  private ArrayRecordSink sink;

  @BeforeEach
  void setUp() {
    metrics = new EngineMetrics();
    handler =
        new RealtimeHandler(
            new ProcessorSettings(ConfigFactory.defaultReference()).alertRules(), metrics.alerts());
    sink = new ArrayRecordSink(4);
  }

  private List<StoredRecord> handle(String topic, long eventId, byte[] payload) {
    EventSlot slot = event(topic, 3, Priority.CRITICAL, eventId, NOW, payload);
    sink.clear();
    handler.onEvent(slot, sink);
    return sink.records();
  }

  @Test
  void takesTheRealtimeRoute() {
    assertThat(handler.route()).isEqualTo(Route.REALTIME);
  }

  @Test
  void anOrdinaryEventRaisesNoAlert() {
    assertThat(handle("orders", 1, payload(1024, 0xff))).isEmpty();
    assertThat(handle(SENSOR, 2, payload(10, 100))).isEmpty();
    assertThat(metrics.alerts().getLongValue()).isZero();
  }

  @Test
  void aPayloadOver1024BytesRaisesALargePayloadWarning() {
    List<StoredRecord> alerts = handle("orders", 42, payload(1025, 0));

    assertThat(alerts).hasSize(1);
    StoredRecord alert = alerts.get(0);
    assertThat(alert.kind()).isEqualTo(RecordKind.ALERT);
    assertThat(alert.name()).isEqualTo("large-payload");
    assertThat(alert.severity()).isEqualTo("WARNING");
    assertThat(alert.topic()).isEqualTo("orders");
    assertThat(alert.timeMillis()).isEqualTo(NOW);
    assertThat(alert.eventId()).isEqualTo(42);
    assertThat(alert.value()).isEqualTo(1025.0);
    assertThat(metrics.alerts().getLongValue()).isEqualTo(1);
  }

  @Test
  void aTemperatureFirstByteOver100RaisesACriticalAlert() {
    List<StoredRecord> alerts = handle(SENSOR, 7, payload(2, 101));

    assertThat(alerts).hasSize(1);
    assertThat(alerts.get(0).name()).isEqualTo("high-temperature");
    assertThat(alerts.get(0).severity()).isEqualTo("CRITICAL");
    assertThat(alerts.get(0).topic()).isEqualTo(SENSOR);
    assertThat(alerts.get(0).value()).isEqualTo(101.0);
  }

  @Test
  void theTemperatureByteIsUnsigned() {
    List<StoredRecord> alerts = handle(SENSOR, 8, payload(1, 200));

    assertThat(alerts).singleElement().satisfies(a -> assertThat(a.value()).isEqualTo(200.0));
  }

  @Test
  void anEventMatchingBothRulesRaisesBothAlertsInRuleOrder() {
    List<StoredRecord> alerts = handle(SENSOR, 9, payload(2048, 150));

    assertThat(alerts)
        .extracting(StoredRecord::name)
        .containsExactly("large-payload", "high-temperature");
    assertThat(alerts).extracting(StoredRecord::value).containsExactly(2048.0, 150.0);
    assertThat(metrics.alerts().getLongValue()).isEqualTo(2);
  }

  @Test
  void alertsBeyondTheSinkBoundAreNotEmittedNorCounted() {
    ArrayRecordSink tight = new ArrayRecordSink(1);

    handler.onEvent(event(SENSOR, 3, Priority.CRITICAL, 10, NOW, payload(2048, 150)), tight);

    assertThat(tight.records()).extracting(StoredRecord::name).containsExactly("large-payload");
    assertThat(metrics.alerts().getLongValue()).isEqualTo(1);
  }

  @Test
  void aHandlerWithoutRulesRaisesNothing() {
    RealtimeHandler none = new RealtimeHandler(List.of(), metrics.alerts());

    none.onEvent(event(SENSOR, 0, Priority.HIGH, 1, NOW, payload(5000, 255)), sink);

    assertThat(sink.records()).isEmpty();
  }
}
