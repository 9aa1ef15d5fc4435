package io.eventstreamcore.engine.ring;

import com.lmax.disruptor.EventHandler;
import io.eventstreamcore.engine.event.AckTarget;
import io.eventstreamcore.engine.event.EventSlot;
import io.eventstreamcore.engine.metrics.EngineMetrics;
import io.eventstreamcore.engine.metrics.LatencyHistogram;

/**
 * Stage 4, last in the ring: everything it sees has been committed by every storage backend. Sends
 * ERRORs for rejected frames immediately (so they precede any ACK covering them) and one coalesced,
 * cumulative ACK per connection at the end of each batch. Connections that could not take an ACK
 * stay due and are retried on the next batch or tick.
 */
final class Acknowledger implements EventHandler<EventSlot> {
  private final LatencyHistogram latency;
  private AckTarget dirtyHead;

  private final RingPublisher publisher;

  Acknowledger(EngineMetrics metrics, RingPublisher publisher) {
    this.latency = metrics.eventLatency();
    this.publisher = publisher;
  }

  @Override
  public void onStart() {
    Thread.currentThread().setName("eventstream-ack");
  }

  @Override
  public void onEvent(EventSlot slot, long sequence, boolean endOfBatch) {
    // Last stage: nobody reads this slot's payload again before it is claimed anew.
    long large = slot.releaseLarge();
    if (large > 0) {
      publisher.releaseLarge(large);
    }
    switch (slot.kind()) {
      case EVENT:
        latency.observeNanos(System.nanoTime() - slot.receivedNanos());
        due(slot);
        break;
      case REJECTED:
        if (slot.acksRequested()) {
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
