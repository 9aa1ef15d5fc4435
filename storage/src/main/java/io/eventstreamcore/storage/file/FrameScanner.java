package io.eventstreamcore.storage.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;
import net.openhft.chronicle.bytes.Bytes;

/**
 * Reads the frames of one segment in order through a reused buffer, checking each one's length and
 * checksum. The segment may be growing: a frame that is not complete yet is reported as such, and
 * the next call to {@link #next()} reads it again from the file.
 */
final class FrameScanner implements AutoCloseable {
  /** Why {@link #next()} found no frame. */
  enum Stop {
    /** No byte after the last frame. */
    END,
    /**
     * Some bytes after the last frame, too few for the frame they start: torn, or being written.
     */
    SHORT,
    /** A frame with an impossible length or a checksum mismatch. */
    CORRUPT
  }

  private static final int INITIAL_BUFFER_BYTES = 256 * 1024;

  private final FileChannel channel;
  private final CRC32C crc = new CRC32C();
  private ByteBuffer buffer;
  private Bytes<ByteBuffer> view;
  // File position of buffer[0], and how many bytes from there the buffer holds.
  private long bufferStart;
  private int filled;
  private long position;
  private long lastFrameStart;
  private Stop stop;

  FrameScanner(FileChannel channel, long startPosition) {
    this.channel = channel;
    this.position = startPosition;
    this.bufferStart = startPosition;
    allocate(INITIAL_BUFFER_BYTES);
  }

  private void allocate(int capacity) {
    ByteBuffer grown = ByteBuffer.allocateDirect(capacity).order(ByteOrder.LITTLE_ENDIAN);
    if (buffer != null) {
      buffer.limit(filled).position(0);
      grown.put(buffer);
    }
    buffer = grown;
    if (view != null) {
      view.releaseLast();
    }
    view = Bytes.wrapForRead(grown);
  }

  /**
   * Moves to the next complete, valid frame.
   *
   * @return true when there is one: {@link #body()} holds it; false otherwise, {@link #stop()} says
   *     why, and the position stays after the last valid frame
   */
  boolean next() throws IOException {
    long frameStart = position;
    if (!ensure(LogRecordDescriptor.HEADER_BYTES)) {
      return incomplete(available() == 0 ? Stop.END : Stop.SHORT);
    }
    int at = (int) (frameStart - bufferStart);
    long length = buffer.getInt(at + LogRecordDescriptor.LENGTH_OFFSET) & 0xffffffffL;
    int expectedCrc = buffer.getInt(at + LogRecordDescriptor.CRC_OFFSET);
    if (length == 0 || length > LogRecordDescriptor.MAX_BODY_BYTES) {
      return incomplete(Stop.CORRUPT);
    }
    int frameBytes = LogRecordDescriptor.HEADER_BYTES + (int) length;
    // A length that runs past the end of the file is a torn tail (or a frame still being
    // written): said before a buffer that large is taken, since garbage can read as up to 1 GiB.
    // The file's size is asked only when the frame is not in the buffer already.
    if (available() < frameBytes && frameStart + frameBytes > channel.size()
        || !ensure(frameBytes)) {
      return incomplete(Stop.SHORT);
    }
    at = (int) (frameStart - bufferStart); // ensure may have moved the window
    int bodyAt = at + LogRecordDescriptor.HEADER_BYTES;
    buffer.limit(bodyAt + (int) length).position(bodyAt);
    crc.reset();
    crc.update(buffer);
    buffer.limit(buffer.capacity()); // absolute reads check against the limit
    if ((int) crc.getValue() != expectedCrc) {
      return incomplete(Stop.CORRUPT);
    }
    view.readPositionRemaining(bodyAt, length);
    lastFrameStart = frameStart;
    position = frameStart + frameBytes;
    return true;
  }

  /**
   * Drops the bytes read past the position, which make no complete frame, so that the next call
   * reads them again. They may not stay as they were: a writer killed half-way through a frame
   * leaves a torn tail, which the restarted writer truncates and then writes its own frames over.
   * Kept, the torn bytes would be followed by the new frames' later bytes, and read as a corrupt
   * frame that hides every frame after it. A corrupt frame is read again too: the restarted writer
   * cuts the segment there and writes over it. Only a call that finds no frame reads again.
   */
  private boolean incomplete(Stop why) {
    filled = (int) (position - bufferStart);
    stop = why;
    return false;
  }

  /**
   * Steps back before the last frame: it checksummed, yet its body is not a record (see {@link
   * RecordDecoder}); it counts as corrupt.
   */
  void unread() {
    position = lastFrameStart;
    incomplete(Stop.CORRUPT);
  }

  /** The last frame's body, valid until the next call. */
  Bytes<ByteBuffer> body() {
    return view;
  }

  /** Why the last {@link #next()} returned false. */
  Stop stop() {
    return stop;
  }

  /** File position after the last valid frame. */
  long position() {
    return position;
  }

  private int available() {
    return (int) (bufferStart + filled - position);
  }

  /** True when {@code bytes} bytes from the position are in the buffer, reading more if need be. */
  private boolean ensure(int bytes) throws IOException {
    if (available() >= bytes) {
      return true;
    }
    int keep = available();
    int from = (int) (position - bufferStart);
    if (bytes > buffer.capacity()) {
      allocate(Math.max(bytes, buffer.capacity() * 2));
    }
    // Slide what is left of the window to the start, then read after it.
    buffer.limit(from + keep).position(from);
    buffer.compact();
    bufferStart = position;
    filled = keep;
    while (filled < bytes) {
      buffer.limit(buffer.capacity()).position(filled);
      int n = channel.read(buffer, bufferStart + filled);
      if (n <= 0) {
        return false;
      }
      filled += n;
    }
    return true;
  }

  /** Bytes of the read buffer now. */
  int bufferCapacity() {
    return buffer.capacity();
  }

  /** Releases the buffer's view; the channel stays with its owner. */
  @Override
  public void close() {
    view.releaseLast();
  }
}
