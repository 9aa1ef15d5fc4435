package io.eventstreamcore.ingest.codec;

import static io.eventstreamcore.ingest.codec.FrameBuilder.concat;
import static io.eventstreamcore.ingest.codec.FrameBuilder.frame;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link FrameDecoder} when the client shuts its output down after its last frame: everything it
 * sent is decoded, then the connection is told to close after the answers, or closed at once.
 */
class FrameDecoderHalfCloseTest {
  private static final int RING = 8;

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
}
