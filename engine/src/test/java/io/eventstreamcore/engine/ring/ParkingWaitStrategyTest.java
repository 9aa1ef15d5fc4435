package io.eventstreamcore.engine.ring;

import static org.assertj.core.api.Assertions.assertThat;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A later stage parked for an upstream stage's progress: with the safety park set to an hour, a
 * stage that comes back at all was woken by the signal under test.
 */
class ParkingWaitStrategyTest {
  private static final long HOUR_NANOS = TimeUnit.HOURS.toNanos(1);

  private final ParkingWaitStrategy strategy = new ParkingWaitStrategy(HOUR_NANOS);
  private final RingBuffer<long[]> ring =
      RingBuffer.createMultiProducer(() -> new long[1], 16, strategy);
  private final Sequence upstream = new Sequence();
  private final SequenceBarrier upstreamBarrier = ring.newBarrier();
  private final SequenceBarrier barrier = ring.newBarrier(upstream);
  private final List<Thread> threads = new ArrayList<>();
  private Thread waiter;

  @AfterEach
  void stopThreads() throws InterruptedException {
    barrier.alert();
    upstreamBarrier.alert();
    for (Thread thread : threads) {
      thread.join(10_000);
      assertThat(thread.isAlive()).isFalse();
    }
  }

  @Test
  void upstreamStageComingBackForMoreWakesTheStageWaitingForIt() throws Exception {
    CompletableFuture<Long> available = waitInThread(barrier, 0);
    awaitParked();
    ring.publish(ring.next());
    // The upstream stage handled slot 0, moved its sequence, and waits for the next slot: the
    // Disruptor's event processor does exactly this after every batch.
    upstream.set(0);
    CompletableFuture<Long> upstreamWaits = waitInThread(upstreamBarrier, 1);

    assertThat(available.get(10, TimeUnit.SECONDS)).isEqualTo(0);
    assertThat(upstreamWaits).isNotDone();
  }

  @Test
  void progressPublishedInTheMiddleOfABatchWakesTheWaitingStage() throws Exception {
    ring.publish(ring.next());
    ring.publish(ring.next());
    CompletableFuture<Long> available = waitInThread(barrier, 1);
    awaitParked();
    upstream.set(1);
    strategy.signalProgress();

    assertThat(available.get(10, TimeUnit.SECONDS)).isEqualTo(1);
  }

  @Test
  void aRetryBackoffEndsWhenThePipelineHalts() throws Exception {
    AtomicBoolean halted = new AtomicBoolean();
    CompletableFuture<Boolean> backoff = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () ->
                backoff.complete(
                    ParkingWaitStrategy.parkAtLeast(TimeUnit.HOURS.toNanos(1), halted::get)),
            "test-backoff");
    thread.start();
    threads.add(thread);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (thread.getState() != Thread.State.TIMED_WAITING) { // parked inside the backoff
      assertThat(System.nanoTime()).isLessThan(deadline);
      Thread.onSpinWait();
    }

    halted.set(true);

    assertThat(backoff.get(10, TimeUnit.SECONDS)).isFalse(); // not the hour
    assertThat(ParkingWaitStrategy.parkAtLeast(1_000, () -> false)).isTrue();
  }

  @Test
  void haltWakesAStageParkedForProgress() throws Exception {
    CompletableFuture<Long> available = waitInThread(barrier, 0);
    awaitParked();
    barrier.alert();

    assertThat(available)
        .failsWithin(10, TimeUnit.SECONDS)
        .withThrowableOfType(Exception.class)
        .withRootCauseInstanceOf(AlertException.class);
  }

  @Test
  void aPauseLastsItsWholeTimeEvenWithAPermitLeftOver() {
    // A progress wake-up that raced with the thread's return from its barrier leaves a permit.
    LockSupport.unpark(Thread.currentThread());
    long pauseNanos = TimeUnit.MILLISECONDS.toNanos(20);
    long start = System.nanoTime();
    ParkingWaitStrategy.parkAtLeast(pauseNanos);

    assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(pauseNanos);
  }

  private CompletableFuture<Long> waitInThread(SequenceBarrier on, long sequence) {
    CompletableFuture<Long> result = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                result.complete(on.waitFor(sequence));
              } catch (Throwable e) {
                result.completeExceptionally(e);
              }
            },
            "test-stage-" + sequence);
    thread.start();
    threads.add(thread);
    if (on == barrier) {
      waiter = thread;
    }
    return result;
  }

  private void awaitParked() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (LockSupport.getBlocker(waiter) == null) {
      assertThat(System.nanoTime()).isLessThan(deadline);
      Thread.onSpinWait();
    }
  }
}
