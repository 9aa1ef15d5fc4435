package io.eventstreamcore.engine.ring;

import io.eventstreamcore.engine.event.SlotKind;
import java.time.InstantSource;
import java.util.concurrent.locks.LockSupport;

/**
 * Publishes a TICK slot at a fixed interval so that time-driven work progresses without traffic:
 * windows close, and ACKs a connection could not take are retried. When the ring is full the tick
 * waits for a slot, trying again every millisecond: connections backpressured on the ring take
 * every slot that frees, and windows of quiet topics close only on ticks.
 */
final class Ticker implements Runnable {
  private static final long RETRY_NANOS = 1_000_000;

  private final RingPublisher publisher;
  private final InstantSource clock;
  private final long intervalNanos;
  private volatile boolean running = true;
  private Thread thread;

  Ticker(RingPublisher publisher, InstantSource clock, long intervalNanos) {
    this.publisher = publisher;
    this.clock = clock;
    this.intervalNanos = intervalNanos;
  }

  void start() {
    thread = new Thread(this, "eventstream-ticker");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void run() {
    while (running) {
      LockSupport.parkNanos(intervalNanos);
      if (!running) {
        break;
      }
      long sequence = publisher.tryClaim();
      while (sequence == RingPublisher.NO_SLOT && running) {
        LockSupport.parkNanos(RETRY_NANOS);
        sequence = publisher.tryClaim();
      }
      if (sequence != RingPublisher.NO_SLOT) {
        publisher.slot(sequence).beginControl(SlotKind.TICK, clock.millis(), System.nanoTime());
        publisher.publish(sequence);
      }
    }
  }

  void stop() throws InterruptedException {
    running = false;
    if (thread != null) {
      LockSupport.unpark(thread);
      thread.join();
    }
  }
}
