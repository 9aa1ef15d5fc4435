package io.eventstreamcore.engine.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import io.eventstreamcore.engine.event.EventSlot;
import io.eventstreamcore.engine.event.SlotKind;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link Ticker} on a bare ring whose only consumer is a sequence the test moves. */
class TickerTest {
  private static final int SIZE = 4;
  private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(2);

  @Test
  void aTickDueWhileTheRingIsFullWaitsForASlotInsteadOfBeingSkipped() throws Exception {
    RingBuffer<EventSlot> ring = RingBuffer.createMultiProducer(() -> new EventSlot(16), SIZE);
    Sequence consumed = new Sequence();
    ring.addGatingSequences(consumed);
    RingPublisher publisher = new RingPublisher(ring);
    for (int i = 0; i < SIZE; i++) {
      long sequence = publisher.tryClaim();
      ring.get(sequence).beginControl(SlotKind.SKIPPED, 0, 0);
      publisher.publish(sequence);
    }
    Ticker ticker = new Ticker(publisher, InstantSource.system(), INTERVAL_NANOS);
    ticker.start();
    try {
      // The first tick falls due with the ring full...
      Thread.sleep(TimeUnit.NANOSECONDS.toMillis(INTERVAL_NANOS) + 300);
      assertThat(ring.getCursor()).isEqualTo(SIZE - 1);
      // ...and goes in once a slot frees, well before the next one would be due.
      consumed.set(0);
      await()
          .atMost(Duration.ofMillis(1000))
          .untilAsserted(() -> assertThat(ring.getCursor()).isEqualTo(SIZE));
      assertThat(ring.get(SIZE).kind()).isEqualTo(SlotKind.TICK);
    } finally {
      ticker.stop();
    }
  }
}
