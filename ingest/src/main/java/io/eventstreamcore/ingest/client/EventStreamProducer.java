package io.eventstreamcore.ingest.client;

import io.eventstreamcore.engine.config.DurationText;
import io.eventstreamcore.engine.event.ErrorCode;
import io.eventstreamcore.engine.event.Priority;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * A production client of the ingest protocol (shared/PROTOCOL.md, v2): streams events with
 * idempotency keys, keeps every unacknowledged event until a cumulative ACK covers it, and after a
 * lost connection reconnects with backoff and resends what was not acknowledged, with the same
 * event ids and in the original order, so that with the server's dedup each event is stored once.
 *
 * <pre>{@code
 * try (EventStreamProducer producer =
 *     EventStreamProducer.builder("127.0.0.1", 9000).maxInFlightEvents(1_000).connect()) {
 *   producer.send(Priority.HIGH, "sensor/temperature", orderId, payload);
 * } // close(): waits for the ACKs, throws UnacknowledgedEventsException for what stayed open
 * }</pre>
 *
 * <p><b>Event ids.</b> The server deduplicates by event id alone, over every connection, for its
 * dedup window (default 1 h): an id must be unique among all events of all producers writing to the
 * same server within that window, or later events are taken as duplicates and dropped (still
 * acknowledged). Id 0 ("none") is refused, since without an id a resent event would be stored
 * twice. Callers without keys of their own use {@link #send(Priority, String, byte[])}, which takes
 * ids from the builder's generator; the default one starts at a random 64-bit value and counts up,
 * so two producers, or one producer before and after its process restarts, practically never meet.
 *
 * <p><b>Window and back-pressure.</b> At most {@code maxInFlightEvents} events, of at most {@code
 * maxInFlightBytes} of topics and payloads, are unacknowledged at once; {@code send} blocks while
 * the window is full (also while the server is unreachable), {@code trySend} gives up after a
 * timeout.
 *
 * <p><b>Guarantees.</b> An event is forgotten only when an ACK covers it (the server stored it
 * durably or recognised it as a duplicate) or when an ERROR rejects it (reported to the {@link
 * ProducerListener}, never resent). After a reconnect every remaining event is resent. A server
 * restart keeps the dedup window (rebuilt from durable storage, {@code eventstream.dedup.rebuild}):
 * an event stored just before it whose ACK was lost on the way is resent and recognised as a
 * duplicate. With a memory-only durable backend, or the rebuild off, it is stored a second time.
 *
 * <p><b>Threads.</b> Sends may come from any threads; they only append to the window. One writer
 * thread ({@code eventstream-producer-writer}) numbers and writes the frames; one I/O thread
 * ({@code eventstream-producer-io}) connects, reads ACKs and ERRORs, calls the listener and
 * reconnects. Both wait on conditions when idle and end in {@link #close}.
 *
 * <p>Needs only the JDK and the protocol constants ({@code Priority}, {@code FrameDescriptor}): no
 * Netty, Disruptor, Typesafe Config or Prometheus on the classpath.
 */
public final class EventStreamProducer implements AutoCloseable {
  /** Frames the writer takes from the window at once before writing them outside the lock. */
  private static final int WRITE_BATCH = 256;

  // How long close waits for its threads once their sockets are closed (see stop).
  private static final long STOP_WAIT_NANOS = TimeUnit.SECONDS.toNanos(2);

  private final String host;
  private final int port;
  private final int maxInFlight;
  private final long maxInFlightBytes;
  private final int connectTimeoutMillis;
  private final long backoffMinNanos;
  private final long backoffMaxNanos;
  private final int ackRequestInterval;
  private final long ackTimeoutNanos;
  private final Duration closeTimeout;
  private final long maxFrameBytes;
  private final LongSupplier eventIds;
  private final InstantSource clock;
  private final ProducerListener listener;

  // One lock guards the window and the connection state; no I/O is done while holding it.
  private final ReentrantLock lock = new ReentrantLock();

  /** Signalled when the window shrinks, a connection comes or goes, or the producer closes. */
  private final Condition changed = lock.newCondition();

  /** Signalled when the writer has something to write or must stop. */
  private final Condition writable = lock.newCondition();

  /** Events not yet written on the current connection, in send order. */
  private final ArrayDeque<InFlightEvent> unwritten = new ArrayDeque<>();

  /**
   * Events written on the current connection and not yet acknowledged, in send order and so in
   * frame number order; they all precede {@link #unwritten}.
   */
  private final ArrayDeque<InFlightEvent> awaitingAck = new ArrayDeque<>();

  /** Topic and payload bytes of the events in the window, both queues. */
  private long windowBytes;

  /** Events of senders waiting for room, in the order they came. */
  private final ArrayDeque<InFlightEvent> waiting = new ArrayDeque<>();

  private ProducerConnection connection;
  private Socket connecting;
  private long nextSequence;
  private boolean closing;
  private boolean stopped;
  private long acknowledged;
  private long rejected;
  // Rejected events out of the window whose listener call has not returned yet: flush waits.
  private int rejectionsUnreported;
  private long resent;
  private long connections;

  private final Thread io;
  private final Thread writer;

  private EventStreamProducer(ProducerBuilder b) {
    this.host = b.host;
    this.port = b.port;
    this.maxInFlight = b.maxInFlightEvents;
    this.maxInFlightBytes = b.maxInFlightBytes;
    this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, b.connectTimeout.toMillis());
    this.backoffMinNanos = b.reconnectBackoffMin.toNanos();
    this.backoffMaxNanos = b.reconnectBackoffMax.toNanos();
    this.ackRequestInterval = b.ackRequestInterval;
    this.ackTimeoutNanos = b.ackTimeout.toNanos();
    this.closeTimeout = b.closeTimeout;
    this.maxFrameBytes = b.maxFrameBytes;
    this.eventIds = b.eventIds;
    this.clock = b.clock;
    this.listener = b.listener;
    this.io = new Thread(this::ioLoop, "eventstream-producer-io");
    this.writer = new Thread(this::writeLoop, "eventstream-producer-writer");
    // Daemons: a producer the application forgot to close must not keep the JVM alive; close()
    // is what waits for the ACKs.
    io.setDaemon(true);
    writer.setDaemon(true);
  }

  /** A builder for a producer of the server at {@code host}:{@code port}. */
  public static ProducerBuilder builder(String host, int port) {
    return new ProducerBuilder(host, port);
  }

  /** A builder for a producer of the server at {@code address}. */
  public static ProducerBuilder builder(InetSocketAddress address) {
    return new ProducerBuilder(address.getHostString(), address.getPort());
  }

  /**
   * Sends an event stamped with the builder's clock; blocks while the window is full.
   *
   * @param eventId idempotency key, non-zero, unique (see the class comment)
   * @throws IllegalArgumentException for id 0, an empty or too long topic, a frame above {@code
   *     maxFrameBytes}
   * @throws IllegalStateException when the producer is closing or closed
   * @throws InterruptedException when interrupted while waiting for room; the event was not sent
   */
  public void send(Priority priority, String topic, long eventId, byte[] payload)
      throws InterruptedException {
    send(priority, topic, eventId, nowMicros(), payload);
  }

  /** Sends an event with an explicit client time (microseconds since the epoch, 0 = none). */
  public void send(
      Priority priority, String topic, long eventId, long clientTimeMicros, byte[] payload)
      throws InterruptedException {
    offer(
        InFlightEvent.of(priority, topic, eventId, clientTimeMicros, payload, maxFrameBytes),
        Long.MAX_VALUE);
  }

  /** Sends an event with an id from the builder's generator; returns that id. */
  public long send(Priority priority, String topic, byte[] payload) throws InterruptedException {
    long eventId = nextEventId();
    send(priority, topic, eventId, nowMicros(), payload);
    return eventId;
  }

  /**
   * Sends an event unless the window stays full for {@code timeout}.
   *
   * @return false when the window had no room within the timeout (the event was not sent)
   */
  public boolean trySend(
      Priority priority, String topic, long eventId, byte[] payload, Duration timeout)
      throws InterruptedException {
    return trySend(priority, topic, eventId, nowMicros(), payload, timeout);
  }

  /** {@link #trySend(Priority, String, long, byte[], Duration)} with an explicit client time. */
  public boolean trySend(
      Priority priority,
      String topic,
      long eventId,
      long clientTimeMicros,
      byte[] payload,
      Duration timeout)
      throws InterruptedException {
    InFlightEvent event =
        InFlightEvent.of(priority, topic, eventId, clientTimeMicros, payload, maxFrameBytes);
    return offer(event, TimeUnit.NANOSECONDS.convert(timeout)); // saturates, as for flush
  }

  /**
   * Appends {@code event} once the window has room for it, in the order the senders came: a large
   * event is not passed for good by small ones that fit; false if no room came in time.
   */
  private boolean offer(InFlightEvent event, long timeoutNanos) throws InterruptedException {
    lock.lockInterruptibly();
    try {
      waiting.addLast(event);
      try {
        if (!awaitLocked(
            () -> waiting.peekFirst() == event && hasRoomFor(event) || closing, timeoutNanos)) {
          return false;
        }
        enqueue(event); // throws once closing
        return true;
      } finally {
        waiting.remove(event);
        if (!waiting.isEmpty()) {
          changed.signalAll(); // the next in line
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** The next id of the builder's generator (never 0). */
  public long nextEventId() {
    long id = eventIds.getAsLong();
    while (id == 0) {
      id = eventIds.getAsLong();
    }
    return id;
  }

  /** Appends to the window; the lock is held. */
  private void enqueue(InFlightEvent event) {
    if (closing) {
      throw new IllegalStateException("producer is closed");
    }
    event.sequence = ++nextSequence;
    unwritten.addLast(event);
    windowBytes += event.bytes;
    if (connection != null) {
      writable.signal();
    }
  }

  private int windowSize() {
    return unwritten.size() + awaitingAck.size();
  }

  /** Whether the window takes {@code event} now: an event alone always fits. The lock is held. */
  private boolean hasRoomFor(InFlightEvent event) {
    return windowSize() < maxInFlight
        && (windowBytes == 0 || windowBytes + event.bytes <= maxInFlightBytes);
  }

  private long nowMicros() {
    Instant now = clock.instant();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }

  /**
   * Waits until every event sent before this call is acknowledged or rejected, and every rejection
   * reported to the listener.
   *
   * @return false when some were still open after {@code timeout} (or the producer was closed)
   */
  public boolean flush(Duration timeout) throws InterruptedException {
    long last = underLock(() -> nextSequence);
    // Events sent after the read above come later in send order: they do not hold the wait.
    return awaitUnderLock(() -> oldestOpenSequence() > last && rejectionsUnreported == 0, timeout);
  }

  /** The send-order position of the oldest open event; awaitingAck all precede unwritten. */
  private long oldestOpenSequence() {
    InFlightEvent oldest = awaitingAck.peekFirst();
    if (oldest == null) {
      oldest = unwritten.peekFirst();
    }
    return oldest == null ? Long.MAX_VALUE : oldest.sequence;
  }

  /**
   * Refuses further sends, waits up to {@code timeout} for the open events' ACKs, then stops the
   * threads and closes the connection; a thread blocked where that does not reach (resolving the
   * host name, in a listener call) is waited for 2 s at most, and stops once unblocked. If
   * interrupted, stops waiting, keeps the interrupt status and closes at once. Calling it again
   * returns what is still open.
   *
   * @return the events left unacknowledged, in send order (empty when everything was acknowledged)
   */
  public List<ProducerEvent> close(Duration timeout) {
    if (Thread.currentThread() == io || Thread.currentThread() == writer) {
      throw new IllegalStateException("close from a listener would wait for its own thread");
    }
    lock.lock();
    try {
      closing = true;
      changed.signalAll(); // senders blocked on a full window give up
    } finally {
      lock.unlock();
    }
    try {
      flush(timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    stop();
    lock.lock();
    try {
      List<ProducerEvent> open = new ArrayList<>(windowSize());
      awaitingAck.forEach(e -> open.add(e.event));
      unwritten.forEach(e -> open.add(e.event));
      return open;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Closes with the builder's close timeout.
   *
   * @throws UnacknowledgedEventsException listing the events still unacknowledged at the end
   */
  @Override
  public void close() throws UnacknowledgedEventsException {
    List<ProducerEvent> open = close(closeTimeout);
    if (!open.isEmpty()) {
      throw new UnacknowledgedEventsException(open);
    }
  }

  private void stop() {
    lock.lock();
    try {
      stopped = true;
      writable.signalAll();
      changed.signalAll();
      // Closing the sockets ends a blocked connect, read or write at once.
      if (connection != null) {
        connection.close();
      }
      closeQuietly(connecting);
    } finally {
      lock.unlock();
    }
    // The threads end promptly, except one blocked where closing a socket does not reach: a
    // host name being resolved, a listener call that blocks. They are daemons and stop once that
    // returns; close does not wait for them longer than this.
    long deadline = System.nanoTime() + STOP_WAIT_NANOS;
    boolean interrupted = false;
    for (Thread thread : List.of(writer, io)) {
      long left;
      while (thread.isAlive() && (left = deadline - System.nanoTime()) > 0) {
        try {
          TimeUnit.NANOSECONDS.timedJoin(thread, left);
        } catch (InterruptedException e) {
          interrupted = true; // finish joining, then restore the status
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Events sent and not yet acknowledged or rejected. */
  public int inFlight() {
    return (int) underLock(this::windowSize);
  }

  private long underLock(LongSupplier read) {
    lock.lock();
    try {
      return read.getAsLong();
    } finally {
      lock.unlock();
    }
  }

  /** Events acknowledged so far. */
  public long acknowledged() {
    return underLock(() -> acknowledged);
  }

  /** Events rejected by ERROR frames so far. */
  public long rejected() {
    return underLock(() -> rejected);
  }

  /** Times an event was written again on a new connection. */
  public long resent() {
    return underLock(() -> resent);
  }

  /** Connections established so far. */
  public long connections() {
    return underLock(() -> connections);
  }

  /** Makes a producer and starts its threads. */
  static EventStreamProducer start(ProducerBuilder settings) {
    EventStreamProducer producer = new EventStreamProducer(settings);
    producer.io.start();
    producer.writer.start();
    return producer;
  }

  /** Waits for the first connection; false when none came within {@code timeout}. */
  boolean awaitConnected(Duration timeout) throws InterruptedException {
    return awaitUnderLock(() -> connections > 0, timeout);
  }

  private boolean awaitUnderLock(BooleanSupplier done, Duration timeout)
      throws InterruptedException {
    lock.lockInterruptibly();
    try {
      return awaitLocked(done, TimeUnit.NANOSECONDS.convert(timeout));
    } finally {
      lock.unlock();
    }
  }

  /** With the lock held, waits until {@code done} holds; false on timeout or once stopped. */
  private boolean awaitLocked(BooleanSupplier done, long nanos) throws InterruptedException {
    long left = nanos;
    while (!done.getAsBoolean()) {
      if (left <= 0 || stopped) {
        return false;
      }
      left = changed.awaitNanos(left);
    }
    return true;
  }

  // ---- writer thread --------------------------------------------------------------------------

  private void writeLoop() {
    List<InFlightEvent> batch = new ArrayList<>(WRITE_BATCH);
    boolean[] ackBits = new boolean[WRITE_BATCH];
    while (true) {
      ProducerConnection target;
      boolean more;
      lock.lock();
      try {
        while (!stopped && (connection == null || connection.writeFailed || unwritten.isEmpty())) {
          writable.awaitUninterruptibly();
        }
        if (stopped) {
          return;
        }
        target = connection;
        long now = System.nanoTime();
        // Frame numbers are given here, in the order the frames are written: the server numbers
        // the frames of a connection in the order it receives them.
        while (batch.size() < WRITE_BATCH && !unwritten.isEmpty()) {
          InFlightEvent event = unwritten.pollFirst();
          event.frameNo = ++target.frames;
          event.writtenNanos = now;
          event.notHandled = false;
          if (event.writes++ > 0) {
            resent++;
          }
          ackBits[batch.size()] = event.frameNo == 1 || event.frameNo % ackRequestInterval == 0;
          awaitingAck.addLast(event);
          batch.add(event);
        }
        more = !unwritten.isEmpty();
      } finally {
        lock.unlock();
      }
      try {
        for (int i = 0; i < batch.size(); i++) {
          target.write(batch.get(i), ackBits[i]);
        }
        if (!more) {
          target.flush(); // nothing queued behind: send now rather than wait for more
        }
      } catch (IOException e) {
        // Not closed: ERRORs and ACKs the server sent before it went away may be unread yet, and
        // an ERROR is final. No more writes on it: the I/O thread reads to its end, requeues what
        // was not acknowledged (these events among them) and reconnects.
        lock.lock();
        try {
          target.writeFailed = true;
        } finally {
          lock.unlock();
        }
        target.shutdownOutput();
      }
      batch.clear();
    }
  }

  // ---- I/O thread -----------------------------------------------------------------------------

  private void ioLoop() {
    long backoff = backoffMinNanos;
    while (true) {
      Socket socket = connect();
      if (socket != null) {
        ProducerConnection current;
        try {
          current = new ProducerConnection(socket);
        } catch (IOException e) {
          closeQuietly(socket);
          current = null;
        }
        if (current != null && attach(current)) {
          InetSocketAddress server = (InetSocketAddress) socket.getRemoteSocketAddress();
          notifyListener(() -> listener.connected(server));
          ReadResult result = read(current);
          detach(current);
          if (result.acknowledged) {
            backoff = backoffMinNanos; // this server works: retry quickly after a later loss
          }
          Exception cause = result.cause;
          notifyListener(() -> listener.disconnected(cause));
        }
      }
      if (!awaitBackoff(backoff)) {
        return;
      }
      backoff = Math.min(backoffMaxNanos, backoff * 2);
    }
  }

  /** Connects once; null when it failed or the producer stopped. */
  private Socket connect() {
    Socket socket = new Socket();
    lock.lock();
    try {
      if (stopped) {
        return null;
      }
      connecting = socket; // so that stop() can abort a connect in progress
    } finally {
      lock.unlock();
    }
    try {
      socket.setTcpNoDelay(true);
      socket.setKeepAlive(true);
      socket.connect(new InetSocketAddress(host, port), connectTimeoutMillis);
      // Reads wake up now and then to check the ack timeout.
      socket.setSoTimeout((int) Math.max(1, Math.min(1_000, ackTimeoutNanos / 2_000_000)));
      return socket;
    } catch (IOException e) {
      closeQuietly(socket);
      if (!isStopped()) {
        notifyListener(() -> listener.connectFailed(e));
      }
      return null;
    } finally {
      lock.lock();
      try {
        connecting = null;
      } finally {
        lock.unlock();
      }
    }
  }

  private boolean isStopped() {
    lock.lock();
    try {
      return stopped;
    } finally {
      lock.unlock();
    }
  }

  /** Makes {@code c} the current connection: every open event is written on it first. */
  private boolean attach(ProducerConnection c) {
    lock.lock();
    try {
      if (stopped) {
        c.close();
        return false;
      }
      connection = c;
      connections++;
      writable.signal();
      changed.signalAll();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Ends {@code c}: what it did not acknowledge goes back to the front of the window, in send
   * order, to be resent with the same ids on the next connection.
   */
  private void detach(ProducerConnection c) {
    // Closed first, so that the writer cannot put these events on it once they are requeued.
    c.close();
    lock.lock();
    try {
      connection = null;
      for (Iterator<InFlightEvent> it = awaitingAck.descendingIterator(); it.hasNext(); ) {
        unwritten.addFirst(it.next());
      }
      awaitingAck.clear();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Waits {@code nanos} before the next connect; false when the producer stopped. */
  private boolean awaitBackoff(long nanos) {
    long left = nanos;
    lock.lock();
    try {
      while (!stopped && left > 0) {
        left = changed.awaitNanos(left);
      }
      return !stopped;
    } catch (InterruptedException e) {
      return false; // nobody interrupts this thread; if someone does, stop
    } finally {
      lock.unlock();
    }
  }

  /** Why a connection ended, and whether it acknowledged anything. */
  private record ReadResult(Exception cause, boolean acknowledged) {}

  /** Reads ACKs and ERRORs until the connection fails, the ack timeout passes or stop. */
  private ReadResult read(ProducerConnection c) {
    ResponseDecoder decoder = new ResponseDecoder();
    Responses responses = new Responses();
    try {
      InputStream in = c.socket.getInputStream();
      while (true) {
        decoder.compact();
        int n;
        try {
          n =
              in.read(
                  decoder.buffer(),
                  decoder.writeIndex(),
                  decoder.buffer().length - decoder.writeIndex());
        } catch (SocketTimeoutException e) {
          if (ackOverdue()) {
            return new ReadResult(
                new IOException(
                    "no ACK within " + DurationText.of(Duration.ofNanos(ackTimeoutNanos))),
                responses.anyAcknowledged);
          }
          continue;
        }
        if (n < 0) {
          return new ReadResult(
              new EOFException("closed by the server"), responses.anyAcknowledged);
        }
        decoder.decode(n, responses);
        responses.report();
      }
    } catch (IOException e) {
      responses.report();
      return new ReadResult(e, responses.anyAcknowledged);
    }
  }

  /** True when the oldest written event has waited longer than the ack timeout. */
  private boolean ackOverdue() {
    lock.lock();
    try {
      InFlightEvent oldest = awaitingAck.peekFirst();
      return oldest != null && System.nanoTime() - oldest.writtenNanos >= ackTimeoutNanos;
    } finally {
      lock.unlock();
    }
  }

  /** Applies ACKs and ERRORs of the current connection to the window; reports outside the lock. */
  private final class Responses implements ResponseDecoder.Handler {
    private final List<Runnable> reports = new ArrayList<>();
    private int queuedRejections;
    boolean anyAcknowledged;

    @Override
    public void ack(long frameNo) {
      lock.lock();
      try {
        // Every event in awaitingAck was written on the current connection, the one being read.
        // One the server did not handle (ERROR 6) stays, to be resent after the reconnect.
        int covered = 0;
        for (Iterator<InFlightEvent> it = awaitingAck.iterator(); it.hasNext(); ) {
          InFlightEvent event = it.next();
          if (event.frameNo > frameNo) {
            break;
          }
          if (!event.notHandled) {
            it.remove();
            windowBytes -= event.bytes;
            covered++;
          }
        }
        if (covered > 0) {
          acknowledged += covered;
          anyAcknowledged = true;
          changed.signalAll();
        }
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void error(long frameNo, int code, String message) {
      InFlightEvent found = null;
      lock.lock();
      try {
        for (Iterator<InFlightEvent> it = awaitingAck.iterator(); it.hasNext(); ) {
          InFlightEvent event = it.next();
          if (event.frameNo != frameNo) {
            continue;
          }
          // Rejections are final, never resent; "shutting down" only means: not handled, resend.
          if (code == ErrorCode.SHUTTING_DOWN.code()) {
            event.notHandled = true;
          } else {
            it.remove();
            windowBytes -= event.bytes;
            found = event;
            rejected++;
            rejectionsUnreported++;
            queuedRejections++;
            changed.signalAll();
          }
          break;
        }
      } finally {
        lock.unlock();
      }
      if (found != null) {
        ProducerEvent event = found.event;
        reports.add(() -> listener.rejected(event, code, message));
      } else {
        reports.add(() -> listener.serverError(frameNo, code, message));
      }
    }

    void report() {
      for (Runnable r : reports) {
        notifyListener(r);
      }
      reports.clear();
      if (queuedRejections > 0) {
        lock.lock();
        try {
          rejectionsUnreported -= queuedRejections;
          changed.signalAll();
        } finally {
          lock.unlock();
        }
        queuedRejections = 0;
      }
    }
  }

  private static void notifyListener(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException | Error e) {
      // A listener's failure, a failed assertion included, must not end the I/O thread: it reads
      // the acknowledgements and reconnects.
    }
  }

  private static void closeQuietly(Socket socket) {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException e) {
        // nothing more to do
      }
    }
  }
}
