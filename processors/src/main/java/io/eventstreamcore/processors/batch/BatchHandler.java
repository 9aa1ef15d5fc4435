package io.eventstreamcore.processors.batch;

import io.eventstreamcore.engine.event.EventView;
import io.eventstreamcore.engine.record.DeadLetterReason;
import io.eventstreamcore.engine.spi.ProcessorHandler;
import io.eventstreamcore.engine.spi.RecordSink;
import io.eventstreamcore.processors.config.BatchSettings;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import java.util.Arrays;

/**
 * The built-in batch handler ({@code windows}): tumbling windows per topic, aligned to multiples of
 * the window length since the epoch, each closing into one WINDOW record (count, payload bytes,
 * smallest and largest payload, earliest and latest event time, non-zero event_id range).
 *
 * <p>Time: by processing time an event's time is when the server read it; by event time it is the
 * producer's {@code client_time_us} / 1000, or the received time when the event has none. Each
 * topic has a watermark, its newest event time minus the allowed lateness (0 by processing time);
 * the windows ending at or before it close. On a tick, and before each event, a topic's event time
 * is also taken to have moved on with processing time since its last event arrived (by processing
 * time: to the tick's time), so an idle topic's windows close about allowed-lateness after their
 * end, whatever the producer's clock offset. An event whose window has closed is late: by event
 * time it becomes a {@code late} dead letter and is counted; by processing time (received times of
 * events read by different I/O threads are not in order) it joins the topic's next window instead.
 * A window that reaches {@code max-events} closes at once; later events of its interval open
 * another.
 *
 * <p>Open windows are flushed at stop. State lives in flat arrays indexed by topic id ({@link
 * WindowSlots}), sized for the topics seen so far and doubled, up to the topic bound, when a new
 * topic's id goes past them: no allocation per event once its topic has been seen.
 */
public final class BatchHandler implements ProcessorHandler {
  private static final long NONE = Long.MIN_VALUE;
  // Topic ids the per-topic arrays cover at first; they double as more appear.
  private static final int INITIAL_TOPIC_IDS = 64;

  private final long windowMillis;
  private final boolean eventTime;
  private final long latenessMillis;
  private final long maxEvents;
  private final CounterDataPoint windowsClosed;
  private final CounterDataPoint lateEvents;
  private final int maxTopicIds;
  private final WindowSlots slots;
  // Per topic id, for the ids seen so far (growFor): the topic's name.
  private String[] topics;
  // Per topic: newest event time seen (NONE before the first event), the processing time its last
  // event (late ones too) arrived at, and the end up to which every window has closed (NONE: none
  // has).
  private long[] newest;
  private long[] lastArrival;
  private long[] closedThrough;
  private int[] openPerTopic;
  private int[] openTopics;
  private int[] openIndex;
  private int openTopicCount;
  private int openWindows;

  /**
   * Creates the handler.
   *
   * @param maxTopicIds topic ids range over {@code 0..maxTopicIds-1}
   * @param windowsClosed counts every window record written
   * @param lateEvents counts late events (event time only)
   */
  public BatchHandler(
      BatchSettings settings,
      int maxTopicIds,
      CounterDataPoint windowsClosed,
      CounterDataPoint lateEvents) {
    this.windowMillis = settings.windowMillis();
    this.eventTime = settings.time() == BatchSettings.TimeBasis.EVENT;
    this.latenessMillis = settings.allowedLateness().toMillis();
    this.maxEvents = settings.maxEvents();
    this.windowsClosed = windowsClosed;
    this.lateEvents = lateEvents;
    this.maxTopicIds = maxTopicIds;
    int initial = Math.min(maxTopicIds, INITIAL_TOPIC_IDS);
    this.slots = new WindowSlots(initial, settings.windowsPerTopic(), windowMillis);
    this.topics = new String[initial];
    this.newest = new long[initial];
    this.lastArrival = new long[initial];
    this.closedThrough = new long[initial];
    Arrays.fill(newest, NONE);
    Arrays.fill(closedThrough, NONE);
    this.openPerTopic = new int[initial];
    this.openTopics = new int[initial];
    this.openIndex = new int[initial];
    Arrays.fill(openIndex, -1);
  }

  @Override
  public void onEvent(EventView event, RecordSink sink) {
    // Room for every record this call may emit, checked before any state changes: a call that
    // threw half way would have its records discarded but not the windows it closed or the event
    // it counted, and its retry would count the event again. Always there when this handler is
    // the first of its kind (checked at start); a handler before it may have taken it.
    if (sink.remainingForEvent() < slots.perTopic() + 1) {
      throw new IllegalStateException(
          "room for "
              + sink.remainingForEvent()
              + " records left by the handlers before, "
              + (slots.perTopic() + 1)
              + " needed: put the windows handler first among batch handlers");
    }
    int t = event.topicId();
    if (t >= topics.length) {
      growFor(t);
    }
    topics[t] = event.topic(); // interned by the engine: no copy
    long received = event.receivedMillis();
    advanceByProcessingTime(t, received);
    // The topic is not idle while events arrive, late ones included: the watermark then moves
    // with event times only, so after an event far in the future (or a producer's clock set
    // back) later events are on time again once their times pass it, as with Flink's
    // watermarks, rather than never (processing time would carry it on from that event).
    lastArrival[t] = received;
    long time;
    if (eventTime) {
      long clientMicros = event.clientTimeMicros();
      time = clientMicros != 0 ? Math.floorDiv(clientMicros, 1000) : received;
      if (windowStart(time) + windowMillis <= closedThrough[t]) {
        lateEvents.inc();
        sink.emit().deadLetter(DeadLetterReason.LATE, event);
        return;
      }
    } else {
      time = Math.max(received, closedThrough[t]);
    }
    if (time > newest[t]) {
      newest[t] = time;
      closeThrough(t, windowStart(time - latenessMillis));
    }
    // At most windows-per-topic records: every open window of the topic.
    closeDue(t, sink);
    long start = windowStart(time);
    int slot = slots.slot(t, start);
    if (slots.isOpen(slot) && slots.start(slot) != start) {
      // Only when a window due to close found no room in the sink before (shared with other
      // handlers of the kind): it closes now, before its slot is reused.
      close(t, slot, sink);
    }
    if (!slots.isOpen(slot)) {
      opened(t);
    }
    slots.add(slot, start, time, event.payloadLength(), event.eventId());
    if (maxEvents > 0 && slots.count(slot) >= maxEvents) {
      close(t, slot, sink); // the one record beyond windows-per-topic
    }
  }

