package io.eventstreamcore.engine.ring;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.RingBuffer;
import io.eventstreamcore.engine.event.EventSlot;

/**
 * The last stage (in single, the last part of the only one) when there is a single (durable)
 * storage backend: its writer and then the acknowledger, on one thread. The writer commits at the
 * end of each batch, and only then does the acknowledger go over the batch's slots in ring order,
 * so it still sees nothing uncommitted, sends ERRORs before the ACK covering them, and ACKs once
 * per batch.
 *
 * <p>The slots of the current batch stay valid until this stage's sequence moves past them, which
 * happens only after {@link #onEvent} returns for the batch's last slot.
 *
 * <p>Both parts stop the stage on an error they cannot retry; {@link #exceptionHandler} reports
 * such an error under the name of the part that failed.
 */
final class StoreAndAckStage implements EventHandler<EventSlot> {
  private final StorageStage writer;
  private final Acknowledger acknowledger;
  private final RingBuffer<EventSlot> ring;
  private long batchStart = -1;
  private boolean acknowledging;

  StoreAndAckStage(StorageStage writer, Acknowledger acknowledger, RingBuffer<EventSlot> ring) {
    this.writer = writer;
    this.acknowledger = acknowledger;
    this.ring = ring;
  }

  @Override
  public void onStart() {
    writer.onStart();
  }

  @Override
  public void onShutdown() {
    acknowledger.onShutdown();
  }

  @Override
  public void onEvent(EventSlot slot, long sequence, boolean endOfBatch) {
    if (batchStart < 0) {
      batchStart = sequence;
    }
    acknowledging = false;
    writer.onEvent(slot, sequence, endOfBatch);
    if (!endOfBatch) {
      return;
    }
    acknowledging = true;
    for (long s = batchStart; s < sequence; s++) {
      acknowledger.onEvent(ring.get(s), s, false);
    }
    acknowledger.onEvent(slot, sequence, true);
    batchStart = -1;
  }

  /** Reports a failure as the storage or the ack stage's, whichever part was running. */
  ExceptionHandler<EventSlot> exceptionHandler(
      ExceptionHandler<EventSlot> storageErrors, ExceptionHandler<EventSlot> ackErrors) {
    return new ExceptionHandler<>() {
      @Override
      public void handleEventException(Throwable ex, long sequence, EventSlot event) {
        (acknowledging ? ackErrors : storageErrors).handleEventException(ex, sequence, event);
      }

      @Override
      public void handleOnStartException(Throwable ex) {
        storageErrors.handleOnStartException(ex);
      }

      @Override
      public void handleOnShutdownException(Throwable ex) {
        storageErrors.handleOnShutdownException(ex);
      }
    };
  }
}
