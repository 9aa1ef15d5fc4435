package io.eventstreamcore.processors.transactional;

import io.eventstreamcore.engine.event.EventView;
import io.eventstreamcore.engine.spi.HandlerContext;
import io.eventstreamcore.engine.spi.ProcessorHandler;
import io.eventstreamcore.engine.spi.RecordSink;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;

/**
 * The built-in transactional handler ({@code id-audit}). The transactional effect itself, storing
 * each event once per event_id, is the engine's (duplicates are skipped, counted and still
 * acknowledged); this handler counts the events it sees by whether they carry an event_id, since
 * only those get the exactly-once guarantee: {@code
 * eventstream_transactional_events_total{event_id="set"|"none"}}. It emits no records.
 */
public final class IdAuditHandler implements ProcessorHandler {
  private CounterDataPoint withId;
  private CounterDataPoint withoutId;
  private long withIdPending;
  private long withoutIdPending;

  @Override
  public void start(HandlerContext context) {
    Counter events =
        Counter.builder()
            .name("eventstream_transactional_events_total")
            .help("Transactional events, by whether they carry an event_id (exactly-once or not).")
            .labelNames("event_id")
            .withoutExemplars()
            .register(context.metrics());
    withId = events.labelValues("set");
    withoutId = events.labelValues("none");
  }

  @Override
  public void onEvent(EventView event, RecordSink sink) {
    if (event.eventId() != 0) {
      withIdPending++;
    } else {
      withoutIdPending++;
    }
  }

  @Override
  public void onTick(long nowMillis, RecordSink sink) {
    publish();
  }

  @Override
  public void onFlush(long nowMillis, RecordSink sink) {
    publish();
  }

  /** Adds the counts to the shared counters once per tick, not once per event (contended adds). */
  private void publish() {
    if (withIdPending > 0) {
      withId.inc(withIdPending);
      withIdPending = 0;
    }
    if (withoutIdPending > 0) {
      withoutId.inc(withoutIdPending);
      withoutIdPending = 0;
    }
  }
}
