package io.eventstreamcore.engine.classify;

import com.lmax.disruptor.EventHandler;
import io.eventstreamcore.engine.event.ErrorCode;
import io.eventstreamcore.engine.event.EventSlot;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.event.Route;
import io.eventstreamcore.engine.event.SlotKind;
import io.eventstreamcore.engine.metrics.EngineMetrics;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage 1 of the ring: resolves the topic, applies the topic table, deduplicates by event id and
 * routes. Rules of the original engine: a listed topic can only raise a frame's priority; an
 * unlisted topic is capped at MEDIUM; HIGH/CRITICAL go to realtime, MEDIUM/LOW to transactional,
 * BATCH to batch. Then the overload decisions due on arrival ({@link ArrivalOverload}): HIGH may be
 * downgraded to MEDIUM while realtime is behind, and an event may be shed.
 */
public final class ClassifyHandler implements EventHandler<EventSlot> {
  private static final Logger LOG = LoggerFactory.getLogger(ClassifyHandler.class);
  private final TopicIndex topics;
  private final DedupWindow dedup;
  private final CounterDataPoint duplicates;
  private final ArrivalOverload overload;
  private final CounterDataPoint downgrades;
  private final CounterDataPoint notHandled;
  // A reloaded topic table, handed from the reloading thread to this stage, which applies it
  // between two slots: the index itself is only touched by the stage.
  private final AtomicReference<Map<String, Priority>> reloadedTopics = new AtomicReference<>();

  /** Creates the stage over its topic index and dedup window, which it then owns. */
  public ClassifyHandler(TopicIndex topics, DedupWindow dedup, EngineMetrics metrics) {
    this(topics, dedup, ArrivalOverload.none(), metrics);
  }

  /** Creates the stage, also taking the overload decisions due on arrival. */
  public ClassifyHandler(
      TopicIndex topics, DedupWindow dedup, ArrivalOverload overload, EngineMetrics metrics) {
    this.topics = topics;
    this.dedup = dedup;
    this.overload = overload;
    this.duplicates = metrics.eventsDuplicate();
    metrics.dedupForgottenEarly(dedup::evictedEarly);
    this.downgrades = metrics.priorityDowngrades();
    this.notHandled = metrics.framesRejected(ErrorCode.NOT_HANDLED);
  }

  @Override
  public void onStart() {
    Thread.currentThread().setName("eventstream-classify");
  }

  /**
   * Replaces the topic table from the next slot on (ticks included, so it applies without traffic);
   * callable from any thread.
   */
  public void reloadTopics(Map<String, Priority> topicTable) {
    reloadedTopics.set(Map.copyOf(topicTable));
  }

  @Override
  public void onEvent(EventSlot slot, long sequence, boolean endOfBatch) {
    if (reloadedTopics.get() != null) {
      applyTopicTable(reloadedTopics.getAndSet(null));
    }
    if (slot.kind() != SlotKind.EVENT) {
      return;
    }
    try {
      classify(slot, sequence);
    } catch (RuntimeException | Error e) {
      // The slot still holds the last event's route and topic id: processors and writers must not
      // take it for an event. Its ERROR tells the client to send it again, and the connection
      // closes after it, as at a shutdown: a client resends on its next connection (the Java
      // producer does), and an open one would keep the event waiting. Counted as a rejected frame
      // here, and as a handler error by the caller.
      slot.reject(ErrorCode.NOT_HANDLED, true);
      notHandled.inc();
      throw e;
    }
  }

  private void classify(EventSlot slot, long sequence) {
    TopicIndex.Entry topic = topics.resolve(slot.topicBytes(), slot.topicLength());
    Priority priority = effectivePriority(slot.framePriority(), topic.configured());
    boolean downgraded = priority == Priority.HIGH && overload.downgradesHigh(sequence);
    if (downgraded) {
      priority = Priority.MEDIUM;
    }
    // Whatever may fail comes before the window records the id: a slot rejected for a failure
    // here is sent again with the same id, which must not then read as a duplicate.
    boolean shed = overload.sheds(Route.of(priority), sequence);
    boolean duplicate = dedup.checkAndRecord(slot.eventId(), slot.receivedMillis());
    if (duplicate) {
      duplicates.inc(); // not routed anywhere: not counted as downgraded either
    } else if (downgraded) {
      downgrades.inc();
    }
    slot.classify(topic.name(), topic.id(), priority, duplicate);
    if (topic.shared()) {
      slot.topicShared();
    }
    if (!duplicate && shed) {
      slot.shed();
    }
  }

  private void applyTopicTable(Map<String, Priority> table) {
    int dropped = topics.reconfigure(table);
    if (dropped > 0) {
      LOG.warn(
          "topic table reloaded: {} listed topics, {} beyond topics.max stay unlisted",
          table.size(),
          dropped);
    } else {
      LOG.info("topic table reloaded: {} listed topics", table.size());
    }
  }

  /** The original engine's topic-table rule. */
  static Priority effectivePriority(Priority frame, Priority listed) {
    return listed != null ? Priority.max(frame, listed) : Priority.min(frame, Priority.MEDIUM);
  }
}
