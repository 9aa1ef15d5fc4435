package io.eventstreamcore.engine.ring;

import com.lmax.disruptor.EventHandler;
import io.eventstreamcore.engine.event.EventSlot;

/**
 * The single topology's only stage: classify and the processors ({@link RouteStage}), then the one
 * backend's writer and the acknowledger ({@link StoreAndAckStage}), slot by slot on one thread. A
 * publish wakes this thread and nothing else before the ACK goes out.
 *
 * <p>The writer takes each slot's records as soon as the processors have emitted them, so a record
 * queue never holds more than one slot's records, at most half its capacity: a processor never
 * waits there for space that only this thread could free. For the same reason the processors are
 * never given this stage's sequence to publish mid-batch: the acknowledger still needs the batch's
 * slots.
 */
final class SingleStage implements EventHandler<EventSlot> {
  private final RouteStage route;
  private final StoreAndAckStage storeAndAck;

  SingleStage(RouteStage route, StoreAndAckStage storeAndAck) {
    this.route = route;
    this.storeAndAck = storeAndAck;
  }

  @Override
  public void onStart() {
    Thread.currentThread().setName("eventstream-pipeline");
  }

  @Override
  public void onEvent(EventSlot slot, long sequence, boolean endOfBatch) {
    route.onEvent(slot, sequence, endOfBatch);
    storeAndAck.onEvent(slot, sequence, endOfBatch);
  }
}
