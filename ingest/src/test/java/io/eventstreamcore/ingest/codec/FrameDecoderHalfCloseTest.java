package io.eventstreamcore.ingest.codec;

import static io.eventstreamcore.ingest.codec.FrameBuilder.concat;
import static io.eventstreamcore.ingest.codec.FrameBuilder.frame;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link FrameDecoder} when the client shuts its output down after its last frame: everything it
 * sent is decoded, then the connection is told to close after the answers, or closed at once. A
 * client that stops sending in the middle of a frame for the frame timeout ends the same way.
 */
class FrameDecoderHalfCloseTest {
  private static final int RING = 8;
  private static final long TIMEOUT_MS = 1_000;

  private final DecoderFixture fixture = new DecoderFixture(RING, 1 << 20);
  private final List<Object> events = new ArrayList<>();

  FrameDecoderHalfCloseTest() {
    fixture
        .channel
        .pipeline()
        .addLast(
            new ChannelInboundHandlerAdapter() {
              @Override
              public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
                events.add(event);
              }
            });
  }

  @AfterEach
  void closeChannel() {
    fixture.close();
  }

  private static byte[] frames(int count, boolean ack) {
    byte[][] frames = new byte[count][];
    for (int n = 0; n < count; n++) {
      FrameBuilder f = frame().topic("t").payload("p" + n);
      frames[n] = (ack ? f.ack() : f).build();
    }
    return concat(frames);
  }

  private void shutInput() {
    fixture.channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
    fixture.channel.runPendingTasks();
  }

  @Test
  void aClientThatAskedForAcksIsClosedAfterTheAckOfItsLastFrame() {
    fixture.write(frames(3, true));

    shutInput();

    assertThat(events).containsExactly(new FrameDecoder.InputEnded(3));
    assertThat(fixture.channel.isOpen()).isTrue();
  }

  @Test
  void framesHeldByABackpressurePauseAreDecodedBeforeTheEnd() {
    fixture.write(frames(12, true));
    assertThat(fixture.publishedCount()).isEqualTo(RING);

    shutInput();
    assertThat(events).isEmpty();
    assertThat(fixture.channel.isOpen()).isTrue();

    fixture.consumeUpTo(RING - 1);
    fixture.runResume();

    assertThat(fixture.publishedCount()).isEqualTo(12);
    assertThat(events).containsExactly(new FrameDecoder.InputEnded(12));
    assertThat(fixture.channel.config().isAutoRead()).isFalse();
  }

  @Test
  void aClientThatNeverAskedForAcksIsClosedAtOnce() {
    fixture.write(frames(3, false));

    shutInput();

    assertThat(fixture.publishedCount()).isEqualTo(3);
    assertThat(events).isEmpty();
    assertThat(fixture.channel.isOpen()).isFalse();
  }

  @Test
  void framesHeldByAPauseWhenAClientThatAskedForAcksIsGoneAreDropped() {
    fixture.write(frames(12, true));
    assertThat(fixture.publishedCount()).isEqualTo(RING);

    fixture.consumeUpTo(RING - 1); // room again, then the connection is reset before the resume
    fixture.channel.close();
    fixture.channel.runPendingTasks();

    // Stored, they would never be acknowledged, and the client resends them.
    assertThat(fixture.publishedCount()).isEqualTo(RING);
  }

  @Test
  void framesHeldByAPauseWhenAV1ClientIsGoneAreStored() {
    fixture.write(frames(12, false));
    assertThat(fixture.publishedCount()).isEqualTo(RING);

    fixture.consumeUpTo(RING - 1);
    fixture.channel.close();
    fixture.channel.runPendingTasks();

    assertThat(fixture.publishedCount()).isEqualTo(12); // v1 sends and closes: nothing is resent
  }

  /** Moves the frozen clock on by {@code millis} and runs what is then due. */
  private void after(long millis) {
    fixture.channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
    fixture.channel.runScheduledPendingTasks();
    fixture.channel.checkException();
  }

  private long timeouts() {
    return (long) fixture.metrics.frameTimeouts().get();
  }

  @Test
  void aClientStoppedInTheMiddleOfAFrameIsEndedAfterTheTimeoutWithoutThatFrame() {
    fixture.decoder.frameTimeout(TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS));
    byte[] third = frame().topic("t").payload("x".repeat(100)).ack().build();
    fixture.write(concat(frames(2, true), Arrays.copyOf(third, 10)));

    after(TIMEOUT_MS - 200);
    fixture.write(Arrays.copyOfRange(third, 10, 12)); // a byte more restarts the wait
    after(TIMEOUT_MS - 200);
    assertThat(events).isEmpty();
    assertThat(timeouts()).isZero();

    after(200);

    assertThat(events).containsExactly(new FrameDecoder.InputEnded(2));
    assertThat(timeouts()).isEqualTo(1);
    assertThat(fixture.publishedCount()).isEqualTo(2);
    fixture.write(Arrays.copyOfRange(third, 12, third.length)); // too late: never decoded
    assertThat(fixture.publishedCount()).isEqualTo(2);
  }

  @Test
  void aClientHeldBackByBackpressureIsNotToBlameForTheWait() {
    fixture.decoder.frameTimeout(TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS));
    byte[] eighth = frames(1, true);
    fixture.write(concat(frames(RING - 1, true), Arrays.copyOf(eighth, 5)));
    after(TIMEOUT_MS / 2);
    byte[] rest = Arrays.copyOfRange(eighth, 5, eighth.length);
    fixture.write(concat(rest, frames(4, true), Arrays.copyOf(frames(1, true), 5)));
    assertThat(fixture.publishedCount()).as("the ring is full").isEqualTo(RING);

    after(3 * TIMEOUT_MS); // paused all along: the retries find the ring full
    assertThat(events).isEmpty();
    fixture.consumeUpTo(RING - 1);
    fixture.runResume();
    assertThat(fixture.publishedCount()).isEqualTo(12);
    after(TIMEOUT_MS - 100);
    assertThat(events).as("the wait starts when reading does").isEmpty();

    after(100);

    assertThat(events).containsExactly(new FrameDecoder.InputEnded(12));
  }

  @Test
  void betweenFramesAConnectionMayIdleForEverAndOneWithoutAcksIsClosedAtOnce() {
    fixture.decoder.frameTimeout(TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS));
    fixture.write(frames(3, false));
    after(10 * TIMEOUT_MS);
    assertThat(fixture.channel.isOpen()).isTrue();

    fixture.write(Arrays.copyOf(frames(1, false), 7));
    after(TIMEOUT_MS);

    assertThat(fixture.channel.isOpen()).isFalse();
    assertThat(events).isEmpty();
    assertThat(fixture.publishedCount()).isEqualTo(3);
  }
}
