package io.eventstreamcore.ingest.codec;

import static io.eventstreamcore.ingest.codec.FrameBuilder.concat;
import static io.eventstreamcore.ingest.codec.FrameBuilder.frame;
import static org.assertj.core.api.Assertions.assertThat;

import com.lmax.disruptor.RingBuffer;
import io.eventstreamcore.engine.event.EventLimits;
import io.eventstreamcore.engine.event.EventSlot;
import io.eventstreamcore.engine.event.SlotKind;
import io.eventstreamcore.engine.metrics.EngineMetrics;
import io.eventstreamcore.engine.ring.RingPublisher;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Payloads larger than a slot retains are bounded in total: beyond the budget the connection
 * backpressures until the acknowledger has released earlier ones, and nothing is lost.
 */
class LargePayloadBudgetTest {
  private static final int RETAINED = 64;
  private static final long BUDGET = 300;

  private final RingBuffer<EventSlot> ring =
      RingBuffer.createMultiProducer(() -> new EventSlot(16, RETAINED), 64);
  private final RingPublisher publisher = new RingPublisher(ring, RETAINED, BUDGET);
  private final FrameDecoder decoder =
      new FrameDecoder(
          publisher,
          new DecoderFixture.SilentConnection(),
          InstantSource.fixed(DecoderFixture.NOW),
          1 << 20,
          EventLimits.PROTOCOL,
          DecoderFixture.RESUME_DELAY_NANOS,
          new EngineMetrics());
  private final EmbeddedChannel channel = DecoderFixture.newChannel(decoder);

  @Test
  void largePayloadsBeyondTheBudgetWaitForEarlierOnesToBeReleased() {
    byte[] small = frame().topic("s").payload(new byte[10]).build();
    byte[] large = frame().topic("l").payload(new byte[200]).build();
    DecoderFixture.write(channel, concat(small, large, small, large, small));

    // small, the first large (alone in the budget), small; the second large would exceed it.
    assertThat(ring.getCursor()).isEqualTo(2);
    assertThat(publisher.largeBytes()).isEqualTo(large.length - 4);
    assertThat(channel.config().isAutoRead()).isFalse();
    EventSlot first = ring.get(1);
    assertThat(first.payloadLength()).isEqualTo(200);

    // The acknowledger passes the first large event: its bytes return to the budget.
    publisher.releaseLarge(first.releaseLarge());
    channel.advanceTimeBy(DecoderFixture.RESUME_DELAY_NANOS, TimeUnit.NANOSECONDS);
    channel.runScheduledPendingTasks();
    channel.checkException();

    assertThat(ring.getCursor()).isEqualTo(4);
    assertThat(ring.get(3).payloadLength()).isEqualTo(200);
    assertThat(ring.get(4).kind()).isEqualTo(SlotKind.EVENT);
    assertThat(ring.get(4).payloadLength()).isEqualTo(10);
    assertThat(channel.config().isAutoRead()).isTrue();
  }

  @Test
  void aSlotKeepsOnlyBuffersUpToTheRetainedSize() {
    EventSlot slot = new EventSlot(16, RETAINED);
    slot.largeReservation(500);
    byte[] large = slot.payloadBuffer(500);
    assertThat(large.length).isEqualTo(500);

    assertThat(slot.releaseLarge()).isEqualTo(500);
    assertThat(slot.payloadBuffer(RETAINED)).isNotSameAs(large).hasSize(RETAINED);
    assertThat(slot.releaseLarge()).isZero();
  }

  @Test
  void aSlotKeepsNoTopicBufferBeyondTheRetainedSize() {
    EventSlot slot = new EventSlot(16, RETAINED);
    // A frame with a 60,000-byte topic is large, and reserved as such.
    slot.largeReservation(60_010);
    slot.topicBuffer(60_000);
    slot.payloadBuffer(10);

    slot.releaseLarge();

    assertThat(slot.topicBytes().length).isLessThanOrEqualTo(RETAINED);
  }
}
