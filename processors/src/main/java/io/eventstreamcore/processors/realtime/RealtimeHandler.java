package io.eventstreamcore.processors.realtime;

import io.eventstreamcore.engine.event.EventView;
import io.eventstreamcore.engine.metrics.EngineMetrics;
import io.eventstreamcore.engine.metrics.LatencyHistogram;
import io.eventstreamcore.engine.spi.ProcessorHandler;
import io.eventstreamcore.engine.spi.RecordSink;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in realtime handler: evaluates every alert rule and writes an alert per match, counted
 * by rule and severity; then observes the event's realtime latency (frame read to handled here) and
 * counts it as an SLA breach when over the SLA.
 *
 * <p>Per event it does not allocate: topic matches are cached per rule and topic id, conditions
 * read the payload in place, and counters are looked up when the rules are loaded.
 */
public final class RealtimeHandler implements ProcessorHandler {
  private static final Logger LOG = LoggerFactory.getLogger(RealtimeHandler.class);

  private final int maxTopics;
  private final long slaNanos;
  private final EngineMetrics metrics;
  private final LatencyHistogram latency;
  private final CounterDataPoint slaBreaches;
  private final LongSupplier nanoClock;
  private ActiveRule[] rules;
  private boolean roomExhaustedLogged;
  // Rules from a reload, handed from the reloading thread to the realtime stage, which swaps them
  // in before its next event or tick: the rules array itself is only touched by the stage.
  private final AtomicReference<ActiveRule[]> reloaded = new AtomicReference<>();

  /**
   * Creates the handler.
   *
   * @param maxTopics {@code eventstream.topics.max}: topic ids run from 0 to it, the last one being
   *     the shared overflow topic, which only rules for every topic ({@code *}) match
   * @param slaNanos realtime latency over which an event counts as an SLA breach
   * @param nanoClock {@link System#nanoTime()} outside tests: the frames' received time is on it
   */
  public RealtimeHandler(
      List<AlertRule> rules,
      int maxTopics,
      long slaNanos,
      EngineMetrics metrics,
      LongSupplier nanoClock) {
    this.maxTopics = maxTopics;
    this.slaNanos = slaNanos;
    this.metrics = metrics;
    this.latency = metrics.realtimeLatency();
    this.slaBreaches = metrics.realtimeSlaBreaches();
    this.nanoClock = nanoClock;
    this.rules = activate(rules);
  }

  /**
   * Replaces the rules from the next event or tick on; callable from any thread. Their counters and
   * topic caches are set up here, on the caller's thread, not on the realtime stage.
   */
  public void reload(List<AlertRule> newRules) {
    reloaded.set(activate(newRules));
  }

  private ActiveRule[] activate(List<AlertRule> list) {
    ActiveRule[] active = new ActiveRule[list.size()];
    for (int i = 0; i < active.length; i++) {
      AlertRule rule = list.get(i);
      active[i] = new ActiveRule(rule, metrics.alerts(rule.name(), rule.severity()), maxTopics);
    }
    return active;
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
    for (ActiveRule active : rules) {
      if (!active.matchesTopic(event)) {
        continue;
      }
      AlertRule rule = active.rule;
      double value = rule.condition().evaluate(event);
      if (Double.isNaN(value)) {
        continue;
      }
      if (sink.remainingForEvent() > 0) {
        sink.emit()
            .alert(
                rule.name(),
                rule.severity(),
                event.topic(),
                event.receivedMillis(),
                event.eventId(),
                value);
        active.alerts.inc();
      } else if (!roomExhaustedLogged) {
        roomExhaustedLogged = true; // once: per event it would flood the log
        LOG.warn(
            "alert rule '{}' matched an event with no record room left; such alerts are neither"
                + " written nor counted: raise eventstream.ring.record-queue-size or have fewer"
                + " rules match one event",
            rule.name());
      }
    }
    long latencyNanos = nanoClock.getAsLong() - event.receivedNanos();
    latency.observeNanos(latencyNanos);
    if (latencyNanos > slaNanos) {
      slaBreaches.inc();
    }
  }

  /**
   * A rule as the stage runs it: its counter, and whether its topic pattern matches, cached per
   * topic id (topic ids are dense and stable for the run). The caches are only touched by the
   * realtime stage; a reload brings fresh ones.
   */
  private static final class ActiveRule {
    final AlertRule rule;
    final CounterDataPoint alerts;
    private final int overflowId;
    private final long[] known;
    private final long[] matching;

    ActiveRule(AlertRule rule, CounterDataPoint alerts, int maxTopics) {
      this.rule = rule;
      this.alerts = alerts;
      this.overflowId = maxTopics;
      int words = (maxTopics + 1 + 63) >>> 6;
      this.known = new long[words];
      this.matching = new long[words];
    }

    boolean matchesTopic(EventView event) {
      TopicGlob topic = rule.topic();
      int id = event.topicId();
      if (id < 0 || id > overflowId) {
        return topic.matches(event.topic()); // not an id from the topic index: no cache
      }
      int word = id >>> 6;
      long bit = 1L << id;
      if ((known[word] & bit) == 0) {
        // Topics beyond topics.max share the overflow entry, whatever their name.
        boolean matches =
            id == overflowId ? topic.matchesEverything() : topic.matches(event.topic());
        known[word] |= bit;
        if (matches) {
          matching[word] |= bit;
        }
      }
      return (matching[word] & bit) != 0;
    }
  }
}
