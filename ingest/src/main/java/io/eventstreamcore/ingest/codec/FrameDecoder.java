package io.eventstreamcore.ingest.codec;

import io.eventstreamcore.engine.event.AckTarget;
import io.eventstreamcore.engine.event.ErrorCode;
import io.eventstreamcore.engine.event.EventLimits;
import io.eventstreamcore.engine.event.EventSlot;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.event.SlotKind;
import io.eventstreamcore.engine.metrics.EngineMetrics;
import io.eventstreamcore.engine.ring.RingPublisher;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Decodes event frames straight from the connection's buffer into claimed ring slots: no object per
 * frame. Every frame, valid or not, takes a slot and is numbered, so that its ACK or ERROR comes
 * back in order from the end of the ring.
 *
 * <p>Backpressure: when the ring has no free slot, the decoder stops reading the socket (autoRead
 * off), keeps the undecoded bytes, and retries on its event loop after a short delay; the event
 * loop never blocks and no frame is dropped. A frame longer than the maximum loses the frame
 * boundaries: it is answered with ERROR 3 and the connection closes after its earlier frames are
 * acknowledged. A client may shut its output down after its last frame (half-close): what it sent
 * is decoded, after a backpressure pause too, and the connection closes once a client that asked
 * for acks has had them all ({@link InputEnded}), at once for one that did not. A client that stops
 * sending in the middle of a frame for the {@linkplain #frameTimeout frame timeout} (not while
 * backpressure holds it) is treated the same way: the incomplete frame is dropped, never numbered,
 * and the connection closes after the answers to the frames before it. A topic or payload that the
 * storage backends cannot hold ({@link EventLimits}) is rejected on its own, like any other invalid
 * frame.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
  /** Bound on the frames claimed at once, so one connection cannot take the whole ring. */
  private static final int MAX_FRAMES_PER_CLAIM = 256;

  // The longest a paused connection waits between retries (see maxResumeDelayNanos).
  private static final long MAX_RESUME_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  private final RingPublisher ring;
  private final AckTarget connection;
  private final InstantSource clock;
  private final long maxFrameBytes;
  private final EventLimits limits;
  private final long resumeDelayNanos;
  // While retries find the ring still full, each waits twice as long as the one before, up to
  // this (at least MAX_RESUME_DELAY_NANOS): a thousand connections paused through a storage outage
  // would otherwise keep the I/O thread busy with millions of retries a second.
  private final long maxResumeDelayNanos;
  private final CounterDataPoint received;
  private final EngineMetrics metrics;
  private final Runnable resume = this::resume;
  private final Runnable frameTimer = this::checkFrameTimeout;
  private long frameTimeoutNanos;
  private boolean frameTimerScheduled;
  // The event loop's ticker time of the last read or resume.
  private long progressNanos;
  private ChannelHandlerContext context;
  private long frameCount;
  private boolean acksRequested;
  private boolean paused;
  private boolean stalled;
  private boolean resumeScheduled;
  private long nextResumeDelayNanos;
  private boolean largeFrame;
  private boolean broken;
  private boolean inputEnded;

  /**
   * Fired down the pipeline once every frame a half-closed connection sent is decoded, when it has
   * asked for acks: it is closed once an ACK covering {@code lastFrame} is written.
   */
  public record InputEnded(long lastFrame) {}

  /** Creates the decoder of one connection. */
  public FrameDecoder(
      RingPublisher ring,
      AckTarget connection,
      InstantSource clock,
      long maxFrameBytes,
      EventLimits limits,
      long resumeDelayNanos,
      EngineMetrics metrics) {
    this.ring = ring;
    this.connection = connection;
    this.clock = clock;
    this.maxFrameBytes = maxFrameBytes;
    this.limits = limits;
    this.resumeDelayNanos = resumeDelayNanos;
    this.maxResumeDelayNanos = Math.max(resumeDelayNanos, MAX_RESUME_DELAY_NANOS);
    this.metrics = metrics;
    this.received = metrics.framesReceived();
  }

  /**
   * Before the channel is registered: closes the connection, as if its input ended there, when it
   * stops sending in the middle of a frame for {@code nanos} (0, the default: never).
   */
  public FrameDecoder frameTimeout(long nanos) {
    this.frameTimeoutNanos = nanos;
    return this;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.context = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (frameTimeoutNanos > 0) {
      progressNanos = ctx.executor().ticker().nanoTime();
    }
    super.channelRead(ctx, msg);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (broken) {
      in.skipBytes(in.readableBytes());
      return;
    }
    long nowMillis = clock.millis();
    long nowNanos = System.nanoTime();
    while (true) {
      skipKeepAlives(in);
      int frames = completeFrames(in);
      if (frames == 0) {
        // An oversized frame is rejected on its length alone once the connection has asked for
        // acks; before that, once its head byte is here too, whose ACK bit may be that asking.
        int needed = FrameDescriptor.LENGTH_FIELD_BYTES + (acksRequested ? 0 : 1);
        if (in.readableBytes() >= needed && in.getUnsignedInt(in.readerIndex()) > maxFrameBytes) {
          rejectOversized(ctx, in, nowMillis, nowNanos);
        } else if (in.isReadable()) {
          awaitRestOfFrame(ctx);
        }
        return; // otherwise wait for the rest of the frame
      }
      // A large frame travels alone and first reserves its bytes against the bound on large
      // payloads in the ring: when that is spent, backpressure as for a full ring.
      long large = largeFrame ? in.getUnsignedInt(in.readerIndex()) : 0;
      if (large > 0 && !ring.tryReserveLarge(large)) {
        pause(ctx);
        return;
      }
      // One claim and one publish for every complete frame in the buffer: fewer contended
      // operations on the ring than one per frame.
      long last = ring.tryClaim(frames);
      if (last == RingPublisher.NO_SLOT) {
        frames = (int) Math.min(frames, ring.remainingCapacity());
        last = frames > 0 ? ring.tryClaim(frames) : RingPublisher.NO_SLOT;
        if (last == RingPublisher.NO_SLOT) {
          if (large > 0) {
            ring.releaseLarge(large);
          }
          pause(ctx);
          return;
        }
      }
      if (large > 0) {
        ring.slot(last).largeReservation(large); // released once no stage reads the slot
      }
      long first = last - frames + 1;
      long sequence = first;
      try {
        for (; sequence <= last; sequence++) {
          skipKeepAlives(in);
          int body = in.readerIndex() + FrameDescriptor.LENGTH_FIELD_BYTES;
          int length = in.getInt(in.readerIndex());
          decodeBody(in, body, length, ring.slot(sequence), nowMillis, nowNanos);
          in.readerIndex(body + length);
        }
      } finally {
        // Claimed slots must always be published or the ring stalls for everyone: if filling
        // failed (e.g. out of memory), the unfilled ones pass through as SKIPPED and the error
        // closes this connection only.
        for (long unfilled = sequence; unfilled <= last; unfilled++) {
          ring.slot(unfilled).beginControl(SlotKind.SKIPPED, nowMillis, nowNanos);
        }
        ring.publish(first, last);
      }
      received.inc(frames);
    }
  }

  private static void skipKeepAlives(ByteBuf in) {
    while (in.readableBytes() >= FrameDescriptor.LENGTH_FIELD_BYTES
        && in.getInt(in.readerIndex()) == 0) {
      in.skipBytes(FrameDescriptor.LENGTH_FIELD_BYTES);
    }
  }

  /**
   * Counts the complete frames (of allowed size) at the front of the buffer, up to a batch. A large
   * frame ({@link RingPublisher#isLarge}) ends the batch before it, or is a batch of its own when
   * it comes first; {@link #largeFrame} says which.
   */
  private int completeFrames(ByteBuf in) {
    int position = in.readerIndex();
    int end = in.writerIndex();
    int frames = 0;
    largeFrame = false;
    while (frames < MAX_FRAMES_PER_CLAIM && end - position >= FrameDescriptor.LENGTH_FIELD_BYTES) {
      long length = in.getUnsignedInt(position);
      if (length > maxFrameBytes || end - position - FrameDescriptor.LENGTH_FIELD_BYTES < length) {
        break;
      }
      if (ring.isLarge(length)) {
        if (frames == 0) {
          largeFrame = true;
          frames = 1;
        }
        break;
      }
      if (length > 0) {
        frames++;
      }
      position += FrameDescriptor.LENGTH_FIELD_BYTES + (int) length;
    }
    return frames;
  }

  /**
   * A length beyond the maximum loses the frame boundaries: the frame is answered with ERROR 3 (in
   * order, through the ring) and the connection is closed after its earlier frames.
   */
  private void rejectOversized(
      ChannelHandlerContext ctx, ByteBuf in, long nowMillis, long nowNanos) {
    long sequence = ring.tryClaim();
    if (sequence == RingPublisher.NO_SLOT) {
      pause(ctx);
      return;
    }
    if (!acksRequested) {
      int head = in.getUnsignedByte(in.readerIndex() + FrameDescriptor.LENGTH_FIELD_BYTES);
      if ((head & FrameDescriptor.ACK_FLAG) != 0 || badHead(head)) {
        acksRequested = true; // the frame itself asked, as PROTOCOL.md counts it
      }
    }
    EventSlot slot = ring.slot(sequence);
    slot.beginFrame(connection, ++frameCount, acksRequested);
    slot.received(nowMillis, nowNanos);
    slot.reject(ErrorCode.FRAME_TOO_LARGE, true);
    ring.publish(sequence);
    received.inc();
    metrics.framesRejected(ErrorCode.FRAME_TOO_LARGE).inc();
    broken = true;
    ctx.channel().config().setAutoRead(false);
    in.skipBytes(in.readableBytes());
  }

  /** Fills {@code slot} from the body at {@code body} of {@code length} bytes, or rejects it. */
  private void decodeBody(
      ByteBuf in, int body, int length, EventSlot slot, long nowMillis, long nowNanos) {
    int head = in.getUnsignedByte(body);
    boolean badHead = badHead(head);
    // A client that set the ACK bit, or whose head byte is invalid, has asked for acks.
    if (badHead || (head & FrameDescriptor.ACK_FLAG) != 0) {
      acksRequested = true;
    }
    slot.beginFrame(connection, ++frameCount, acksRequested);
    slot.received(nowMillis, nowNanos);
    ErrorCode error = badHead ? ErrorCode.BAD_HEAD : fill(in, body, length, head, slot);
    if (error != null) {
      slot.reject(error, false);
      metrics.framesRejected(error).inc();
    }
  }

  private static boolean badHead(int head) {
    return (head & FrameDescriptor.RESERVED_MASK) != 0
        || !Priority.isValidCode(head & FrameDescriptor.PRIORITY_MASK);
  }

  /** Validates the rest of the body and copies it into the slot; returns the error, if any. */
  private ErrorCode fill(ByteBuf in, int body, int length, int head, EventSlot slot) {
    if (length < FrameDescriptor.FIXED_HEADER_BYTES) {
      return ErrorCode.BAD_TOPIC;
    }
    int topicLength = in.getUnsignedShort(body + 1);
    int topic = body + FrameDescriptor.FIXED_HEADER_BYTES;
    if (topicLength == 0 || FrameDescriptor.FIXED_HEADER_BYTES + topicLength > length) {
      return ErrorCode.BAD_TOPIC;
    }
    if (!Utf8Validator.isValid(in, topic, topicLength)) {
      return ErrorCode.BAD_TOPIC;
    }
    if (topicLength > limits.maxTopicBytes()
        || (!limits.nulInTopic() && in.indexOf(topic, topic + topicLength, (byte) 0) >= 0)) {
      return ErrorCode.TOPIC_NOT_STORABLE;
    }
    int payload = topic + topicLength;
    long eventId = 0;
    long clientTime = 0;
    if ((head & FrameDescriptor.EXTENDED_FLAG) != 0) {
      if (payload + FrameDescriptor.EXTENDED_HEADER_BYTES > body + length) {
        return ErrorCode.TRUNCATED_HEADER;
      }
      eventId = in.getLong(payload);
      clientTime = in.getLong(payload + 8);
      payload += FrameDescriptor.EXTENDED_HEADER_BYTES;
    }
    int payloadLength = body + length - payload;
    if (payloadLength > limits.maxPayloadBytes()) {
      return ErrorCode.PAYLOAD_NOT_STORABLE;
    }
    slot.header(Priority.ofCode(head & FrameDescriptor.PRIORITY_MASK), eventId, clientTime);
    in.getBytes(topic, slot.topicBuffer(topicLength), 0, topicLength);
    in.getBytes(payload, slot.payloadBuffer(payloadLength), 0, payloadLength);
    return null;
  }

  /**
   * The connection is gone (a reset, or closed on a failed write): the base class decodes what is
   * still buffered. A client that asked for acks gets none for those frames and sends them again,
   * so they are dropped rather than stored twice (an id-less event would be); a v1 client never
   * learns either way, and its frames are kept.
   */
  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (acksRequested) {
      broken = true;
    }
    super.channelInactive(ctx);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof ChannelInputShutdownEvent) {
      // Not to the base class, which would drop bytes a backpressure pause keeps undecoded; an
      // incomplete frame at the end is never numbered, as with a reset.
      inputEnded = true;
      if (!paused) {
        endInput(ctx);
      }
      return;
    }
    super.userEventTriggered(ctx, event);
  }

  private void endInput(ChannelHandlerContext ctx) {
    if (acksRequested) {
      ctx.fireUserEventTriggered(new InputEnded(frameCount));
    } else {
      ctx.close(); // nothing will be written to it
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    // Unlike the base class, never request a read while autoRead is off: that is the backpressure.
    discardSomeReadBytes();
    ctx.fireChannelReadComplete();
  }

  private void pause(ChannelHandlerContext ctx) {
    stalled = true;
    if (!paused) {
      paused = true;
      nextResumeDelayNanos = resumeDelayNanos;
      metrics.backpressurePauses().inc();
      ctx.channel().config().setAutoRead(false);
    }
    if (!resumeScheduled) {
      resumeScheduled = true; // one retry chain per connection, however often decode pauses
      ctx.executor().schedule(resume, nextResumeDelayNanos, TimeUnit.NANOSECONDS);
      nextResumeDelayNanos = Math.min(2 * nextResumeDelayNanos, maxResumeDelayNanos);
    }
  }

  private void awaitRestOfFrame(ChannelHandlerContext ctx) {
    if (frameTimeoutNanos > 0 && !frameTimerScheduled) {
      frameTimerScheduled = true; // one timer per connection, however many reads end mid-frame
      ctx.executor().schedule(frameTimer, frameTimeoutNanos, TimeUnit.NANOSECONDS);
    }
  }

  /** On the event loop: ends a connection whose incomplete frame saw no byte for the timeout. */
  private void checkFrameTimeout() {
    frameTimerScheduled = false;
    ChannelHandlerContext ctx = context;
    // Paused, the server is not reading: the client is not to blame. Complete frames are all
    // decoded when not paused, so a readable buffer holds the start of one.
    if (broken || paused || inputEnded || !ctx.channel().isActive()) {
      return;
    }
    if (!internalBuffer().isReadable()) {
      return;
    }
    long idle = ctx.executor().ticker().nanoTime() - progressNanos;
    if (idle < frameTimeoutNanos) {
      frameTimerScheduled = true;
      ctx.executor().schedule(frameTimer, frameTimeoutNanos - idle, TimeUnit.NANOSECONDS);
      return;
    }
    metrics.frameTimeouts().inc();
    broken = true;
    ctx.channel().config().setAutoRead(false);
    internalBuffer().skipBytes(internalBuffer().readableBytes());
    endInput(ctx);
  }

  /** On the event loop: decode what is buffered; read the socket again once it all fits. */
  private void resume() {
    resumeScheduled = false;
    ChannelHandlerContext ctx = context;
    if (!paused || !ctx.channel().isActive()) {
      return;
    }
    stalled = false;
    long decoded = frameCount;
    try {
      channelRead(ctx, Unpooled.EMPTY_BUFFER);
    } catch (Throwable e) {
      // As on the socket-read path, where Netty hands anything thrown, an Error too (out of
      // memory for a large payload), to the pipeline, which closes the connection: otherwise it
      // would stay paused for good.
      ctx.fireExceptionCaught(e);
      return;
    }
    if (frameCount != decoded) {
      nextResumeDelayNanos = resumeDelayNanos; // the ring moves: retry soon again
    }
    if (!stalled && !broken) {
      paused = false;
      if (inputEnded) {
        endInput(ctx);
      } else {
        ctx.channel().config().setAutoRead(true);
      }
    }
  }

  /**
   * Stops decoding for good (service stopping): turns reading off; bytes not yet decoded are
   * dropped unacknowledged. Call on the channel's event loop.
   */
  public void stopReading() {
    broken = true;
    paused = false;
    context.channel().config().setAutoRead(false);
  }

  /**
   * At shutdown, once the ring has drained and the last ACKs are written: tells a client that asked
   * for acks, with ERROR 6 (frame 0), that the server is going away and that whatever it sent after
   * the last ACK was not handled. Sent whether or not such frames exist: some may still sit unread
   * in the socket, where the server cannot count them. Call on the channel's event loop.
   */
  public void notifyShutdown() {
    if (acksRequested) {
      context.writeAndFlush(ResponseEncoder.error(context.alloc(), 0, ErrorCode.SHUTTING_DOWN));
    }
  }

  /** Frames numbered so far on this connection. */
  public long frameCount() {
    return frameCount;
  }
}
