package io.eventstreamcore.deploy.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Recorder;

/**
 * One load connection: a sender thread that writes frames at the configured pace, and (v2) a reader
 * thread that turns cumulative ACKs into per-frame latencies.
 *
 * <p>Latency is measured from the frame's <em>intended</em> send time in fixed-rate mode, so a
 * stalled server is charged for every frame it delayed (coordinated omission corrected), and from
 * the actual encode time in max-rate mode. In fixed-rate mode it is also measured from the moment
 * the frame was handed to the socket: the difference is the generator's own lateness (a parked
 * sender wakes tens of microseconds late, and the frames due meanwhile go out together).
 */
final class LoadConnection {
  private static final int BUFFER_BYTES = 256 * 1024;
  private static final int FRAME_BITS = 40;
  private static final int ID_PREFIXES = (1 << 23) - 1;
  private static final long[] NO_TIMES = new long[0];

  private final int index;
  // The event ids' upper 24 bits, distinct per connection and per run: a second run against the
  // same server (or two generators at once) must not resend the ids the dedup window holds.
  private final long idPrefix;
  private final LoadSettings settings;
  private final SocketChannel channel;
  // Index 0 the measured latencies, 1 the warm-up's (see onAck).
  private final Recorder[] latency;
  private final Recorder[] fromWrite;
  private final long[] sendNanos;
  private final long[] writeNanos;
  private long unwrittenFrom = 1;
  private final int mask;
  private final byte[][] topics;
  private final byte[] payload;
  private final AtomicLong acked = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private static final int RECENT_IDS = 128;
  private final long[] recentIds = new long[RECENT_IDS];
  private volatile long sent;
  private volatile long repeated;
  private volatile long unsent;
  private volatile boolean readerDone;
  // A System.nanoTime() value, set before the threads start: see recordFrom.
  private long recordFromNanos;

  /**
   * @param runId this run's, random: the upper bits of every event id with {@code index}
   * @param fromWrite latencies from the socket write, fixed-rate mode only (else null)
   * @param warmup both kinds of latency during the warm-up, not reported
   */
  LoadConnection(
      int index,
      int runId,
      LoadSettings settings,
      Recorder latency,
      Recorder fromWrite,
      Recorder warmup)
      throws IOException {
    this.index = index;
    // Never 0, so that no id is 0 (no id); a frame counter of 40 bits never reaches it.
    this.idPrefix = (Integer.remainderUnsigned(runId + index, ID_PREFIXES) + 1L) << FRAME_BITS;
    this.settings = settings;
    this.latency = new Recorder[] {latency, warmup};
    this.fromWrite = new Recorder[] {fromWrite, warmup};
    try {
      this.channel = SocketChannel.open(settings.address());
    } catch (IOException e) {
      throw new IOException("cannot connect to " + settings.address() + ": " + e.getMessage(), e);
    }
    channel.socket().setTcpNoDelay(true);
    int capacity = Integer.highestOneBit(Math.max(1, settings.maxInFlight() - 1)) << 1;
    this.sendNanos = settings.v2() ? new long[capacity] : NO_TIMES;
    this.writeNanos = settings.v2() && fromWrite != null ? new long[capacity] : NO_TIMES;
    this.mask = capacity - 1;
    this.topics = new byte[settings.topics()][];
    for (int t = 0; t < topics.length; t++) {
      topics[t] = ("load/topic-" + t).getBytes(StandardCharsets.UTF_8);
    }
    this.payload = new byte[settings.payloadBytes()];
    new SplittableRandom(index).nextBytes(payload);
  }

  /**
   * Latencies of frames due before {@code nanos}, a {@link System#nanoTime()} value (the warm-up's
   * end), are not reported. Called before the sender and reader start, which publishes it to them.
   */
  void recordFrom(long nanos) {
    recordFromNanos = nanos;
  }

  long sent() {
    return sent;
  }

  long acked() {
    return acked.get();
  }

  /** Frames sent with the id of an earlier one ({@code --duplicates}): duplicates to the server. */
  long repeated() {
    return repeated;
  }

