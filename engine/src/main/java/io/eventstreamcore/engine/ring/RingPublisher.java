package io.eventstreamcore.engine.ring;

import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import io.eventstreamcore.engine.event.EventSlot;

/**
 * How the ingest side puts frames into the ring: claim a slot without blocking, fill it in place,
 * publish it. Safe for many publishing threads. A claimed slot must always be published, even when
 * the frame turns out invalid (mark it rejected), or the ring stalls.
 */
public final class RingPublisher {
  /** Returned by {@link #tryClaim()} when the ring has no free slot. */
  public static final long NO_SLOT = -1;

  private final RingBuffer<EventSlot> ring;

  /** Wraps a ring; the pipeline makes one, tests may wrap a bare ring. */
  public RingPublisher(RingBuffer<EventSlot> ring) {
    this.ring = ring;
  }

  /** Claims the next slot, or returns {@link #NO_SLOT} at once when the ring is full. */
  public long tryClaim() {
    try {
      return ring.tryNext();
    } catch (InsufficientCapacityException full) {
      // Disruptor throws a preallocated singleton here: no allocation on the full path.
      return NO_SLOT;
    }
  }

  /**
   * Claims the next {@code count} slots at once, or returns {@link #NO_SLOT} when the ring has
   * fewer free; returns the last sequence claimed (the first is {@code last - count + 1}).
   */
  public long tryClaim(int count) {
    try {
      return ring.tryNext(count);
    } catch (InsufficientCapacityException full) {
      return NO_SLOT;
    }
  }

  /** The slot of a claimed sequence. */
  public EventSlot slot(long sequence) {
    return ring.get(sequence);
  }

  /** Makes a claimed, filled slot visible to the stages. */
  public void publish(long sequence) {
    ring.publish(sequence);
  }

  /** Makes a claimed, filled range of slots visible to the stages. */
  public void publish(long first, long last) {
    ring.publish(first, last);
  }

  /** Free slots now. */
  public long remainingCapacity() {
    return ring.remainingCapacity();
  }
}
