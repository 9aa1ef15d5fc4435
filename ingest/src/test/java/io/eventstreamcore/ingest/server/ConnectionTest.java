package io.eventstreamcore.ingest.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.lmax.disruptor.RingBuffer;
import io.eventstreamcore.engine.event.ErrorCode;
import io.eventstreamcore.engine.event.EventLimits;
import io.eventstreamcore.engine.event.EventSlot;
import io.eventstreamcore.engine.metrics.EngineMetrics;
import io.eventstreamcore.engine.ring.RingPublisher;
import io.eventstreamcore.ingest.codec.FrameDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ACKs written straight to the socket and frames written by the event loop share one wire: what a
 * socket takes of a frame is never followed by anything but the rest of that frame, and an ERROR
 * always precedes the ACK covering it. The socket is a stand-in that takes as many bytes as the
 * test allows (a real one takes part of a frame only when the client stops reading, which a test
 * cannot time); the event loop is Netty's embedded one, run by the test.
 */
class ConnectionTest {
  private final ByteArrayOutputStream wire = new ByteArrayOutputStream();
  private EmbeddedChannel channel;
  private PartialSocket socket;
  private Connection connection;

  /** Takes at most {@code accept} bytes per write, appending them to the wire. */
  private final class PartialSocket implements WritableByteChannel {
    int accept = Integer.MAX_VALUE;
    int writes;
    Runnable duringWrite;

    @Override
    public int write(ByteBuffer src) {
      writes++;
      if (duringWrite != null) {
        duringWrite.run();
      }
      int n = Math.min(accept, src.remaining());
      for (int i = 0; i < n; i++) {
        wire.write(src.get());
      }
      return n;
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public void close() {}
  }

  @BeforeEach
  void setUp() {
    channel = new EmbeddedChannel();
    socket = new PartialSocket();
    connection = new Connection(channel, socket);
  }

  /** Runs the event loop's tasks and moves what it wrote onto the wire. */
  private void runEventLoop() {
    channel.runPendingTasks();
    ByteBuf written;
    while ((written = channel.readOutbound()) != null) {
      byte[] bytes = new byte[written.readableBytes()];
      written.readBytes(bytes);
      wire.writeBytes(bytes);
      written.release();
    }
  }

  private record Frame(int type, long frameNo, int code) {}