  long rejected() {
    return rejected.get();
  }

  /** Frames due at a fixed rate that were never sent (see {@link #send}). */
  long unsent() {
    return unsent;
  }

  /**
   * Sends until {@code deadlineNanos}; {@code rate} is this connection's events per second. At a
   * fixed rate every frame due before the deadline is sent, however late, until {@code
   * giveUpNanos}: frames still due then were held back by a server that fell too far behind, and
   * are charged to the latency as if answered at that moment, and counted as unsent.
   */
  void send(long startNanos, long deadlineNanos, long giveUpNanos, double rate) throws IOException {
    int maxFrame = 4 + 3 + 32 + 16 + payload.length;
    ByteBuffer buffer = ByteBuffer.allocateDirect(Math.max(BUFFER_BYTES, maxFrame));
    SplittableRandom random = new SplittableRandom(31L * index + 7);
    double intervalNanos = rate > 0 ? 1e9 / rate : 0;
    long frame = 0;
    while (true) {
      long intended = rate > 0 ? startNanos + (long) (frame * intervalNanos) : 0;
      long now = System.nanoTime();
      if (rate > 0 && now < intended) {
        flush(buffer); // caught up: put what is buffered on the wire, then wait for the slot
        waitUntil(intended);
        now = System.nanoTime();
      }
      // At a fixed rate every frame due before the deadline is sent, however late: a server that
      // stalls across the deadline is charged for the frames it held back, as for any others.
      if ((rate > 0 ? intended : now) >= deadlineNanos) {
        break;
      }
      if (rate > 0 && now >= giveUpNanos) {
        chargeUnsent(frame, startNanos, deadlineNanos, intervalNanos, now);
        break;
      }
      if (settings.v2() && !awaitWindow(frame, buffer)) {
        break;
      }
      if (buffer.remaining() < maxFrame) {
        flush(buffer);
      }
      frame++;
      encode(buffer, frame, random);
      if (settings.v2()) {
        sendNanos[(int) (frame & mask)] = rate > 0 ? intended : System.nanoTime();
      }
      sent = frame;
    }
    if (settings.v2()
        && frame % settings.ackEvery() != 0
        && frame > 0
        && awaitWindow(frame, buffer)) {
      // One more event that asks for the ACK covering the unrequested tail of the run; it too
      // waits for room in the window, or it would overwrite the send time of an unacked frame.
      if (buffer.remaining() < maxFrame) {
        flush(buffer);
      }
      frame++;
      encode(buffer, frame, random, true);
      sendNanos[(int) (frame & mask)] = System.nanoTime();
      sent = frame;
    }
    flush(buffer);
  }

  /** Records the frames from index {@code next} on that were due before the deadline, unsent. */
  private void chargeUnsent(
      long next, long startNanos, long deadlineNanos, double intervalNanos, long nowNanos) {
    long count = 0;
    for (long f = next; ; f++) {
      long intended = startNanos + (long) (f * intervalNanos);
      if (intended >= deadlineNanos) {
        break;
      }
      int warm = (int) ((intended - recordFromNanos) >>> 63);
      latency[warm].recordValue(bounded(nowNanos - intended));
      count++;
    }
    unsent = count;
  }

  /**
   * Waits until one more frame after {@code frame} fits in the in-flight window, flushing first so
   * that the frames the ACKs must cover are on the wire; false if the reader stopped.
   */
  private boolean awaitWindow(long frame, ByteBuffer buffer) throws IOException {
    if (frame - acked.get() < settings.maxInFlight()) {
      return true;
    }
    flush(buffer);
    while (frame - acked.get() >= settings.maxInFlight() && !readerDone) {
      LockSupport.parkNanos(20_000);
    }
    return !readerDone;
  }

  private void encode(ByteBuffer b, long frame, SplittableRandom random) {
    encode(b, frame, random, frame % settings.ackEvery() == 0);
  }

