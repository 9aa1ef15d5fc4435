package io.eventstreamcore.ingest.client;

import io.eventstreamcore.ingest.codec.FrameDescriptor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Splits the server's byte stream into ACK and ERROR frames (see {@link FrameDescriptor}), however
 * the bytes arrive. Frames of an unknown type are skipped, so a later server may add types. Owned
 * by one thread.
 */
final class ResponseDecoder {
  /** What a decoded frame is handed to. */
  interface Handler {
    void ack(long frameNo);

    void error(long frameNo, int code, String message);
  }

  /** Largest body: an ERROR with a message of 65535 bytes. */
  static final int MAX_BODY_BYTES = FrameDescriptor.ERROR_FIXED_BODY_BYTES + 0xFFFF;

  private final byte[] buffer = new byte[FrameDescriptor.LENGTH_FIELD_BYTES + MAX_BODY_BYTES];
  private int start;
  private int end;

  /**
   * The buffer to read into, from {@link #writeIndex()} to its end; call {@link #compact} first.
   */
  byte[] buffer() {
    return buffer;
  }

  /** Where the next bytes go. */
  int writeIndex() {
    return end;
  }

  /** Moves undecoded bytes to the front so that a whole frame always fits behind them. */
  void compact() {
    if (start > 0) {
      System.arraycopy(buffer, start, buffer, 0, end - start);
      end -= start;
      start = 0;
    }
  }

  /** Decodes the {@code count} bytes just read into {@link #buffer()} at {@link #writeIndex()}. */
  void decode(int count, Handler handler) throws IOException {
    end += count;
    while (end - start >= FrameDescriptor.LENGTH_FIELD_BYTES) {
      int length = readInt(start);
      if (length < 1 || length > MAX_BODY_BYTES) {
        throw new IOException("bad response frame length " + Integer.toUnsignedString(length));
      }
      int body = start + FrameDescriptor.LENGTH_FIELD_BYTES;
      if (end - body < length) {
        break;
      }
      decodeBody(body, length, handler);
      start = body + length;
    }
    if (start == end) {
      start = 0;
      end = 0;
    }
  }

  private void decodeBody(int body, int length, Handler handler) throws IOException {
    int type = buffer[body] & 0xFF;
    if (type == FrameDescriptor.TYPE_ACK) {
      if (length < FrameDescriptor.ACK_BODY_BYTES) {
        throw new IOException("ACK frame too short: " + length);
      }
      handler.ack(readLong(body + 1));
    } else if (type == FrameDescriptor.TYPE_ERROR) {
      if (length < FrameDescriptor.ERROR_FIXED_BODY_BYTES) {
        throw new IOException("ERROR frame too short: " + length);
      }
      long frameNo = readLong(body + 1);
      int code = readUnsignedShort(body + 9);
      int messageLength = readUnsignedShort(body + 11);
      if (FrameDescriptor.ERROR_FIXED_BODY_BYTES + messageLength > length) {
        throw new IOException("ERROR message beyond its frame: " + messageLength);
      }
      String message =
          new String(
              buffer,
              body + FrameDescriptor.ERROR_FIXED_BODY_BYTES,
              messageLength,
              StandardCharsets.UTF_8);
      handler.error(frameNo, code, message);
    }
  }

  private int readInt(int at) {
    return (buffer[at] & 0xFF) << 24
        | (buffer[at + 1] & 0xFF) << 16
        | (buffer[at + 2] & 0xFF) << 8
        | (buffer[at + 3] & 0xFF);
  }

  private int readUnsignedShort(int at) {
    return (buffer[at] & 0xFF) << 8 | (buffer[at + 1] & 0xFF);
  }

  private long readLong(int at) {
    return (long) readInt(at) << 32 | (readInt(at + 4) & 0xFFFFFFFFL);
  }
}
