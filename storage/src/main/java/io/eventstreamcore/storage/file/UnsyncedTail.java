package io.eventstreamcore.storage.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * With {@code sync = always}: a copy of the bytes written to the active segment since its last
 * fsync. Linux reports a failed writeback to one fsync and may leave the pages it could not write
 * marked clean, so an fsync retried after that succeeds without writing them. After a failed fsync
 * these bytes are therefore written again where they were, which makes their pages dirty, before
 * the next fsync: an ACK never rests on a retry that wrote nothing.
 */
final class UnsyncedTail {
  private ByteBuffer bytes;
  // File position of the first byte held.
  private long from;
  private boolean fsyncFailed;

  UnsyncedTail(long position) {
    this.bytes = ByteBuffer.allocate(64 * 1024);
    this.from = position;
  }

  /** Bytes held. */
  int size() {
    return bytes.position();
  }

  /** Keeps the {@code length} bytes of {@code written} before its position, just written out. */
  void written(ByteBuffer written, int length) {
    if (bytes.remaining() < length) {
      int capacity = Math.max(bytes.capacity() * 2, bytes.position() + length);
      bytes = ByteBuffer.allocate(capacity).put(bytes.flip());
    }
    bytes.put(written.duplicate().position(written.position() - length).limit(written.position()));
  }

  /** Everything up to {@code position} is on disk; the active segment goes on from there. */
  void synced(long position) {
    bytes.clear();
    from = position;
    fsyncFailed = false;
  }

  void fsyncFailed() {
    fsyncFailed = true;
  }

  /** After a failed fsync, writes the bytes held again at their place in {@code channel}. */
  void rewriteIfFsyncFailed(FileChannel channel) throws IOException {
    if (!fsyncFailed) {
      return;
    }
    ByteBuffer held = bytes.duplicate().flip();
    long position = from;
    while (held.hasRemaining()) {
      position += channel.write(held, position);
    }
  }
}
