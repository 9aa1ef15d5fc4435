package io.eventstreamcore.engine.ring;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.WaitStrategy;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A wait strategy for few cores: the first stage blocks while nothing new is published; a later
 * stage waits for the stages before it, and is woken by them, not by the publisher.
 *
 * <p>The Disruptor's blocking strategies block only for the publisher's cursor and wake every stage
 * on each publish; a stage waiting for the stage before it then busy-spins. With several stage
 * threads on two cores those spinners take the CPU the working stages need, and a timed park to
 * poll instead wakes 50-100 us late on a virtual machine. Here a later stage parks at once until an
 * upstream stage reports progress ({@link #signalProgress}, called by a stage after it moved its
 * sequence) that covers what it waits for: a burst of events costs one wake-up per stage, in stage
 * order (spinning or yielding first was measured, and bought neither latency nor throughput on two
 * cores). The park is timed (10 ms) so that progress nobody reported (a stage that threw on a
 * batch's last slot), and a halt, are still seen.
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
  private static final long SAFETY_PARK_NANOS = 100_000_000;

  /** Stage threads beyond this many (never with the topologies we wire) wait by timed parks. */
  private static final int MAX_WAITERS = 32;

  private final Object mutex = new Object();
  private final AtomicBoolean signalNeeded = new AtomicBoolean();
  private final ProgressWaiter[] waiters = new ProgressWaiter[MAX_WAITERS];
  private final AtomicInteger parked = new AtomicInteger();
  private final ThreadLocal<ProgressWaiter> own = ThreadLocal.withInitial(this::claimWaiter);

  private final long safetyParkNanos;

  /** A new strategy; give each ring its own. */
  public ParkingWaitStrategy() {
    this(SAFETY_PARK_NANOS);
  }

  /** With {@code safetyParkNanos} the longest a stage parks for progress before looking again. */
  ParkingWaitStrategy(long safetyParkNanos) {
    this.safetyParkNanos = safetyParkNanos;
    for (int i = 0; i < waiters.length; i++) {
      waiters[i] = new ProgressWaiter();
    }
  }

  @Override
  public long waitFor(
      long sequence, Sequence cursor, Sequence dependentSequence, SequenceBarrier barrier)
      throws AlertException, InterruptedException {
    // The calling stage's sequence has just moved past its previous batch.
    signalProgress();
    if (dependentSequence == cursor) {
      awaitPublished(sequence, cursor, barrier);
    }
    long available;
    ProgressWaiter waiter = null;
    while ((available = dependentSequence.get()) < sequence) {
      barrier.checkAlert();
      if (waiter == null) {
        waiter = own.get();
      }
      waiter.park(dependentSequence, sequence, barrier, safetyParkNanos);
    }
    return available;
  }

  private void awaitPublished(long sequence, Sequence cursor, SequenceBarrier barrier)
      throws AlertException, InterruptedException {
    if (cursor.get() >= sequence) {
      return;
    }
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

  @Override
  public void signalAllWhenBlocking() {
    if (signalNeeded.getAndSet(false)) {
      synchronized (mutex) {
        mutex.notifyAll();
      }
    }
    // Also called on a halt (the barrier's alert): a stage parked for progress must see it.
    if (parked.get() != 0) {
      for (ProgressWaiter waiter : waiters) {
        waiter.wakeIfAlerted();
      }
    }
  }

  /**
   * Called by a stage after it moved its sequence: wakes the stages parked for progress that is now
   * there. Cheap when nobody is parked.
   */
  public void signalProgress() {
    // The caller's sequence store must be visible before we look for parked stages, and a stage
    // registers before it checks that sequence: one of the two sees the other (Dekker).
    VarHandle.fullFence();
    if (parked.get() == 0) {
      return;
    }
    for (ProgressWaiter waiter : waiters) {
      waiter.wakeIfDue();
    }
  }

  private ProgressWaiter claimWaiter() {
    for (ProgressWaiter waiter : waiters) {
      if (waiter.claim()) {
        return waiter;
      }
    }
    // Not in the array, so never woken early: this thread waits by timed parking alone.
    return new ProgressWaiter();
  }

  /** One stage thread's parking place; each thread has its own. */
  private final class ProgressWaiter {
    private final AtomicBoolean claimed = new AtomicBoolean();
    private Sequence upstream;
    private SequenceBarrier barrier;
    private long awaited;
    // Written before parking and cleared after; read by signalling stages. Its volatile write
    // publishes upstream and awaited to them.
    private volatile Thread parkedThread;

    boolean claim() {
      return claimed.compareAndSet(false, true);
    }

    void park(Sequence upstream, long awaited, SequenceBarrier barrier, long nanos) {
      this.upstream = upstream;
      this.awaited = awaited;
      this.barrier = barrier;
      parkedThread = Thread.currentThread();
      parked.incrementAndGet();
      VarHandle.fullFence();
      if (upstream.get() < awaited && !barrier.isAlerted()) {
        LockSupport.parkNanos(this, nanos);
      }
      parkedThread = null;
      parked.decrementAndGet();
    }

    void wakeIfDue() {
      Thread thread = parkedThread;
      if (thread != null && upstream.get() >= awaited) {
        LockSupport.unpark(thread);
      }
    }

    void wakeIfAlerted() {
      Thread thread = parkedThread;
      if (thread != null && barrier.isAlerted()) {
        LockSupport.unpark(thread);
      }
    }
  }
}
