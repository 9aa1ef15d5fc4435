package io.eventstreamcore.engine.ring;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.WaitStrategy;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * A wait strategy for few cores: blocks while nothing new is published, and parks with backoff
 * while an upstream stage is still working on what was.
 *
 * <p>The Disruptor's blocking strategies block only for the publisher's cursor; a stage waiting for
 * the stage before it busy-spins. With seven stage threads on two cores those spinners take the CPU
 * the working stages need, and during a storage outage the acknowledger spins for as long as it
 * lasts. Here a stage that waits for an upstream stage spins briefly, yields, then parks for 1 us
 * doubling to 1 ms, so a stalled stage costs about a thousand wake-ups a second.
 *
 * <p>With several publishers the cursor counts claimed slots, so a slot claimed but not yet
 * published is waited for by the first stage spinning in its barrier; publishers fill and publish a
 * claim at once, and publish it even when filling fails, so that gap is short.
 *
 * <p>Waiting for the cursor follows {@code LiteBlockingWaitStrategy}: a waiter raises {@code
 * signalNeeded} before checking the cursor, so a publisher only takes the lock when someone waits,
 * and a publish between the check and the wait still finds the flag raised.
 */
public final class ParkingWaitStrategy implements WaitStrategy {
  private static final int SPIN_TRIES = 200;
  private static final int YIELD_TRIES = 20;
  private static final long FIRST_PARK_NANOS = 1_000;
  private static final long MAX_PARK_NANOS = 1_000_000;

  private final Object mutex = new Object();
  private final AtomicBoolean signalNeeded = new AtomicBoolean();

  @Override
  public long waitFor(
      long sequence, Sequence cursor, Sequence dependentSequence, SequenceBarrier barrier)
      throws AlertException, InterruptedException {
    if (cursor.get() < sequence) {
      synchronized (mutex) {
        do {
          signalNeeded.getAndSet(true);
          if (cursor.get() >= sequence) {
            break;
          }
          barrier.checkAlert();
          mutex.wait();
        } while (cursor.get() < sequence);
      }
    }
    long available;
    int tries = 0;
    long parkNanos = FIRST_PARK_NANOS;
    while ((available = dependentSequence.get()) < sequence) {
      barrier.checkAlert();
      if (tries < SPIN_TRIES) {
        Thread.onSpinWait();
      } else if (tries < SPIN_TRIES + YIELD_TRIES) {
        Thread.yield();
      } else {
        LockSupport.parkNanos(parkNanos);
        parkNanos = Math.min(parkNanos * 2, MAX_PARK_NANOS);
      }
      tries++;
    }
    return available;
  }

  @Override
  public void signalAllWhenBlocking() {
    if (signalNeeded.getAndSet(false)) {
      synchronized (mutex) {
        mutex.notifyAll();
      }
    }
  }
}
