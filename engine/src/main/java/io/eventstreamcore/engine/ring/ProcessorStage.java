package io.eventstreamcore.engine.ring;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.Sequence;
import io.eventstreamcore.engine.event.EventSlot;
import io.eventstreamcore.engine.event.Route;
import io.eventstreamcore.engine.spi.ProcessorHandler;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;

/**
 * Stage 2 of the ring, one per route: gives the handler the events routed to it (duplicates are
 * skipped: they were handled when first seen) and every tick and flush, and marks on every slot how
 * far its records reach so that storage writers can pick them up in order.
 */
final class ProcessorStage implements EventHandler<EventSlot> {
  private final ProcessorHandler handler;
  private final Route route;
  private final RecordQueue records;
  private final CounterDataPoint processed;
  private long processedInBatch;

  ProcessorStage(ProcessorHandler handler, RecordQueue records, CounterDataPoint processed) {
    this.handler = handler;
    this.route = handler.route();
    this.records = records;
    this.processed = processed;
  }

  @Override
  public void setSequenceCallback(Sequence sequenceCallback) {
    records.producerProgress(sequenceCallback);
  }

  @Override
  public void onStart() {
    Thread.currentThread().setName("eventstream-" + route.label());
  }

  @Override
  public void onEvent(EventSlot slot, long sequence, boolean endOfBatch) {
    records.beginSlot(sequence);
    try {
      switch (slot.kind()) {
        case EVENT:
          if (slot.route() == route && !slot.duplicate()) {
            handler.onEvent(slot, records);
            processedInBatch++;
          }
          break;
        case TICK:
          handler.onTick(slot.receivedMillis(), records);
          break;
        case FLUSH:
          handler.onFlush(slot.receivedMillis(), records);
          break;
        default:
          break;
      }
    } finally {
      // Even when the handler throws, writers must see where this slot's records end.
      slot.recordsEnd(route, records.produced());
      if (endOfBatch && processedInBatch > 0) {
        processed.inc(processedInBatch); // one contended add per batch, not per event
        processedInBatch = 0;
      }
    }
  }
}
