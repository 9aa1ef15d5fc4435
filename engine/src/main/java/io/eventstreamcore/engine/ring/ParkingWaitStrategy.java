package io.eventstreamcore.engine.ring;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.WaitStrategy;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * A wait strategy for few cores: the first stage blocks while nothing new is published; a later
 * stage waits for the stages before it, and is woken by them, not by the publisher.
 *
 * <p>The Disruptor's blocking strategies block only for the publisher's cursor and wake every stage
 * on each publish; a stage waiting for the stage before it then busy-spins. With several stage
 * threads on two cores those spinners take the CPU the working stages need, and a timed park to
 * poll instead wakes 50-100 us late on a virtual machine. Here a later stage parks at once until an
 * upstream stage reports progress that covers what it waits for: a burst of events costs one
 * wake-up per stage, in stage order (spinning or yielding first was measured, and bought neither
 * latency nor throughput on two cores). A stage reports its progress each time it comes back for
 * more: the Disruptor's event processor moves a stage's sequence after every batch (also one that
 * threw) and before it calls {@link #waitFor} again. A processor that publishes progress in the
 * middle of a batch calls {@link #signalProgress} itself. The park is timed (100 ms) only as a
 * safety net; a halt wakes parked stages through {@link #signalAllWhenBlocking}.
 *
 * <p>Waiting for the cursor follows {@code LiteBlockingWaitStrategy}: a waiter raises {@code
 * signalNeeded} before checking the cursor, so a publisher only takes the lock when someone waits,
 * and a publish between the check and the wait still finds the flag raised.
 *
 * <p>With several publishers the cursor counts claimed slots: the first stage may be told that a
 * slot is there that its publisher has claimed and is still filling (the decoder claims a slot per
 * frame of a whole socket read, and publishes them together), and then asks for the same slot
 * again. It spins briefly, then yields the core, most likely to that publisher.
 *
 * <p>A stage thread may find its park permit already given (a wake-up that raced with its own
 * return), so its other pauses must not rely on {@code parkNanos} sleeping the whole time: {@link
 * #parkAtLeast}.
 */
public final class ParkingWaitStrategy implements WaitStrategy {
  private static final long SAFETY_PARK_NANOS = 100_000_000;
  // Threads beyond MAX_WAITERS, never with the topologies we wire, poll with a backoff instead.
  private static final int MAX_WAITERS = 32;
  private static final long FIRST_POLL_NANOS = 1_000;
  private static final long MAX_POLL_NANOS = 1_000_000;
  private static final int SPINS_FOR_PUBLISHER = 64;
  private static final long STOP_CHECK_NANOS = 1_000_000;

  private final Object mutex = new Object();
  private final AtomicBoolean signalNeeded = new AtomicBoolean();
  private final ProgressWaiter[] waiters = new ProgressWaiter[MAX_WAITERS];
  private final AtomicInteger claimedWaiters = new AtomicInteger();
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
      waiters[i] = new ProgressWaiter(true);
    }
  }

  @Override
  public long waitFor(
      long sequence, Sequence cursor, Sequence dependentSequence, SequenceBarrier barrier)
      throws AlertException, InterruptedException {
    ProgressWaiter self = own.get();
    if (self.askedAgain(sequence)) {
      self.pauseForPublisher();
    } else {
      // The calling stage's sequence has just moved past its previous batch.
      signalProgress();
    }
    if (dependentSequence == cursor) {
      awaitPublished(sequence, cursor, barrier);
    }
    long available;
    long pollNanos = FIRST_POLL_NANOS;
    while ((available = dependentSequence.get()) < sequence) {
      barrier.checkAlert();
      if (self.registered) {
        self.park(dependentSequence, sequence, barrier, safetyParkNanos);
      } else {
        LockSupport.parkNanos(pollNanos);
        pollNanos = Math.min(pollNanos * 2, MAX_POLL_NANOS);
      }
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
      for (int i = 0, n = registeredWaiters(); i < n; i++) {
        waiters[i].wakeIfAlerted();
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
    for (int i = 0, n = registeredWaiters(); i < n; i++) {
      waiters[i].wakeIfDue();
    }
  }

  /**
   * Parks for at least {@code nanos}: {@code parkNanos} alone may return at once on a permit left
   * by a progress wake-up that raced with the thread's return from its barrier.
   */
  static void parkAtLeast(long nanos) {
    long deadline = System.nanoTime() + nanos;
    long left = nanos;
    while (left > 0) {
      LockSupport.parkNanos(left);
      left = deadline - System.nanoTime();
    }
  }

  /**
   * Parks for at least {@code nanos}, or until {@code stop} turns true (looked at every
   * millisecond): a retry's backoff that a halting pipeline must not wait out.
   *
   * @return false when {@code stop} turned true
   */
  static boolean parkAtLeast(long nanos, BooleanSupplier stop) {
    long deadline = System.nanoTime() + nanos;
    long left = nanos;
    while (left > 0) {
      if (stop.getAsBoolean()) {
        return false;
      }
      LockSupport.parkNanos(Math.min(left, STOP_CHECK_NANOS));
      left = deadline - System.nanoTime();
    }
    return !stop.getAsBoolean();
  }

  private int registeredWaiters() {
    return Math.min(claimedWaiters.get(), MAX_WAITERS);
  }

  private ProgressWaiter claimWaiter() {
    int index = claimedWaiters.getAndIncrement();
    return index < MAX_WAITERS ? waiters[index] : new ProgressWaiter(false);
  }

  /** One stage thread's parking place; each thread has its own. */
  private final class ProgressWaiter {
    /** False for a thread beyond {@link #MAX_WAITERS}: nobody wakes it, it polls. */
    final boolean registered;

    // Owner thread only.
    private long lastAsked = Long.MIN_VALUE;
    private int spins;
    // Written by the owner before parkedThread, whose volatile write publishes them.
    private Sequence upstream;
    private SequenceBarrier barrier;
    private long awaited;
    // Set while parked; read by signalling stages.
    private volatile Thread parkedThread;

    ProgressWaiter(boolean registered) {
      this.registered = registered;
    }

    /** Whether the owner asks for the same slot as last time: it was claimed, not published. */
    boolean askedAgain(long sequence) {
      if (sequence == lastAsked) {
        return true;
      }
      lastAsked = sequence;
      spins = 0;
      return false;
    }

    void pauseForPublisher() {
      if (spins < SPINS_FOR_PUBLISHER) {
        spins++;
        Thread.onSpinWait();
      } else {
        Thread.yield();
      }
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