  private void encode(ByteBuffer b, long frame, SplittableRandom random, boolean ack) {
    byte[] topic = topics[(int) (frame % topics.length)];
    int priority = (int) (frame % 5);
    if (!settings.v2()) {
      b.putInt(3 + topic.length + payload.length);
      b.put((byte) priority);
      b.putShort((short) topic.length).put(topic).put(payload);
      return;
    }
    long id = frame;
    if (settings.duplicateRatio() > 0) {
      if (frame > RECENT_IDS && random.nextDouble() < settings.duplicateRatio()) {
        // A resend of one of the last ids actually sent (a repeat's own id never was).
        id = recentIds[(int) ((frame - 1 - random.nextInt(RECENT_IDS)) & (RECENT_IDS - 1))];
        repeated++;
      }
      recentIds[(int) (frame & (RECENT_IDS - 1))] = id;
    }
    b.putInt(3 + topic.length + 16 + payload.length);
    b.put((byte) (priority | 0x80 | (ack ? 0x40 : 0)));
    b.putShort((short) topic.length).put(topic);
    b.putLong(idPrefix | id);
    b.putLong(System.currentTimeMillis() * 1000);
    b.put(payload);
  }

  private void flush(ByteBuffer buffer) throws IOException {
    long now = System.nanoTime();
    for (long f = unwrittenFrom; f <= sent && writeNanos.length > 0; f++) {
      writeNanos[(int) (f & mask)] = now;
    }
    unwrittenFrom = sent + 1;
    buffer.flip();
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
    buffer.clear();
  }

  /**
   * Waits for an intended send time by parking, never spinning: on a 2-core machine a spinning (or
   * yield-looping) load generator takes a core from the server it measures. Parking wakes late
   * (about 70 us on this project's machines with the kernel's timer slack, 15 us with 1 us: see
   * {@link TimerSlack}); the frames due by then go out together, and their latency still counts
   * from their intended times.
   */
  private static void waitUntil(long nanos) {
    long left;
    while ((left = nanos - System.nanoTime()) > 0) {
      LockSupport.parkNanos(left);
    }
  }

  /** Reads ACK and ERROR frames until the connection closes. */
  void read() {
    ByteBuffer in = ByteBuffer.allocate(64 * 1024);
    try {
      while (channel.read(in) >= 0) {
        in.flip();
        while (in.remaining() >= 4 && in.remaining() >= 4 + in.getInt(in.position())) {
          int length = in.getInt();
          int start = in.position();
          int type = in.get();
          long frameNo = in.getLong();
          if (type == 1) {
            onAck(frameNo);
          } else if (frameNo > 0) {
            rejected.incrementAndGet(); // the ACK covering it follows
          }
          in.position(start + length);
        }
        in.compact();
      }
    } catch (IOException e) {
      // closed
    } finally {
      readerDone = true;
    }
  }

  private void onAck(long frameNo) {
    long now = System.nanoTime();
    long from = acked.get();
    for (long f = from + 1; f <= frameNo; f++) {
      long sentAt = sendNanos[(int) (f & mask)];
      // The warm-up's latencies are recorded too, apart, and the recorder is picked without a
      // branch: a branch or a skip never taken during the warm-up would be compiled as a trap,
      // and the reader would run deoptimised code just when measuring starts (ACKs read late).
      int warm = (int) ((sentAt - recordFromNanos) >>> 63);
      latency[warm].recordValue(bounded(now - sentAt));
      if (writeNanos.length > 0) {
        fromWrite[warm].recordValue(bounded(now - writeNanos[(int) (f & mask)]));
      }
    }
    acked.set(Math.max(from, frameNo));
  }

  /** A latency as the histograms can hold it: a longer one would throw and end the reader. */
  private static long bounded(long nanos) {
    return Math.min(LoadGenerator.MAX_LATENCY_NANOS, Math.max(0, nanos));
  }

  /** Waits up to {@code timeoutNanos} for every sent frame to be acknowledged. */
  boolean awaitAcks(long timeoutNanos) {
    long deadline = System.nanoTime() + timeoutNanos;
    while (acked.get() < sent && !readerDone) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      LockSupport.parkNanos(1_000_000);
    }
    return acked.get() >= sent;
  }

  void close() throws IOException {
    channel.close();
  }
}
