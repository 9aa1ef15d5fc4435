package io.eventstreamcore.engine.ring;

import com.lmax.disruptor.Sequence;
import io.eventstreamcore.engine.event.EventLimits;
import io.eventstreamcore.engine.record.Record;
import io.eventstreamcore.engine.spi.RecordSink;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Bounded queue of preallocated records from one processor stage (single producer) to every storage
 * writer (many consumers, each reading all records).
 *
 * <p>Records travel beside the ring rather than in it: the processor tells each slot how far its
 * records reach ({@code EventSlot.recordsEnd}), and a writer that has reached the slot in the ring
 * stores the records up to there. Visibility follows from the ring: the processor writes a record
 * before it publishes its sequence past the slot, and the writer reads it only after its barrier
 * has seen that sequence.
 *
 * <p>Reuse is gated by each writer's {@link Sequence} of records taken. When the queue is full the
 * processor publishes its own progress up to the previous slot (so writers can advance, even
 * mid-batch) and parks until space returns. A single slot may emit at most half the capacity, so
 * that wait always ends. Of that half, the handlers may take all but one record: the last is kept
 * for the dead letter the stage itself writes when the event's handlers gave up or it was shed, so
 * that handlers using their whole room never leave such an event without its dead letter.
 */
final class RecordQueue implements RecordSink {
  private static final long FULL_PARK_NANOS = 50_000;

  private final Record[] records;
  private final int mask;
  private final int maxPerSlot;
  private final Sequence[] consumers;
  private final BooleanSupplier halted;
  private final Runnable progressed;
  private Sequence producerProgress;
  private long produced;
  private long slotStart;
  private long currentSequence;

  /**
   * @param progressed called after this queue published the processor's progress while waiting for
   *     space, to wake the writers that wait for it
   * @param limits what the storage backends hold, which every record's topic and payload must fit
   */
  RecordQueue(
      int capacity,
      int consumerCount,
      BooleanSupplier halted,
      Runnable progressed,
      EventLimits limits) {
    if (Integer.bitCount(capacity) != 1 || capacity < 4) {
      throw new IllegalArgumentException(
          "record queue capacity must be a power of two, at least 4: " + capacity);
    }
    this.records = new Record[capacity];
    for (int i = 0; i < capacity; i++) {
      records[i] = new Record(limits);
    }
    this.mask = capacity - 1;
    this.maxPerSlot = capacity / 2;
    this.consumers = new Sequence[consumerCount];
    for (int i = 0; i < consumerCount; i++) {
      consumers[i] = new Sequence(0);
    }
    this.halted = halted;
    this.progressed = progressed;
  }

  /** The processor's own ring sequence, to publish progress while waiting for space. */
  void producerProgress(Sequence progress) {
    this.producerProgress = progress;
  }

  /** Producer: the processor starts handling the slot at {@code sequence}. */
  void beginSlot(long sequence) {
    this.currentSequence = sequence;
    this.slotStart = produced;
  }

  /** Producer: how many records have been emitted so far. */
  long produced() {
    return produced;
  }

  /**
   * Producer: forgets the records emitted since {@code position} (a handler call that threw). Safe
   * because writers read a slot's records only once the processor has finished the slot.
   */
  void rollback(long position) {
    if (position < slotStart || position > produced) {
      throw new IllegalArgumentException(
          "rollback to "
              + position
              + " outside the current slot's records "
              + slotStart
              + ".."
              + produced);
    }
    produced = position;
  }

  @Override
  public int remainingForEvent() {
    return (int) (maxPerSlot - 1 - (produced - slotStart));
  }

  @Override
  public Record emit() {
    if (remainingForEvent() <= 0) {
      throw new IllegalStateException("more than " + (maxPerSlot - 1) + " records for one event");
    }
    return next();
  }

  /**
   * Producer: the record for the stage's own dead letter of the current slot, from the one kept
   * beyond the handlers' room; at most one per slot.
   */
  Record emitDeadLetter() {
    if (produced - slotStart >= maxPerSlot) {
      throw new IllegalStateException("the record kept for this event's dead letter is taken");
    }
    return next();
  }

  private Record next() {
    if (produced - minConsumed() >= records.length) {
      awaitSpace();
    }
    Record record = records[(int) (produced & mask)];
    produced++;
    return record;
  }

  private void awaitSpace() {
    if (producerProgress != null && producerProgress.get() < currentSequence - 1) {
      // Let writers reach the slots before this one, whose records free the space we wait for.
      producerProgress.set(currentSequence - 1);
      progressed.run();
    }
    while (produced - minConsumed() >= records.length) {
      if (halted.getAsBoolean()) {
        throw new IllegalStateException("pipeline halted while waiting for storage");
      }
      LockSupport.parkNanos(FULL_PARK_NANOS);
    }
  }

  private long minConsumed() {
    long min = Long.MAX_VALUE;
    for (Sequence consumer : consumers) {
      min = Math.min(min, consumer.get());
    }
    return min;
  }

  /** Consumer {@code index}: the record at queue position {@code position}. */
  Record get(long position) {
    return records[(int) (position & mask)];
  }

  /** Consumer {@code index}: every record before {@code position} has been taken. */
  void consumed(int index, long position) {
    consumers[index].set(position);
  }
}
