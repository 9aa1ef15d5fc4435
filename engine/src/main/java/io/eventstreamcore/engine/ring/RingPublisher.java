package io.eventstreamcore.engine.ring;

import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import io.eventstreamcore.engine.event.EventSlot;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How the ingest side puts frames into the ring: claim a slot without blocking, fill it in place,
 * publish it. Safe for many publishing threads. A claimed slot must always be published, even when
 * the frame turns out invalid (mark it rejected), or the ring stalls.
 */
public final class RingPublisher {
  /** Returned by {@link #tryClaim()} when the ring has no free slot. */
  public static final long NO_SLOT = -1;

  private final RingBuffer<EventSlot> ring;
  private final int retainedBytes;
  private final long maxLargeBytes;
  private final AtomicLong largeBytes = new AtomicLong();

  /** Wraps a ring with no bound on large payloads; tests and benchmarks wrap a bare ring. */
  public RingPublisher(RingBuffer<EventSlot> ring) {
    this(ring, Integer.MAX_VALUE, Long.MAX_VALUE);
  }

  /**
   * Wraps a ring whose slots retain payload buffers up to {@code retainedBytes}; frames longer than
   * that may hold at most {@code maxLargeBytes} in the ring at once.
   */
  public RingPublisher(RingBuffer<EventSlot> ring, int retainedBytes, long maxLargeBytes) {
    this.ring = ring;
    this.retainedBytes = retainedBytes;
    this.maxLargeBytes = maxLargeBytes;
  }

  /**
   * True when a frame of this length may need a payload buffer of its own, and so must reserve its
   * length with {@link #tryReserveLarge(long)} first.
   */
  public boolean isLarge(long frameLength) {
    return frameLength > retainedBytes;
  }

  /**
   * Reserves room for a large frame of {@code bytes}; false when the large-payload budget is spent
   * (the caller backpressures as for a full ring). A frame is always admitted when no other large
   * one is in the ring, so a frame larger than the budget still gets through.
   */
  public boolean tryReserveLarge(long bytes) {
    while (true) {
      long current = largeBytes.get();
      if (current > 0 && current + bytes > maxLargeBytes) {
        return false;
      }
      if (largeBytes.compareAndSet(current, current + bytes)) {
        return true;
      }
    }
  }

  /** Returns large-payload bytes reserved earlier. */
  public void releaseLarge(long bytes) {
    largeBytes.addAndGet(-bytes);
  }

  /** Large-payload bytes in the ring now. */
  public long largeBytes() {
    return largeBytes.get();
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