  @Override
  public void onTick(long nowMillis, RecordSink sink) {
    // Closing a topic's last window moves the last listed topic into its place: walk backwards
    // so that every topic is visited once.
    for (int i = openTopicCount - 1; i >= 0 && sink.remainingForEvent() > 0; i--) {
      int t = openTopics[i];
      advanceByProcessingTime(t, nowMillis);
      closeDue(t, sink);
    }
  }

  @Override
  public void onFlush(long nowMillis, RecordSink sink) {
    while (openTopicCount > 0 && sink.remainingForEvent() > 0) {
      int t = openTopics[openTopicCount - 1];
      closeOldest(t, Long.MAX_VALUE, sink);
    }
  }

  /** Windows one topic may have open at once, each flushed as one record at stop. */
  @Override
  public int maxOpenStatesPerTopic() {
    return slots.perTopic();
  }

  /** Windows open now, over all topics. */
  public int openWindows() {
    return openWindows;
  }

  /** Doubles the per-topic arrays (at most to the topic bound) until they cover topic id t. */
  private void growFor(int t) {
    int n = topics.length;
    while (n <= t && n < maxTopicIds) {
      n = (int) Math.min(maxTopicIds, 2L * n);
    }
    int from = topics.length;
    slots.ensureTopics(n);
    // Every copy first, then the fields: running out of memory half way (a handler error, the
    // event retried) leaves them as they were, never of different lengths.
    String[] newTopics = Arrays.copyOf(topics, n);
    long[] newNewest = Arrays.copyOf(newest, n);
    long[] newLastArrival = Arrays.copyOf(lastArrival, n);
    long[] newClosedThrough = Arrays.copyOf(closedThrough, n);
    int[] newOpenPerTopic = Arrays.copyOf(openPerTopic, n);
    int[] newOpenTopics = Arrays.copyOf(openTopics, n);
    int[] newOpenIndex = Arrays.copyOf(openIndex, n);
    Arrays.fill(newNewest, from, n, NONE);
    Arrays.fill(newClosedThrough, from, n, NONE);
    Arrays.fill(newOpenIndex, from, n, -1);
    topics = newTopics;
    newest = newNewest;
    lastArrival = newLastArrival;
    closedThrough = newClosedThrough;
    openPerTopic = newOpenPerTopic;
    openTopics = newOpenTopics;
    openIndex = newOpenIndex;
  }

  private long windowStart(long timeMillis) {
    return timeMillis - Math.floorMod(timeMillis, windowMillis);
  }

  /**
   * Moves topic {@code t}'s watermark on with processing time {@code nowMillis}: by event time, the
   * newest event time plus the processing time since the topic's last event arrived, less the
   * lateness; by processing time, now.
   */
  private void advanceByProcessingTime(int t, long nowMillis) {
    if (newest[t] == NONE) {
      return;
    }
    long watermark =
        eventTime
            ? newest[t] + Math.max(0, nowMillis - lastArrival[t]) - latenessMillis
            : nowMillis;
    closeThrough(t, windowStart(watermark));
  }

  private void closeThrough(int t, long end) {
    closedThrough[t] = Math.max(closedThrough[t], end);
  }

  /** Closes topic {@code t}'s windows ending at or before its watermark, oldest first. */
  private void closeDue(int t, RecordSink sink) {
    while (openPerTopic[t] > 0 && sink.remainingForEvent() > 0) {
      if (!closeOldest(t, closedThrough[t], sink)) {
        return;
      }
    }
  }

  /** Closes topic {@code t}'s oldest open window when it ends at or before {@code maxEnd}. */
  private boolean closeOldest(int t, long maxEnd, RecordSink sink) {
    int oldest = -1;
    int from = slots.firstSlot(t);
    for (int s = from; s < from + slots.perTopic(); s++) {
      if (slots.isOpen(s) && (oldest < 0 || slots.start(s) < slots.start(oldest))) {
        oldest = s;
      }
    }
    if (oldest < 0 || slots.end(oldest) > maxEnd) {
      return false;
    }
    close(t, oldest, sink);
    return true;
  }

  private void opened(int t) {
    openWindows++;
    if (openPerTopic[t]++ == 0) {
      openIndex[t] = openTopicCount;
      openTopics[openTopicCount++] = t;
    }
  }

  private void close(int t, int slot, RecordSink sink) {
    slots.close(slot, topics[t], sink.emit());
    windowsClosed.inc();
    openWindows--;
    if (--openPerTopic[t] == 0) {
      // Remove from the open list by moving the last open topic into its place.
      int i = openIndex[t];
      int last = openTopics[--openTopicCount];
      openTopics[i] = last;
      openIndex[last] = i;
      openIndex[t] = -1;
    }
  }
}
