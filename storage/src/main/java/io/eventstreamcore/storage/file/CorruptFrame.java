package io.eventstreamcore.storage.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * At recovery, tells a torn tail from a corrupt frame with intact frames after it, and keeps those.
 *
 * <p>A crash tears only what was being written last, so what follows the last valid frame of the
 * active segment is cut. But a frame whose bytes changed on disk (its length intact, its checksum
 * not: a flipped bit in its body) may have valid, acknowledged frames after it: cutting them all
 * would lose them. So when the frame its length points past checks out, the bytes from there on are
 * copied, before the cut, into a segment of a directory of their own beside the log's ({@code
 * corrupt-<segment>-at-byte-<n>}), which {@code eventstream inspect -d} reads. A corruption that
 * also garbled the length is not told from a torn tail.
 */
final class CorruptFrame {
  /**
   * What was kept.
   *
   * @param directory where the frames after the corrupt one now are
   * @param records how many valid records the copy holds from its start
   */
  record Kept(Path directory, long records) {}

  private CorruptFrame() {}

  /**
   * Keeps the frames after the invalid one at {@code validBytes} of {@code active}, when there are
   * any; null for a torn tail. The copy's first record is numbered as if the corrupt one had kept
   * its offset.
   */
  static Kept keepFramesAfter(
      Path directory, Segments.Segment active, long validBytes, long records) throws IOException {
    long next;
    long size;
    try (FileChannel in = FileChannel.open(active.path(), StandardOpenOption.READ)) {
      size = in.size();
      next = frameAfter(in, validBytes, size);
      if (next < 0) {
        return null;
      }
      try (FrameScanner frames = new FrameScanner(in, next)) {
        if (!frames.next()) {
          return null; // nothing valid where the next frame would start: a torn or garbled tail
        }
      }
      Path kept = newDirectory(directory, active.path().getFileName() + "-at-byte-" + validBytes);
      Path copy = Segments.path(kept, active.baseOffset() + records + 1);
      try (FileChannel out =
          FileChannel.open(copy, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        for (long at = next; at < size; ) {
          at += in.transferTo(at, size - at, out);
        }
        out.force(true);
      }
      // The copy's names made durable before the segment is cut: a power loss must not keep the
      // cut and lose the copy.
      Segments.forceDirectory(kept);
      Segments.forceDirectory(directory);
      return new Kept(kept, FileLogReader.scan(copy).records());
    }
  }

  /**
   * A new directory {@code corrupt-<name>} in {@code directory}, or {@code corrupt-<name>-2} and so
   * on when that is taken: a second corruption at the same byte (a bad sector), or a crash between
   * the copy and the cut, must not overwrite a copy made before.
   */
  private static Path newDirectory(Path directory, String name) throws IOException {
    for (int n = 1; ; n++) {
      Path candidate = directory.resolve("corrupt-" + name + (n == 1 ? "" : "-" + n));
      try {
        return Files.createDirectory(candidate);
      } catch (FileAlreadyExistsException taken) {
        // the next name
      }
    }
  }

  /** Where the frame after the one at {@code at} starts by that one's length, or -1. */
  private static long frameAfter(FileChannel in, long at, long size) throws IOException {
    if (size - at < LogRecordDescriptor.HEADER_BYTES) {
      return -1;
    }
    ByteBuffer header =
        ByteBuffer.allocate(LogRecordDescriptor.HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    while (header.hasRemaining()) {
      if (in.read(header, at + header.position()) < 0) {
        return -1;
      }
    }
    long length = header.getInt(LogRecordDescriptor.LENGTH_OFFSET) & 0xffffffffL;
    long next = at + LogRecordDescriptor.HEADER_BYTES + length;
    return length == 0 || length > LogRecordDescriptor.MAX_BODY_BYTES || next >= size ? -1 : next;
  }
}
