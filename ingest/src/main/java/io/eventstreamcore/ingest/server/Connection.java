package io.eventstreamcore.ingest.server;

import io.eventstreamcore.engine.event.AckTarget;
import io.eventstreamcore.engine.event.ErrorCode;
import io.eventstreamcore.ingest.codec.FrameDecoder;
import io.eventstreamcore.ingest.codec.ResponseEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.nio.AbstractNioChannel;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One client connection as the acknowledger sees it.
 *
 * <p>An ACK goes straight from the acknowledger's thread to the socket when nothing else is being
 * written to it: one non-blocking write of 13 bytes, without waking the channel's event loop (a
 * thread hand-off that cost 20-40 us of the median send-to-ACK latency at 100,000 events/s on 2
 * cores). Everything else goes through the event loop, which encodes and writes: ERRORs, and an ACK
 * while the event loop holds the socket or the socket took only part of a direct write (its buffer
 * full: the client is not reading); then the event loop writes the rest first and Netty waits for
 * the socket. Who writes is one atomic state, so that frames never interleave: idle, the
 * acknowledger writing, or the event loop holding the socket until Netty has written all it was
 * given. While an event-loop task is pending, later ACKs coalesce into it.
 *
 * <p>Order: the acknowledger queues a frame's ERROR before it marks an ACK covering that frame due,
 * an ACK goes direct only when no ERROR waits, and the task reads the due ACK before it drains the
 * ERRORs, so an ERROR always goes out before any ACK covering it. A close requested after them is
 * queued on the event loop after the task. An ERROR dropped because the client does not read closes
 * the connection, and no ACK is written after it.
 */
final class Connection extends AckTarget implements Runnable {
  private static final int IDLE = 0;
  private static final int DIRECT = 1;
  private static final int EVENT_LOOP = 2;
  private static final MethodHandle JAVA_CHANNEL = javaChannelAccessor();
  // ERRORs written between two flushes: about 5 KB, far below the 64 KiB of unwritten output at
  // which Netty counts a channel as not writable.
  private static final int ERRORS_PER_FLUSH = 64;

  private final Channel channel;
  // The channel's JDK socket, for direct writes; null when the transport does not expose one.
  private final WritableByteChannel socket;
  private final ByteBuffer ackFrame = ByteBuffer.allocateDirect(ResponseEncoder.ACK_FRAME_BYTES);
  private final AtomicInteger writer = new AtomicInteger(IDLE);
  private final Queue<PendingError> errors = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  // Written by the acknowledger, read by the event loop's task.
  private volatile long dueAck;
  // Set by the acknowledger when it dropped an ERROR and asked for the close: no ACK may follow,
  // or it would cover the rejected frame. The close itself runs later, on the event loop.
  private volatile boolean closing;
  // Set on the event loop once a half-closed client's frames are all decoded: the connection
  // closes when an ACK covering this frame is written. -1 while the client is still sending.
  private volatile long lastFrame = -1;
  // The highest ACK written, by whichever side holds the writer state.
  private long writtenAck;
  // What the socket did not take of a direct write: handed to the event loop with the state.
  private ByteBuf unwritten;

  private record PendingError(long frameNo, ErrorCode code) {}

  Connection(Channel channel) {
    this(channel, socketOf(channel));
  }

  /** A connection writing ACKs directly to {@code socket} (null: never). */
  Connection(Channel channel, WritableByteChannel socket) {
    this.channel = channel;
    this.socket = socket;
  }

  @Override
  public boolean sendAck(long frameNo) {
    if (closing || !channel.isActive()) {
      return true; // nobody to tell; the client resends what it did not see acknowledged
    }
    if (!channel.isWritable()) {
      return false; // client not reading: keep the ACK due, coalesce, retry later
    }
    if (socket != null && errors.isEmpty() && writer.compareAndSet(IDLE, DIRECT)) {
      writeDirect(frameNo);
      return true;
    }
    dueAck = frameNo;
    schedule();
    return true;
  }

  /** Holding the DIRECT state: writes the ACK, then leaves the state idle or to the event loop. */
  private void writeDirect(long frameNo) {
    if (frameNo <= writtenAck) {
      writer.set(IDLE);
      return;
    }
    ackFrame.clear();
    ResponseEncoder.ack(ackFrame, frameNo);
    ackFrame.flip();
    try {
      socket.write(ackFrame);
    } catch (IOException e) {
      writer.set(IDLE);
      channel.close(); // reset by the client: it resends what it did not see acknowledged
      return;
    }
    writtenAck = frameNo;
    if (!ackFrame.hasRemaining()) {
      writer.set(IDLE);
      long last = lastFrame;
      if (last >= 0 && frameNo >= last) {
        schedule(); // the last answer is out: the event loop closes
      }
      return;
    }
    unwritten = Unpooled.copiedBuffer(ackFrame);
    writer.set(EVENT_LOOP);
    schedule();
  }

