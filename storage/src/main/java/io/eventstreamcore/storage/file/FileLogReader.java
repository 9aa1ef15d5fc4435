package io.eventstreamcore.storage.file;

import io.eventstreamcore.engine.spi.StoredEvent;
import io.eventstreamcore.engine.spi.StoredRecord;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads a file log: every segment in offset order, checking each frame's length and checksum. For a
 * log that is still being written, {@link FileLogTail} follows it.
 */
public final class FileLogReader {
  /** Receives the records of a log in order; each method ignores its kind unless overridden. */
  public interface Visitor {
    /** An event record at {@code offset}. */
    default void event(long offset, StoredEvent event) {}

    /** An alert or window record at {@code offset}. */
    default void record(long offset, StoredRecord record) {}
  }

  /**
   * What a scan of one segment found.
   *
   * @param validBytes where its valid frames end
   * @param records how many valid frames it holds
   * @param sizeBytes its length: more than {@code validBytes} when its tail is torn or corrupt
   */
  record SegmentScan(long validBytes, long records, long sizeBytes) {}

  private static final Visitor IGNORE = new Visitor() {};

  private FileLogReader() {}

  /**
   * Visits every valid record of the log in {@code directory}, oldest first.
   *
   * @return the offset after the last record visited
   */
  public static long read(Path directory, Visitor visitor) throws IOException {
    return read(directory, 0, visitor);
  }

  /**
   * Visits every valid record of the log from {@code fromOffset} on (from the oldest one held, when
   * retention deleted that one).
   *
   * @return the offset after the last record visited
   */
  public static long read(Path directory, long fromOffset, Visitor visitor) throws IOException {
    try (FileLogTail tail = FileLogTail.open(directory, fromOffset)) {
      tail.poll(visitor, Integer.MAX_VALUE);
      return tail.nextOffset();
    }
  }

  /** Checks every frame of one segment, decoding each, and tells where the valid ones end. */
  static SegmentScan scan(Path segment) throws IOException {
    try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ);
        FrameScanner frames = new FrameScanner(channel, 0)) {
      long records = 0;
      while (frames.next()) {
        if (!RecordDecoder.decode(frames.body(), records, IGNORE)) {
          frames.unread();
          break;
        }
        records++;
      }
      return new SegmentScan(frames.position(), records, channel.size());
    }
  }
}
