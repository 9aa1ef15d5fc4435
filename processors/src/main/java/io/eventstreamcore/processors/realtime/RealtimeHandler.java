package io.eventstreamcore.processors.realtime;

import io.eventstreamcore.engine.event.EventView;
import io.eventstreamcore.engine.event.Route;
import io.eventstreamcore.engine.spi.ProcessorHandler;
import io.eventstreamcore.engine.spi.RecordSink;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import java.util.List;

/** The built-in realtime handler: evaluates every alert rule and writes an alert per match. */
public final class RealtimeHandler implements ProcessorHandler {
  private final AlertRule[] rules;
  private final CounterDataPoint alerts;

  /** Creates the handler over its rules. */
  public RealtimeHandler(List<AlertRule> rules, CounterDataPoint alerts) {
    this.rules = rules.toArray(new AlertRule[0]);
    this.alerts = alerts;
  }

  @Override
  public Route route() {
    return Route.REALTIME;
  }

  @Override
  public void onEvent(EventView event, RecordSink sink) {
    for (AlertRule rule : rules) {
      long value = rule.evaluate(event);
      if (value >= 0 && sink.remainingForEvent() > 0) {
        sink.emit()
            .alert(
                rule.name(),
                rule.severity(),
                event.topic(),
                event.receivedMillis(),
                event.eventId(),
                value);
        alerts.inc();
      }
    }
  }
}
