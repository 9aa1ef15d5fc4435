package io.eventstreamcore.processors.batch;

import io.eventstreamcore.engine.event.EventView;
import io.eventstreamcore.engine.spi.ProcessorHandler;
import io.eventstreamcore.engine.spi.RecordSink;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;

/**
 * The built-in batch handler: tumbling windows per topic by processing time, aligned to multiples
 * of the window length since the epoch. A window closes when an event of its topic arrives after
 * its end, or on the first tick after its end, and writes one summary record (topic, start, end,
 * count, payload bytes, min/max non-zero event_id). Open windows are flushed at stop.
 *
 * <p>State lives in flat arrays indexed by topic id, preallocated for the topic bound: no
 * allocation per event.
 */
public final class BatchHandler implements ProcessorHandler {
  private final long windowMillis;
  private final CounterDataPoint windowsClosed;
  private final String[] topics;
  private final long[] start;
  private final long[] count;
  private final long[] bytes;
  private final long[] minId;
  private final long[] maxId;
  private final long[] closedUntil;
  private final int[] openTopics;
  private final int[] openIndex;
  private int openCount;

  /**
   * Creates the handler.
   *
   * @param maxTopicIds topic ids range over {@code 0..maxTopicIds-1}
   */
  public BatchHandler(long windowMillis, int maxTopicIds, CounterDataPoint windowsClosed) {
    if (windowMillis <= 0) {
      throw new IllegalArgumentException("window must be positive: " + windowMillis);
    }
    this.windowMillis = windowMillis;
    this.windowsClosed = windowsClosed;
    this.topics = new String[maxTopicIds];
    this.start = new long[maxTopicIds];
    this.count = new long[maxTopicIds];
    this.bytes = new long[maxTopicIds];
    this.minId = new long[maxTopicIds];
    this.maxId = new long[maxTopicIds];
    this.closedUntil = new long[maxTopicIds];
    this.openTopics = new int[maxTopicIds];
    this.openIndex = new int[maxTopicIds];
    java.util.Arrays.fill(openIndex, -1);
  }

  @Override
  public void onEvent(EventView event, RecordSink sink) {
    int t = event.topicId();
    // I/O threads stamp events when they read them and publish in any order, so an event may
    // carry a time inside a window a tick already closed: it joins the next one instead of
    // reopening a window that was already summarised.
    long now = Math.max(event.receivedMillis(), closedUntil[t]);
    if (openIndex[t] >= 0 && now >= start[t] + windowMillis) {
      close(t, sink); // one record: always within the per-event bound
    }
    if (openIndex[t] < 0) {
      open(t, event.topic(), now - Math.floorMod(now, windowMillis));
    }
    count[t]++;
    bytes[t] += event.payloadLength();
    long id = event.eventId();
    if (id != 0) {
      // event_id is a u64 on the wire: compare unsigned.
      minId[t] = minId[t] == 0 || Long.compareUnsigned(id, minId[t]) < 0 ? id : minId[t];
      maxId[t] = maxId[t] == 0 || Long.compareUnsigned(id, maxId[t]) > 0 ? id : maxId[t];
    }
  }

  @Override
  public void onTick(long nowMillis, RecordSink sink) {
    for (int i = openCount - 1; i >= 0 && sink.remainingForEvent() > 0; i--) {
      int t = openTopics[i];
      if (nowMillis >= start[t] + windowMillis) {
        close(t, sink);
      }
    }
  }

  @Override
  public void onFlush(long nowMillis, RecordSink sink) {
    while (openCount > 0 && sink.remainingForEvent() > 0) {
      close(openTopics[openCount - 1], sink);
    }
  }

  /** Windows open now. */
  public int openWindows() {
    return openCount;
  }

  private void open(int t, String topic, long windowStart) {
    topics[t] = topic;
    start[t] = windowStart;
    count[t] = 0;
    bytes[t] = 0;
    minId[t] = 0;
    maxId[t] = 0;
    openIndex[t] = openCount;
    openTopics[openCount++] = t;
  }

  private void close(int t, RecordSink sink) {
    sink.emit()
        .window(
            topics[t], start[t], start[t] + windowMillis, count[t], bytes[t], minId[t], maxId[t]);
    windowsClosed.inc();
    closedUntil[t] = start[t] + windowMillis;
    // Remove from the open list by moving the last open topic into its place.
    int i = openIndex[t];
    int last = openTopics[--openCount];
    openTopics[i] = last;
    openIndex[last] = i;
    openIndex[t] = -1;
  }
}
