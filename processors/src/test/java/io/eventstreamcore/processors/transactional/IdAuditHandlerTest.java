package io.eventstreamcore.processors.transactional;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.event.Route;
import io.eventstreamcore.engine.spi.HandlerContext;
import io.eventstreamcore.processors.ArrayRecordSink;
import io.eventstreamcore.processors.TestEvents;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;

class IdAuditHandlerTest {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final ArrayRecordSink sink = new ArrayRecordSink(4);

  private double count(String eventId) {
    return registry.scrape().stream()
        .filter(m -> m.getMetadata().getName().equals("eventstream_transactional_events"))
        .flatMap(m -> ((CounterSnapshot) m).getDataPoints().stream())
        .filter(d -> d.getLabels().equals(Labels.of("event_id", eventId)))
        .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue)
        .sum();
  }

  @Test
  void countsEventsWithAndWithoutAnIdOnTheTickAndEmitsNothing() {
    IdAuditHandler handler = new IdAuditHandler();
    handler.start(
        new HandlerContext(
            "id-audit",
            Route.TRANSACTIONAL,
            ConfigFactory.empty(),
            InstantSource.system(),
            registry,
            4));
    for (long id : new long[] {5, 0, 6, 0, 0}) {
      handler.onEvent(TestEvents.event("orders", 1, Priority.LOW, id, 0, new byte[1]), sink);
    }
    // Counted per tick, not per event.
    assertThat(count("set")).isZero();

    handler.onTick(1, sink);
    assertThat(count("set")).isEqualTo(2);
    assertThat(count("none")).isEqualTo(3);

    handler.onEvent(TestEvents.event("orders", 1, Priority.LOW, 7, 0, new byte[1]), sink);
    handler.onFlush(2, sink);
    assertThat(count("set")).isEqualTo(3);
    assertThat(sink.records()).isEmpty();
  }
}