  @Override
  public void sendError(long frameNo, ErrorCode code) {
    if (!channel.isActive()) {
      return;
    }
    if (!channel.isWritable()) {
      // The client asked for answers but does not read them: rather than queue ERRORs without
      // bound, close. Nothing acknowledged is lost; the client resends what was not.
      closing = true;
      channel.close();
      return;
    }
    errors.add(new PendingError(frameNo, code));
    schedule();
  }

  /**
   * The client shut its output down after frame {@code frameNo} and waits for the answers: closes
   * once an ACK covering it is written. On the event loop.
   */
  void closeAfterAck(long frameNo) {
    lastFrame = frameNo;
    schedule(); // it may be written already
  }

  @Override
  public void closeAfterFlush() {
    FrameDecoder decoder = channel.pipeline().get(FrameDecoder.class);
    try {
      channel
          .eventLoop()
          .execute(
              () -> {
                // Whatever the client sends from now on would be stored but never acknowledged.
                if (decoder != null) {
                  decoder.stopReading();
                }
                channel
                    .writeAndFlush(Unpooled.EMPTY_BUFFER)
                    .addListener(ChannelFutureListener.CLOSE);
              });
    } catch (RejectedExecutionException e) {
      // The event loop has shut down with the server, and closed the channel.
    }
  }

  private void schedule() {
    if (!scheduled.get() && scheduled.compareAndSet(false, true)) {
      execute();
    }
  }

  private void execute() {
    try {
      channel.eventLoop().execute(this);
    } catch (RejectedExecutionException e) {
      // The event loop has shut down with the server: its channels are closed, and their
      // clients resend what they did not see acknowledged.
      scheduled.set(false);
    }
  }

  /**
   * On the event loop: takes the socket (after a direct write in progress), writes what a direct
   * write left, the queued ERRORs, then the due ACK, flushes, and gives the socket back once Netty
   * has written everything.
   */
  @Override
  public void run() {
    int state = writer.get();
    if (state == DIRECT || (state == IDLE && !writer.compareAndSet(IDLE, EVENT_LOOP))) {
      execute(); // the acknowledger is writing 13 bytes: come back right after
      return;
    }
    // Cleared first: whatever is marked due from here on schedules the task again.
    scheduled.set(false);
    ByteBuf rest = unwritten;
    unwritten = null;
    if (!channel.isActive()) {
      errors.clear(); // nobody to tell; the client resends what it did not see acknowledged
      if (rest != null) {
        rest.release();
      }
      writer.set(IDLE);
      return;
    }
    if (rest != null) {
      channel.write(rest, channel.voidPromise());
    }
    long ack = dueAck;
    PendingError error;
    int unflushed = 0;
    while ((error = errors.poll()) != null) {
      channel.write(
          ResponseEncoder.error(channel.alloc(), error.frameNo(), error.code()),
          channel.voidPromise());
      // Flushed a few at a time: a long run of ERRORs written unflushed would pass the output
      // bound by itself, and the next sendError would take a client reading them for one that
      // does not and close its connection.
      if (++unflushed == ERRORS_PER_FLUSH) {
        unflushed = 0;
        channel.flush();
      }
    }
    // Read after dueAck: an ACK due past the dropped ERROR was marked after closing was set.
    if (ack > writtenAck && !closing) {
      writtenAck = ack;
      channel.write(ResponseEncoder.ack(channel.alloc(), ack), channel.voidPromise());
    }
    channel.flush();
    ChannelOutboundBuffer pending = channel.unsafe().outboundBuffer();
    if (pending == null || pending.totalPendingWriteBytes() == 0) {
      writer.set(IDLE);
    }
    // Otherwise the socket is full: the event loop keeps it until a later task finds Netty done.
    long last = lastFrame;
    if (last >= 0 && writtenAck >= last) {
      closeAfterFlush();
    }
  }

  private static WritableByteChannel socketOf(Channel channel) {
    if (JAVA_CHANNEL == null || !(channel instanceof AbstractNioChannel)) {
      return null;
    }
    try {
      SelectableChannel jdk = (SelectableChannel) JAVA_CHANNEL.invoke((AbstractNioChannel) channel);
      return jdk instanceof WritableByteChannel writable ? writable : null;
    } catch (Throwable e) {
      return null; // the event loop writes everything, as it always may
    }
  }

  /** Netty's accessor for the JDK channel under an NIO channel (protected), or null. */
  private static MethodHandle javaChannelAccessor() {
    try {
      return MethodHandles.privateLookupIn(AbstractNioChannel.class, MethodHandles.lookup())
          .findVirtual(
              AbstractNioChannel.class,
              "javaChannel",
              MethodType.methodType(SelectableChannel.class));
    } catch (ReflectiveOperationException | SecurityException e) {
      return null;
    }
  }
}
