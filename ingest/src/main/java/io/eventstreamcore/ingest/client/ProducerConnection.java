package io.eventstreamcore.ingest.client;

import io.eventstreamcore.ingest.codec.FrameDescriptor;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;

/**
 * One TCP connection of a producer. Only the writer thread writes; only the I/O thread reads and
 * closes it (and stop). {@link #frames} and {@link #writeFailed} are guarded by the producer's
 * lock.
 */
final class ProducerConnection {
  private static final int OUTPUT_BUFFER_BYTES = 64 * 1024;

  final Socket socket;
  private final DataOutputStream out;

  /** Frames numbered on this connection so far (the server numbers from 1 the same way). */
  long frames;

  /** Set by the writer when a write failed: nothing more is written on this connection. */
  boolean writeFailed;

  ProducerConnection(Socket socket) throws IOException {
    this.socket = socket;
    this.out =
        new DataOutputStream(
            new BufferedOutputStream(socket.getOutputStream(), OUTPUT_BUFFER_BYTES));
  }

  /** Encodes a v2 frame (shared/PROTOCOL.md) into the output buffer. */
  void write(InFlightEvent e, boolean requestAck) throws IOException {
    ProducerEvent event = e.event;
    out.writeInt((int) frameBodyBytes(e.topicUtf8.length, event.payload().length));
    out.writeByte(
        event.priority().code()
            | FrameDescriptor.EXTENDED_FLAG
            | (requestAck ? FrameDescriptor.ACK_FLAG : 0));
    out.writeShort(e.topicUtf8.length);
    out.write(e.topicUtf8);
    out.writeLong(event.eventId());
    out.writeLong(event.clientTimeMicros());
    out.write(event.payload());
  }

  /** Hands the buffered frames to the socket; blocks while the server backpressures. */
  void flush() throws IOException {
    out.flush();
  }

  /** Tells the server nothing more comes (a half-close), so that it answers and closes. */
  void shutdownOutput() {
    try {
      socket.shutdownOutput();
    } catch (IOException e) {
      // already reset: the reader finds out
    }
  }

  /** Closes the socket: a blocked read, write or flush on it fails at once. */
  void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // nothing more to do with a socket that failed to close
    }
  }

  /** Body bytes of a v2 frame: head, topic_len, topic, extended header, payload. */
  static long frameBodyBytes(int topicBytes, int payloadBytes) {
    return (long) FrameDescriptor.FIXED_HEADER_BYTES
        + topicBytes
        + FrameDescriptor.EXTENDED_HEADER_BYTES
        + payloadBytes;
  }
}
