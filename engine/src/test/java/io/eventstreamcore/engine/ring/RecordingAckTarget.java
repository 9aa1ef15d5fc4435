package io.eventstreamcore.engine.ring;

import io.eventstreamcore.engine.event.AckTarget;
import io.eventstreamcore.engine.event.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * A connection for tests: records every ACK, ERROR and close in order, with the backend's committed
 * event count at the time of each ACK. Can refuse the first ACKs, as a connection whose output
 * buffer is full does.
 */
final class RecordingAckTarget extends AckTarget {
  /** One ACK as sent, with what storage had committed when it was sent. */
  record Ack(long frameNo, long committedEvents) {}

  private final LongSupplier committedEvents;
  private final AtomicInteger refusalsLeft;
  private final AtomicInteger refused = new AtomicInteger();
  private final List<Ack> acks = new ArrayList<>();
  private final List<String> log = new ArrayList<>();

  RecordingAckTarget(LongSupplier committedEvents) {
    this(committedEvents, 0);
  }

  RecordingAckTarget(LongSupplier committedEvents, int refusals) {
    this.committedEvents = committedEvents;
    this.refusalsLeft = new AtomicInteger(refusals);
  }

  @Override
  public boolean sendAck(long frameNo) {
    if (refusalsLeft.getAndDecrement() > 0) {
      refused.incrementAndGet();
      return false;
    }
    synchronized (log) {
      acks.add(new Ack(frameNo, committedEvents.getAsLong()));
      log.add("ack " + frameNo);
    }
    return true;
  }

  @Override
  public void sendError(long frameNo, ErrorCode code) {
    synchronized (log) {
      log.add("error " + frameNo + " " + code);
    }
  }

  @Override
  public void closeAfterFlush() {
    synchronized (log) {
      log.add("close");
    }
  }

  List<Ack> acks() {
    synchronized (log) {
      return List.copyOf(acks);
    }
  }

  /** Highest frame acknowledged so far, 0 when none. */
  long lastAck() {
    synchronized (log) {
      return acks.isEmpty() ? 0 : acks.get(acks.size() - 1).frameNo();
    }
  }

  List<String> log() {
    synchronized (log) {
      return List.copyOf(log);
    }
  }

  int refused() {
    return refused.get();
  }
}
