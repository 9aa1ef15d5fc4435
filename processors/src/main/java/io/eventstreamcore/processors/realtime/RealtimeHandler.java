package io.eventstreamcore.processors.realtime;

import io.eventstreamcore.engine.event.EventView;
import io.eventstreamcore.engine.event.Route;
import io.eventstreamcore.engine.spi.ProcessorHandler;
import io.eventstreamcore.engine.spi.RecordSink;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/** The built-in realtime handler: evaluates every alert rule and writes an alert per match. */
public final class RealtimeHandler implements ProcessorHandler {
  private AlertRule[] rules;
  private final CounterDataPoint alerts;
  // Rules from a reload, handed from the reloading thread to the realtime stage, which swaps them
  // in before its next event or tick: the rules array itself is only touched by the stage.
  private final AtomicReference<AlertRule[]> reloaded = new AtomicReference<>();

  /** Creates the handler over its rules. */
  public RealtimeHandler(List<AlertRule> rules, CounterDataPoint alerts) {
    this.rules = rules.toArray(new AlertRule[0]);
    this.alerts = alerts;
  }

  @Override
  public Route route() {
    return Route.REALTIME;
  }

  /** Replaces the rules from the next event or tick on; callable from any thread. */
  public void reload(List<AlertRule> newRules) {
    reloaded.set(newRules.toArray(new AlertRule[0]));
  }

  /** Swaps in reloaded rules, if any: one volatile read per event otherwise. */
  private void applyReload() {
    if (reloaded.get() != null) {
      rules = reloaded.getAndSet(null);
    }
  }

  @Override
  public void onTick(long nowMillis, RecordSink sink) {
    applyReload();
  }

  @Override
  public void onEvent(EventView event, RecordSink sink) {
    applyReload();
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
