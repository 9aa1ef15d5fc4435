package io.eventstreamcore.ingest.client;

import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.ingest.codec.FrameDescriptor;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small blocking client of the ingest protocol (shared/PROTOCOL.md): sends v1 or v2 frames on one
 * connection and tracks the server's cumulative ACKs and ERRORs on a reader thread.
 *
 * <p>For tests and tools that need raw frames; applications use {@link EventStreamProducer}, which
 * keeps unacknowledged events, applies back-pressure and reconnects.
 *
 * <p>Not thread-safe for sending: one thread sends. Frame numbers returned by {@code send} are the
 * server's numbering (keep-alives are not numbered).
 */
public final class EventStreamClient implements AutoCloseable {
  /** An ERROR frame received from the server. */
  public record ErrorFrame(long frameNo, int code, String message) {}

  private final Socket socket;
  private final DataOutputStream out;
  private final Thread reader;
  private final List<ErrorFrame> errors = new CopyOnWriteArrayList<>();
  private final Object ackMonitor = new Object();
  private volatile long lastAck;
  private volatile boolean connectionClosed;
  private long frames;

  private EventStreamClient(Socket socket) throws IOException {
    this.socket = socket;
    this.out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 64 * 1024));
    DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
    this.reader = new Thread(() -> readResponses(in), "eventstream-client-reader");
    this.reader.setDaemon(true);
    this.reader.start();
  }

  /** Connects to a server. */
  public static EventStreamClient connect(InetSocketAddress address) throws IOException {
    Socket socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.connect(address, 5_000);
    return new EventStreamClient(socket);
  }

  /** Sends a v1 frame: priority, topic, payload; no ACK. Returns its frame number. */
  public long sendV1(Priority priority, String topic, byte[] payload) throws IOException {
    writeFrame(priority.code(), topic, false, 0, 0, payload);
    return ++frames;
  }

  /**
   * Sends a v2 frame with an extended header. Returns its frame number.
   *
   * @param eventId idempotency key, 0 for none
   * @param ack whether this frame asks for acknowledgement
   */
  public long send(Priority priority, String topic, long eventId, byte[] payload, boolean ack)
      throws IOException {
    int head =
        priority.code() | FrameDescriptor.EXTENDED_FLAG | (ack ? FrameDescriptor.ACK_FLAG : 0);
    writeFrame(head, topic, true, eventId, System.currentTimeMillis() * 1000, payload);
    return ++frames;
  }

  /** Sends a frame exactly as given: a head byte and body bytes after the length prefix. */
  public long sendRaw(byte[] body) throws IOException {
    out.writeInt(body.length);
    out.write(body);
    if (body.length > 0) {
      frames++;
    }
    return frames;
  }

  private void writeFrame(
      int head, String topic, boolean extended, long eventId, long timeMicros, byte[] payload)
      throws IOException {
    byte[] topicBytes = StrictUtf8.topic(topic); // a u16 length beyond 65535 would wrap
    int length =
        FrameDescriptor.FIXED_HEADER_BYTES
            + topicBytes.length
            + (extended ? FrameDescriptor.EXTENDED_HEADER_BYTES : 0)
            + payload.length;
    out.writeInt(length);
    out.writeByte(head);
    out.writeShort(topicBytes.length);
    out.write(topicBytes);
    if (extended) {
      out.writeLong(eventId);
      out.writeLong(timeMicros);
    }
    out.write(payload);
  }

  /** Writes buffered frames to the socket (blocks while the server backpressures). */
  public void flush() throws IOException {
    out.flush();
  }

  /** Frames sent so far. */
  public long framesSent() {
    return frames;
  }

  /** Highest frame number the server has acknowledged. */
  public long lastAck() {
    return lastAck;
  }

  /** ERROR frames received so far. */
  public List<ErrorFrame> errors() {
    return List.copyOf(errors);
  }

  /** True once the connection is closed, by the server or locally. */
  public boolean connectionClosed() {
    return connectionClosed;
  }

  /** Waits until every frame up to {@code frameNo} is acknowledged; false on timeout. */
  public boolean awaitAck(long frameNo, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (ackMonitor) {
      while (lastAck < frameNo) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || connectionClosed) {
          return lastAck >= frameNo;
        }
        ackMonitor.wait(Math.max(1, left / 1_000_000));
      }
      return true;
    }
  }

  private void readResponses(DataInputStream in) {
    try {
      while (true) {
        int length = in.readInt();
        if (length < 0 || length > ResponseDecoder.MAX_BODY_BYTES) {
          return; // not this protocol: nothing more can be read in step
        }
        // A response is read whole by its length, so that one of a type this client does not
        // know, or longer than it expects, is skipped and the next one read in step.
        ByteBuffer body = ByteBuffer.wrap(in.readNBytes(length));
        if (body.remaining() < length) {
          return; // closed mid-response
        }
        int type = length > 0 ? body.get() & 0xFF : -1;
        if (type == FrameDescriptor.TYPE_ACK && length >= FrameDescriptor.ACK_BODY_BYTES) {
          long frameNo = body.getLong();
          synchronized (ackMonitor) {
            lastAck = Math.max(lastAck, frameNo);
            ackMonitor.notifyAll();
          }
        } else if (type == FrameDescriptor.TYPE_ERROR
            && length >= FrameDescriptor.ERROR_FIXED_BODY_BYTES) {
          long frameNo = body.getLong();
          int code = body.getShort() & 0xFFFF;
          byte[] message = new byte[Math.min(body.getShort() & 0xFFFF, body.remaining())];
          body.get(message);
          errors.add(new ErrorFrame(frameNo, code, new String(message, StandardCharsets.UTF_8)));
        }
      }
    } catch (EOFException e) {
      // server closed the connection
    } catch (IOException e) {
      // socket closed locally or reset
    } finally {
      synchronized (ackMonitor) {
        connectionClosed = true;
        ackMonitor.notifyAll();
      }
    }
  }

  /** Flushes and closes the connection without waiting for ACKs. */
  @Override
  public void close() throws IOException {
    try {
      out.flush();
    } finally {
      socket.close();
      try {
        reader.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
