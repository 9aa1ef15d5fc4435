package io.eventstreamcore.deploy.examples;

import io.eventstreamcore.engine.event.EventView;
import io.eventstreamcore.engine.spi.HandlerContext;
import io.eventstreamcore.engine.spi.ProcessorHandler;
import io.eventstreamcore.engine.spi.RecordSink;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;

/**
 * Transactional example: counts the events it sees ({@code example_orders_total}) and alerts when
 * an event_id is lower than the last one seen on its topic (a producer replaying or out of order).
 */
public final class IdOrderHandler implements ProcessorHandler {
  private String rule;
  private CounterDataPoint orders;
  private long[] lastId; // per topic id

  @Override
  public void start(HandlerContext context) {
    rule = context.name();
    // Registered once, at start; per event only the held data point is incremented.
    orders =
        Counter.builder()
            .name("example_orders_total")
            .help("Transactional events seen by the id-order example.")
            .register(context.metrics())
            .labelValues();
    lastId = new long[context.maxTopicIds()];
  }

  @Override
  public void onEvent(EventView event, RecordSink sink) {
    orders.inc();
    long id = event.eventId();
    int topic = event.topicId();
    if (id != 0 && Long.compareUnsigned(id, lastId[topic]) < 0) {
      sink.emit().alert(rule, "WARNING", event.topic(), event.receivedMillis(), id, lastId[topic]);
    }
    if (id != 0) {
      lastId[topic] = id;
    }
  }
}
