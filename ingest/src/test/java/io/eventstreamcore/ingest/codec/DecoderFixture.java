package io.eventstreamcore.ingest.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import io.eventstreamcore.engine.event.AckTarget;
import io.eventstreamcore.engine.event.ErrorCode;
import io.eventstreamcore.engine.event.EventLimits;
import io.eventstreamcore.engine.event.EventSlot;
import io.eventstreamcore.engine.metrics.EngineMetrics;
import io.eventstreamcore.engine.ring.RingPublisher;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@link FrameDecoder} on an {@link EmbeddedChannel}, publishing into a bare ring whose only
 * consumer is a gating sequence the test moves by hand: no sockets, no threads, and time on the
 * channel's event loop frozen, so that the backpressure retry runs only when the test says so.
 */
final class DecoderFixture implements AutoCloseable {
  static final Instant NOW = Instant.parse("2026-03-04T05:06:07.089Z");
  static final long DEFAULT_MAX_FRAME_BYTES = 1 << 20;
  static final long RESUME_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  final RingBuffer<EventSlot> ring;
  final Sequence consumed = new Sequence();
  final EngineMetrics metrics = new EngineMetrics();
  final AckTarget connection = new SilentConnection();
  final FailingClock clock = new FailingClock();
  final FrameDecoder decoder;
  final EmbeddedChannel channel;
  private final long maxFrameBytes;
  private final EventLimits limits;

  DecoderFixture() {
    this(1024, DEFAULT_MAX_FRAME_BYTES);
  }

  DecoderFixture(int ringSize, long maxFrameBytes) {
    this(ringSize, maxFrameBytes, EventLimits.PROTOCOL);
  }

  DecoderFixture(int ringSize, long maxFrameBytes, EventLimits limits) {
    this.maxFrameBytes = maxFrameBytes;
    this.limits = limits;
    ring = RingBuffer.createMultiProducer(() -> new EventSlot(64), ringSize);
    // Nothing consumes the ring but this sequence: the ring is full after ringSize frames until
    // the test advances it.
    ring.addGatingSequences(consumed);
    decoder = newDecoder(connection);
    channel = newChannel(decoder);
  }

  /** A decoder of another connection publishing into the same ring. */
  FrameDecoder newDecoder(AckTarget target) {
    return newDecoder(target, RESUME_DELAY_NANOS);
  }

  /** A decoder of another connection, retrying a full ring first after {@code resumeDelayNanos}. */
  FrameDecoder newDecoder(AckTarget target, long resumeDelayNanos) {
    return new FrameDecoder(
        new RingPublisher(ring), target, clock, maxFrameBytes, limits, resumeDelayNanos, metrics);
  }

  /** {@link #NOW}, until told to throw instead. */
  static final class FailingClock implements InstantSource {
    private Error next;

    /** The next read of the clock throws {@code error}. */
    void failNext(Error error) {
      next = error;
    }

    @Override
    public Instant instant() {
      Error error = next;
      if (error != null) {
        next = null;
        throw error;
      }
      return NOW;
    }
  }

  /** A channel for {@code frameDecoder}, with its event loop's clock frozen. */
  static EmbeddedChannel newChannel(FrameDecoder frameDecoder) {
    EmbeddedChannel embedded = new EmbeddedChannel(frameDecoder);
    embedded.freezeTime();
    return embedded;
  }

  /** Writes {@code bytes} as one inbound buffer; rethrows anything the pipeline caught. */
  void write(byte[] bytes) {
    write(channel, bytes);
  }

  static void write(EmbeddedChannel target, byte[] bytes) {
    target.writeInbound(Unpooled.wrappedBuffer(bytes));
    target.checkException();
  }

  /** Writes {@code bytes} as consecutive buffers of the given sizes, cycling through them. */
  void writeInChunks(byte[] bytes, List<Integer> chunkSizes) {
    int offset = 0;
    int next = 0;
    while (offset < bytes.length) {
      int size = chunkSizes.isEmpty() ? bytes.length : chunkSizes.get(next++ % chunkSizes.size());
      int end = Math.min(bytes.length, offset + size);
      write(Arrays.copyOfRange(bytes, offset, end));
      offset = end;
    }
  }

  /** Lets the ring's consumer catch up to {@code sequence}, freeing every slot up to it. */
  void consumeUpTo(long sequence) {
    consumed.set(sequence);
  }

  /** Moves the frozen clock past the retry delay and runs what is then due. */
  void runResume() {
    channel.advanceTimeBy(RESUME_DELAY_NANOS, TimeUnit.NANOSECONDS);
    channel.runScheduledPendingTasks();
    channel.checkException();
  }

  /** Slots published so far (claimed slots are always published at once by the decoder). */
  long publishedCount() {
    return ring.getCursor() + 1;
  }

  /** Every slot published so far, in order; only while the ring has not wrapped. */
  List<EventSlot> published() {
    long cursor = ring.getCursor();
    assertThat(cursor).as("ring wrapped; read slots by sequence").isLessThan(ring.getBufferSize());
    List<EventSlot> slots = new ArrayList<>();
    for (long seq = 0; seq <= cursor; seq++) {
      assertThat(ring.isAvailable(seq)).as("slot %d published", seq).isTrue();
      slots.add(ring.get(seq));
    }
    return slots;
  }

  long received() {
    return (long) metrics.framesReceived().get();
  }

  long rejected(ErrorCode code) {
    return (long) metrics.framesRejected(code).get();
  }

  static byte[] topicOf(EventSlot slot) {
    return Arrays.copyOf(slot.topicBytes(), slot.topicLength());
  }

  static byte[] payloadOf(EventSlot slot) {
    byte[] payload = new byte[slot.payloadLength()];
    slot.copyPayload(0, payload, 0, payload.length);
    return payload;
  }

  @Override
  public void close() {
    channel.finishAndReleaseAll();
  }

  /** A connection as the decoder needs it: it only stores it in the slot. */
  static final class SilentConnection extends AckTarget {
    @Override
    public boolean sendAck(long frameNo) {
      return true;
    }

    @Override
    public void sendError(long frameNo, ErrorCode code) {}

    @Override
    public void closeAfterFlush() {}
  }
}
