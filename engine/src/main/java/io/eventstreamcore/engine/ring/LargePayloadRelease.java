package io.eventstreamcore.engine.ring;

import com.lmax.disruptor.EventHandler;
import io.eventstreamcore.engine.event.EventSlot;

/**
 * Drops a slot's payload buffer beyond the retained size and returns its reservation to the
 * publisher, once nothing reads the slot again before it is claimed anew. The acknowledger does it
 * when it is the last stage; with storage backends that are not durable, their writers may still be
 * behind it, and this stage runs after them all.
 */
final class LargePayloadRelease implements EventHandler<EventSlot> {
  private final RingPublisher publisher;

  LargePayloadRelease(RingPublisher publisher) {
    this.publisher = publisher;
  }

  @Override
  public void onStart() {
    Thread.currentThread().setName("eventstream-release");
  }

  @Override
  public void onEvent(EventSlot slot, long sequence, boolean endOfBatch) {
    release(slot);
  }

  /** Releases {@code slot}'s large payload, if it has one. */
  void release(EventSlot slot) {
    long large = slot.releaseLarge();
    if (large > 0) {
      publisher.releaseLarge(large);
    }
  }
}
