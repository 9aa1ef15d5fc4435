package io.eventstreamcore.bench.jmh;

import com.lmax.disruptor.RingBuffer;
import io.eventstreamcore.engine.event.AckTarget;
import io.eventstreamcore.engine.event.ErrorCode;
import io.eventstreamcore.engine.event.EventLimits;
import io.eventstreamcore.engine.event.EventSlot;
import io.eventstreamcore.engine.metrics.EngineMetrics;
import io.eventstreamcore.engine.ring.RingPublisher;
import io.eventstreamcore.ingest.codec.FrameDecoder;
import io.eventstreamcore.ingest.codec.FrameDescriptor;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Frames decoded per second from a Netty buffer straight into ring slots: a real {@link
 * FrameDecoder} on an {@link EmbeddedChannel} (no socket, no thread), for v1 and v2 frames of
 * 100-byte payloads on 16 topics. Each invocation feeds one buffer of {@value #FRAMES} frames.
 *
 * <p>The ring has no gating sequence, so a claim never fails and slots are simply overwritten as it
 * wraps: nothing consumes them, which is what isolates the decode cost. Baseline in the same run:
 * {@link #baselineByteArrayPerFrame}, which walks the same bytes and copies every frame into a new
 * {@code byte[]}, as a naive decoder handing one object per frame downstream would. Compare the
 * ratio of the two and {@code gc.alloc.rate.norm} (about 0 B/op for the decoder, STYLE 5).
 *
 * <p>{@code ringSize}: 65,536 is the service's default ring, whose slots (with their topic and
 * payload arrays, some 25 MB) are far larger than the CPU caches, so every slot the decoder fills
 * was last touched a whole ring ago and is cold, as in the service; 1,024 keeps the slots in cache
 * and shows the decode work alone. The gap between the two is the memory cost of the ring's size.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    // Leak detection samples buffers at random: off, so every run does the same work.
    jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-Dio.netty.leakDetection.level=disabled"})
@State(Scope.Thread)
public class FrameDecodeBenchmark {
  static final int FRAMES = 1000;
  private static final int PAYLOAD_BYTES = 100;
  private static final int TOPICS = 16;
  private static final int SLOT_PAYLOAD_BYTES = 256;
  private static final long MAX_FRAME_BYTES = 1 << 20;
  private static final long RESUME_DELAY_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

  /** {@code v2}: extended header (event id, client time) and the ACK bit; {@code v1}: neither. */
  @Param({"v2", "v1"})
  String protocol;

  private ByteBuf frames;

  /** A connection as the decoder needs it: it is only stored in each slot. */
  private static final class DiscardingConnection extends AckTarget {
    @Override
    public boolean sendAck(long frameNo) {
      return true;
    }

    @Override
    public void sendError(long frameNo, ErrorCode code) {}

    @Override
    public void closeAfterFlush() {}
  }

  @Setup(Level.Trial)
  public void setUp() {
    byte[] bytes = encode(protocol.equals("v2"), FRAMES);
    // Pooled and direct, as a socket read on the service's channels delivers it.
    frames = PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length, bytes.length);
    frames.writeBytes(bytes);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    frames.release();
  }

  /**
   * The decoder's side: a bare ring of {@code ringSize} slots and one decoder on an embedded
   * channel. A state of its own, so that only the decoder, not the baseline, runs per ring size.
   */
  @State(Scope.Thread)
  public static class Ring {
    @Param({"65536", "1024"})
    int ringSize;

    private RingBuffer<EventSlot> ring;
    private EmbeddedChannel channel;

    @Setup(Level.Trial)
    public void setUp() {
      ring = RingBuffer.createMultiProducer(() -> new EventSlot(SLOT_PAYLOAD_BYTES), ringSize);
      channel =
          new EmbeddedChannel(
              new FrameDecoder(
                  new RingPublisher(ring),
                  new DiscardingConnection(),
                  InstantSource.system(),
                  MAX_FRAME_BYTES,
                  EventLimits.PROTOCOL,
                  RESUME_DELAY_NANOS,
                  new EngineMetrics()));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      channel.finishAndReleaseAll();
    }
  }

  /** The decoder: every frame validated and copied into a claimed slot, then published. */
  @Benchmark
  @OperationsPerInvocation(FRAMES)
  public long decodeIntoRingSlots(Ring target) {
    // A retained duplicate shares the bytes with its own reader index; the decoder consumes it
    // whole and releases it, so the prebuilt buffer is read afresh by every invocation.
    target.channel.writeInbound(frames.retainedDuplicate());
    return target.ring.getCursor();
  }

  /** Baseline: the same bytes cut into frames, each copied into a new {@code byte[]}. */
  @Benchmark
  @OperationsPerInvocation(FRAMES)
  public void baselineByteArrayPerFrame(Blackhole blackhole) {
    ByteBuf in = frames;
    int end = in.writerIndex();
    int at = in.readerIndex();
    while (at + FrameDescriptor.LENGTH_FIELD_BYTES <= end) {
      int length = in.getInt(at);
      byte[] frame = new byte[length];
      in.getBytes(at + FrameDescriptor.LENGTH_FIELD_BYTES, frame);
      blackhole.consume(frame);
      at += FrameDescriptor.LENGTH_FIELD_BYTES + length;
    }
  }

  /**
   * {@code count} client frames back to back, laid out as docs/PROTOCOL.md specifies: {@code u32
   * length | u8 head | u16 topic_len | topic | [u64 event_id | u64 client_time_us] | payload}.
   */
  static byte[] encode(boolean v2, int count) {
    byte[][] topics = new byte[TOPICS][];
    for (int t = 0; t < TOPICS; t++) {
      topics[t] = ("topic/" + t).getBytes(StandardCharsets.UTF_8);
    }
    byte[] payload = new byte[PAYLOAD_BYTES];
    int extended = v2 ? FrameDescriptor.EXTENDED_HEADER_BYTES : 0;
    int longestTopic = ("topic/" + (TOPICS - 1)).length();
    int maxFrameBytes =
        FrameDescriptor.LENGTH_FIELD_BYTES
            + FrameDescriptor.FIXED_HEADER_BYTES
            + longestTopic
            + extended
            + PAYLOAD_BYTES;
    ByteBuffer out = ByteBuffer.allocate(count * maxFrameBytes);
    for (int i = 0; i < count; i++) {
      byte[] topic = topics[i % TOPICS];
      int priority = i % 5;
      payload[0] = (byte) i;
      out.putInt(FrameDescriptor.FIXED_HEADER_BYTES + topic.length + extended + payload.length);
      if (v2) {
        out.put((byte) (priority | FrameDescriptor.ACK_FLAG | FrameDescriptor.EXTENDED_FLAG));
        out.putShort((short) topic.length).put(topic);
        out.putLong(i + 1L).putLong(1_700_000_000_000_000L + i);
      } else {
        out.put((byte) priority);
        out.putShort((short) topic.length).put(topic);
      }
      out.put(payload);
    }
    byte[] bytes = new byte[out.position()];
    out.flip().get(bytes);
    return bytes;
  }
}
