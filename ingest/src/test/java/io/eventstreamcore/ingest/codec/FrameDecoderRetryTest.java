package io.eventstreamcore.ingest.codec;

import static io.eventstreamcore.ingest.codec.FrameBuilder.frame;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How often a connection paused by a full ring tries again. */
class FrameDecoderRetryTest {
  private static final int RING = 8;
  private final DecoderFixture fixture =
      new DecoderFixture(RING, DecoderFixture.DEFAULT_MAX_FRAME_BYTES);

  @AfterEach
  void close() {
    fixture.close();
  }

  @Test
  void retriesThatFindTheRingStillFullComeLessOftenUntilItMoves() {
    EmbeddedChannel channel =
        DecoderFixture.newChannel(
            fixture.newDecoder(fixture.connection, TimeUnit.MILLISECONDS.toNanos(1)));
    for (int n = 1; n <= RING + 1; n++) {
      DecoderFixture.write(channel, frame().topic("t").payload("p" + n).build());
    }
    assertThat(fixture.publishedCount()).isEqualTo(RING);

    // Retries after 1, then 2, then 4 ms find no room; the next waits the longest, 5 ms.
    for (int ms : new int[] {1, 2, 4}) {
      advance(channel, ms);
      assertThat(fixture.publishedCount()).isEqualTo(RING);
    }
    fixture.consumeUpTo(RING - 1);
    advance(channel, 4);
    assertThat(fixture.publishedCount()).as("retried 4 ms after the last one").isEqualTo(RING);
    advance(channel, 1);
    assertThat(fixture.publishedCount()).isEqualTo(RING + 1);
    assertThat(channel.config().isAutoRead()).isTrue();
  }

  private static void advance(EmbeddedChannel channel, int millis) {
    channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
    channel.checkException();
  }
}
