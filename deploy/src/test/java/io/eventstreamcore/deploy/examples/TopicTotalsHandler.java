package io.eventstreamcore.deploy.examples;

import io.eventstreamcore.engine.event.EventView;
import io.eventstreamcore.engine.spi.HandlerContext;
import io.eventstreamcore.engine.spi.ProcessorHandler;
import io.eventstreamcore.engine.spi.RecordSink;

/**
 * Batch example: per-topic event count, payload bytes and, as its own aggregate, the peak reading
 * (payload byte 0, unsigned), emitted as a WINDOW record every {@code config.interval} on the tick
 * (topics without events emit nothing) and for what is left at stop.
 */
public final class TopicTotalsHandler implements ProcessorHandler {
  private long intervalMillis;
  private long since;
  private String[] topics;
  private long[] count;
  private long[] bytes;
  private int[] peak;
  private int[] active; // topic ids with a count, each listed once
  private int activeCount;

  @Override
  public void start(HandlerContext context) {
    intervalMillis = context.config().getDuration("interval").toMillis();
    since = context.clock().millis();
    int n = context.maxTopicIds(); // state for every topic id, allocated once
    topics = new String[n];
    count = new long[n];
    bytes = new long[n];
    peak = new int[n];
    active = new int[n];
  }

  @Override
  public void onEvent(EventView event, RecordSink sink) {
    int t = event.topicId();
    if (count[t]++ == 0) {
      topics[t] = event.topic(); // interned by the engine: no copy
      active[activeCount++] = t;
    }
    bytes[t] += event.payloadLength();
    if (event.payloadLength() > 0) {
      peak[t] = Math.max(peak[t], event.payloadByte(0) & 0xff);
    }
  }

  @Override
  public void onTick(long nowMillis, RecordSink sink) {
    if (nowMillis - since >= intervalMillis) {
      emit(nowMillis, sink);
    }
  }

  @Override
  public void onFlush(long nowMillis, RecordSink sink) {
    emit(nowMillis, sink);
  }

  /** Emits as many totals as the sink takes now; the rest go out on the next tick or flush. */
  private void emit(long nowMillis, RecordSink sink) {
    while (activeCount > 0 && sink.remainingForEvent() > 0) {
      int t = active[--activeCount];
      sink.emit()
          .window(topics[t], since, nowMillis, count[t], bytes[t], 0, 0)
          .aggregate("peak-reading", peak[t]); // stored beside the built-in fields
      count[t] = 0;
      bytes[t] = 0;
      peak[t] = 0;
    }
    if (activeCount == 0) {
      since = nowMillis;
    }
  }
}
