package io.eventstreamcore.engine.ring;

import com.lmax.disruptor.EventHandler;
import io.eventstreamcore.engine.event.AckTarget;
import io.eventstreamcore.engine.event.EventSlot;
import io.eventstreamcore.engine.metrics.EngineMetrics;
import io.eventstreamcore.engine.metrics.LatencyHistogram;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Stage 4, after the durable storage writers: everything it sees has been committed by every
 * durable backend. Sends ERRORs for rejected frames immediately (so they precede any ACK covering
 * them; those of frames rejected before the connection asked for acks once it does) and one
 * coalesced, cumulative ACK per connection at the end of each batch. Connections that could not
 * take an ACK stay due and are retried on the next batch or tick.
 */
final class Acknowledger implements EventHandler<EventSlot> {
  private static final long SHUTDOWN_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final long RETRY_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  private final LatencyHistogram latency;
  // Null when a later stage releases large payloads (writers that are not durable may lag).
  private final LargePayloadRelease release;
  private AckTarget dirtyHead;

  Acknowledger(EngineMetrics metrics, LargePayloadRelease release) {
    this.latency = metrics.eventLatency();
    this.release = release;
  }

  @Override
  public void onStart() {
    Thread.currentThread().setName("eventstream-ack");
  }

  /**
   * At stop, after the last batch: an ACK a connection could not take then (its client not reading
   * for a moment) would otherwise never go out, since no tick comes any more. Retried for a while.
   */
  @Override
  public void onShutdown() {
    long deadline = System.nanoTime() + SHUTDOWN_RETRY_NANOS;
    flushDue();
    while (dirtyHead != null && System.nanoTime() - deadline < 0) {
      LockSupport.parkNanos(RETRY_INTERVAL_NANOS);
      flushDue();
    }
  }

  @Override
  public void onEvent(EventSlot slot, long sequence, boolean endOfBatch) {
    if (release != null) {
      release.release(slot); // last stage: nobody reads the payload again before a new claim
    }
    switch (slot.kind()) {
      case EVENT:
        latency.observeNanos(System.nanoTime() - slot.receivedNanos());
        due(slot);
        break;
      case REJECTED:
        if (!slot.acksRequested()) {
          slot.source().rejectedBeforeAsked(slot.frameNo(), slot.error());
        } else if (slot.source().answerEarlierRejections()) {
          slot.source().sendError(slot.frameNo(), slot.error());
        }
        due(slot);
        if (slot.closeAfter()) {
          flushDue();
          slot.source().closeAfterFlush();
        }
        break;
      default:
        break;
    }
    if (endOfBatch) {
      flushDue();
    }
  }

  private void due(EventSlot slot) {
    if (!slot.acksRequested()) {
      return;
    }
    AckTarget target = slot.source();
    // A client may set the ACK bit on every Kth frame only: frames rejected before its first one
    // get their ERRORs now, before the ACK that covers them.
    if (!target.answerEarlierRejections()) {
      return;
    }
    if (target.markDue(slot.frameNo())) {
      target.nextDirty(dirtyHead);
      dirtyHead = target;
    }
  }

  private void flushDue() {
    AckTarget target = dirtyHead;
    AckTarget stillDue = null;
    while (target != null) {
      AckTarget next = target.nextDirty();
      if (!flush(target)) {
        target.nextDirty(stillDue);
        stillDue = target;
      } else {
        target.nextDirty(null);
      }
      target = next;
    }
    dirtyHead = stillDue;
  }

  /** Flushes one connection; a failure (e.g. out of buffer memory) keeps its ACK due. */
  private static boolean flush(AckTarget target) {
    try {
      return target.flushDue();
    } catch (RuntimeException e) {
      return false;
    }
  }
}
