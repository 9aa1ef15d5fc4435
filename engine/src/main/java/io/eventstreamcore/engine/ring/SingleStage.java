package io.eventstreamcore.engine.ring;

import com.lmax.disruptor.EventHandler;
import io.eventstreamcore.engine.event.EventSlot;

/**
 * Processors ({@link RouteStage}), then the one backend's writer and the acknowledger ({@link
 * StoreAndAckStage}), slot by slot on one thread: the single topology's only stage (classify and
 * every processor), where a publish wakes this thread and nothing else before the ACK goes out, and
 * the split topology's second (the transactional and batch processors).
 *
 * <p>The writer takes each slot's records as soon as this stage's processors have emitted them, so
 * their record queues never hold more than one slot's records, at most half their capacity: a
 * processor here never waits for space that only this thread could free (in split, the realtime
 * processor fills its queue from the thread before, which waits for this one, as in the other
 * topologies). For the same reason the processors are never given this stage's sequence to publish
 * mid-batch: the acknowledger still needs the batch's slots.
 */
final class SingleStage implements EventHandler<EventSlot> {
  private final String threadName;
  private final RouteStage route;
  private final StoreAndAckStage storeAndAck;

  SingleStage(String threadName, RouteStage route, StoreAndAckStage storeAndAck) {
    this.threadName = threadName;
    this.route = route;
    this.storeAndAck = storeAndAck;
  }

  @Override
  public void onStart() {
    Thread.currentThread().setName(threadName);
  }

  @Override
  public void onEvent(EventSlot slot, long sequence, boolean endOfBatch) {
    route.onEvent(slot, sequence, endOfBatch);
    storeAndAck.onEvent(slot, sequence, endOfBatch);
  }

  @Override
  public void onShutdown() {
    storeAndAck.onShutdown();
  }
}