  private List<Frame> frames() throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(wire.toByteArray()));
    List<Frame> frames = new ArrayList<>();
    while (in.available() > 0) {
      int length = in.readInt();
      int type = in.readUnsignedByte();
      long frameNo = in.readLong();
      int code = 0;
      if (type == 2) {
        code = in.readUnsignedShort();
        in.skipNBytes(in.readUnsignedShort());
      } else {
        assertThat(length).isEqualTo(9);
      }
      frames.add(new Frame(type, frameNo, code));
    }
    return frames;
  }

  @Test
  void anAckGoesStraightToTheSocketWithoutTheEventLoop() throws Exception {
    assertThat(connection.sendAck(7)).isTrue();

    assertThat(socket.writes).isEqualTo(1);
    assertThat(frames()).containsExactly(new Frame(1, 7, 0));
    assertThat(channel.hasPendingTasks()).isFalse();
  }

  @Test
  void whatTheSocketDidNotTakeTheEventLoopWritesBeforeAnythingElse() throws Exception {
    connection.sendAck(1);
    socket.accept = 5; // the socket's buffer is nearly full
    connection.sendAck(2);
    socket.accept = Integer.MAX_VALUE;
    // The event loop holds the socket now: later ACKs go its way, coalesced.
    connection.sendAck(3);
    connection.sendAck(4);
    assertThat(socket.writes).isEqualTo(2);

    runEventLoop();
    connection.sendAck(5); // the event loop gave the socket back: straight again

    assertThat(socket.writes).isEqualTo(3);
    assertThat(frames())
        .containsExactly(
            new Frame(1, 1, 0), new Frame(1, 2, 0), new Frame(1, 4, 0), new Frame(1, 5, 0));
  }

  @Test
  void aSocketThatTakesNothingLeavesTheWholeAckToTheEventLoop() throws Exception {
    socket.accept = 0;
    connection.sendAck(9);
    assertThat(wire.size()).isZero();

    runEventLoop();

    assertThat(frames()).containsExactly(new Frame(1, 9, 0));
  }

  @Test
  void anErrorGoesBeforeTheAckCoveringItAndAnOlderAckIsNotRepeated() throws Exception {
    connection.sendAck(10);
    connection.sendError(11, ErrorCode.BAD_TOPIC);
    connection.sendAck(12); // an ERROR waits: through the event loop, after it
    assertThat(socket.writes).isEqualTo(1);

    runEventLoop();
    connection.sendAck(12); // already written
    connection.sendAck(13);

    assertThat(frames())
        .containsExactly(
            new Frame(1, 10, 0),
            new Frame(2, 11, ErrorCode.BAD_TOPIC.code()),
            new Frame(1, 12, 0),
            new Frame(1, 13, 0));
  }

  @Test
  void anEventLoopTaskThatRunsDuringADirectWriteWaitsForItAndRepeatsNothing() throws Exception {
    // The event loop runs a task while the acknowledger is writing: it must not write, but come
    // back after.
    socket.duringWrite = connection::run;
    connection.sendAck(30);
    socket.duringWrite = null;
    assertThat(channel.hasPendingTasks()).isTrue();

    runEventLoop();
    connection.sendError(31, ErrorCode.BAD_HEAD);
    connection.sendAck(32);
    runEventLoop();

    assertThat(frames())
        .containsExactly(
            new Frame(1, 30, 0), new Frame(2, 31, ErrorCode.BAD_HEAD.code()), new Frame(1, 32, 0));
  }

  @Test
  void noAckFollowsAnErrorDroppedBecauseTheClientDidNotRead() throws Exception {
    // The close asked for when the ERROR is dropped runs later, on the event loop: held back here,
    // while the client drains its buffer in the meantime.
    List<ChannelPromise> closes = new ArrayList<>();
    channel
        .pipeline()
        .addFirst(
            new ChannelOutboundHandlerAdapter() {
              @Override
              public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
                closes.add(promise);
              }
            });
    connection.sendAck(40);
    ChannelOutboundBuffer outbound = channel.unsafe().outboundBuffer();
    outbound.setUserDefinedWritability(1, false);
    connection.sendError(41, ErrorCode.BAD_TOPIC); // not reading: dropped, and the close asked for
    outbound.setUserDefinedWritability(1, true);

    assertThat(connection.sendAck(41)).isTrue();
    connection.sendAck(42);
    runEventLoop();

    assertThat(closes).hasSize(1);
    assertThat(frames()).containsExactly(new Frame(1, 40, 0));
  }

  @Test
  void aConnectionToCloseReadsNoMoreWhileItsLastOutputWaitsForTheClient() {
    RingBuffer<EventSlot> ring = RingBuffer.createMultiProducer(() -> new EventSlot(64), 64);
    FrameDecoder decoder =
        new FrameDecoder(
            new RingPublisher(ring),
            connection,
            InstantSource.system(),
            1 << 20,
            EventLimits.PROTOCOL,
            TimeUnit.MILLISECONDS.toNanos(1),
            new EngineMetrics());
    channel.pipeline().addLast(decoder);
    // A client that does not read: nothing is ever flushed, so the close waits.
    channel
        .pipeline()
        .addFirst(
            new ChannelOutboundHandlerAdapter() {
              @Override
              public void flush(ChannelHandlerContext ctx) {}
            });

    connection.closeAfterFlush();
    runEventLoop();
    byte[] topic = "t".getBytes(StandardCharsets.US_ASCII);
    channel.writeInbound(
        Unpooled.buffer()
            .writeInt(3 + topic.length + 1)
            .writeByte(1)
            .writeShort(topic.length)
            .writeBytes(topic)
            .writeByte('p'));

    assertThat(channel.isOpen()).isTrue();
    assertThat(channel.config().isAutoRead()).isFalse();
    assertThat(ring.getCursor()).as("frames decoded after the close was asked for").isEqualTo(-1);
  }

  @Test
  void aClosedChannelIsNotWrittenTo() throws Exception {
    channel.close();
    runEventLoop();

    assertThat(connection.sendAck(1)).isTrue();
    connection.sendError(2, ErrorCode.BAD_HEAD);
    runEventLoop();

    assertThat(wire.size()).isZero();
  }
}
