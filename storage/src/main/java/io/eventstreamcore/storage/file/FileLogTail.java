package io.eventstreamcore.storage.file;

import io.eventstreamcore.storage.file.Segments.Segment;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import net.openhft.chronicle.bytes.Bytes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows a file log from an offset: reads every segment in order, then, at each {@link #poll},
 * whatever has been written since. One tail is used by one thread at a time.
 *
 * <p>A tail opened on a directory ({@link #open(Path, long)}) sees every complete, valid frame in
 * the files, which for another process's log includes frames written but not yet committed. A tail
 * from {@link FileBackend#tail(long)} stops at the backend's last commit. A corrupt frame ends its
 * segment for the tail: it moves on to the next segment once there is one, and counts the skip.
 */
public final class FileLogTail implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FileLogTail.class);
  private static final LongSupplier UNBOUNDED = () -> Long.MAX_VALUE;

  /** Receives raw frame bodies, for the dump; false when a body is not a record. */
  interface FrameHandler {
    boolean frame(long offset, Bytes<?> body);
  }

  /** Lists a directory's segments: {@link Segments#list}, or a test's, to write between reads. */
  interface SegmentLister {
    List<Segment> list(Path directory) throws IOException;
  }

  private final Path directory;
  private final LongSupplier endOffset;
  private final SegmentLister segments;
  private long nextOffset;
  private Segment segment;
  private FileChannel channel;
  private FrameScanner frames;
  private long frameOffset;
  private long skippedTails;
  // Where the last poll stopped at a corrupt frame of the last segment (no next one to go on
  // with), as "byte N of <segment>"; null when it did not.
  private String corruptRecord;
  // For a tail bounded at the log's end as of its opening: the corrupt frame that ended the log
  // then, said once a poll reaches that end.
  private String corruptAtEnd;

  private FileLogTail(
      Path directory, long fromOffset, LongSupplier endOffset, SegmentLister segments) {
    this.directory = directory;
    this.nextOffset = Math.max(0, fromOffset);
    this.endOffset = endOffset;
    this.segments = segments;
  }

  /** A tail of the log in {@code directory}, from {@code fromOffset} (0: the oldest record). */
  public static FileLogTail open(Path directory, long fromOffset) {
    return new FileLogTail(directory, fromOffset, UNBOUNDED, Segments::list);
  }

  /**
   * A tail of the log in {@code directory} as it stands now: it delivers the records written before
   * this call, from the oldest, and none written after it, so that a reader of a log the service
   * goes on writing comes to an end (and one that resends what it reads never reads its own).
   * Counts the newest segment's frames to find that end.
   */
  public static FileLogTail openAsOfNow(Path directory) throws IOException {
    List<Segment> all = Segments.list(directory);
    if (all.isEmpty()) {
      return open(directory, 0, () -> 0);
    }
    try (FileLogTail counter = open(directory, all.get(all.size() - 1).baseOffset())) {
      while (counter.poll((offset, body) -> true, 4096) > 0) {
        // every frame of the newest segment (and of any rolled since the listing)
      }
      long end = counter.nextOffset();
      FileLogTail tail = open(directory, 0, () -> end);
      tail.corruptAtEnd = counter.corruptRecord;
      return tail;
    }
  }

  /** A tail that never reads at or beyond the offset {@code endOffset} gives at the time. */
  static FileLogTail open(Path directory, long fromOffset, LongSupplier endOffset) {
    return new FileLogTail(directory, fromOffset, endOffset, Segments::list);
  }

  /** A tail of the log in {@code directory} that lists its segments with {@code segments}. */
  static FileLogTail open(Path directory, long fromOffset, SegmentLister segments) {
    return new FileLogTail(directory, fromOffset, UNBOUNDED, segments);
  }

  /** Offset of the next record this tail will deliver. */
  public long nextOffset() {
    return nextOffset;
  }

  /** How many times a segment's torn or corrupt tail was skipped to go on with the next one. */
  public long skippedTails() {
    return skippedTails;
  }

  /**
   * What the polls so far could not read, said for an operator: the torn or corrupt tails of
   * segments skipped to go on with the next one, and a corrupt record in the last segment where the
   * last poll stopped (the records after it are not read); null when there is none.
   */
  public String unreadParts() {
    if (skippedTails == 0 && corruptRecord == null) {
      return null;
    }
    String skipped =
        skippedTails == 0
            ? ""
            : "the torn or corrupt tails of " + skippedTails + " segment(s) were skipped";
    if (corruptRecord == null) {
      return skipped;
    }
    return (skipped.isEmpty() ? "" : skipped + "; ")
        + "a corrupt record at "
        + corruptRecord
        + " ends what could be read";
  }

  /**
   * Delivers the records written since the last call, at most {@code maxRecords}, oldest first.
   *
   * @return how many were delivered; 0 when there is nothing new yet
   */
  public int poll(FileLogReader.Visitor visitor, int maxRecords) throws IOException {
    return poll((offset, body) -> RecordDecoder.decode(body, offset, visitor), maxRecords);
  }

  /**
   * Delivers records as they are written until {@code running} turns false, looking for new ones
   * every {@code pollIntervalMillis} while there are none: the loop a command-line {@code tail -f}
   * runs.
   */
  public void follow(
      FileLogReader.Visitor visitor, BooleanSupplier running, long pollIntervalMillis)
      throws IOException {
    while (running.getAsBoolean()) {
      if (poll(visitor, 4096) == 0) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(pollIntervalMillis));
      }
    }
  }

  int poll(FrameHandler handler, int maxRecords) throws IOException {
    int delivered = 0;
    long end = endOffset.getAsLong();
    corruptRecord = null;
    while (delivered < maxRecords) {
      if (frames == null && !openSegment()) {
        return delivered;
      }
      if (frameOffset >= end) {
        corruptRecord = corruptAtEnd;
        return delivered;
      }
      if (frames.next()) {
        long offset = frameOffset;
        if (offset >= nextOffset) {
          if (!handler.frame(offset, frames.body())) {
            frames.unread(); // checksummed, yet not a record: corrupt all the same
            if (!moveOn()) {
              corruptRecord = corruptHere();
              return delivered;
            }
            continue;
          }
          nextOffset = offset + 1;
          delivered++;
        }
        frameOffset++;
      } else if (!moveOn()) {
        corruptRecord = corruptHere();
        return delivered;
      }
    }
    return delivered;
  }

  /** Where the current segment's frames stop at a corrupt one, or null when they do not. */
  private String corruptHere() {
    return frames.stop() == FrameScanner.Stop.CORRUPT
        ? "byte " + frames.position() + " of " + segment.path().getFileName()
        : null;
  }

  /**
   * At the end of the current segment: goes on with the next one if there is one. The writer
   * creates a segment only after writing out the one before, so that one is complete by then.
   */
  private boolean moveOn() throws IOException {
    Segment following = null;
    for (Segment s : segments.list(directory)) {
      if (s.baseOffset() > segment.baseOffset()) {
        following = s;
        break;
      }
    }
    if (following == null) {
      return false;
    }
    // What the writer wrote to this segment between the read that found its end and the listing
    // that found the next one comes first: only then is this one complete. (Not after a frame
    // that is not a record, which stays where it is.)
    if (frames.stop() != FrameScanner.Stop.CORRUPT && frames.next()) {
      frames.unread(); // the caller reads it again
      return true;
    }
    if (frames.stop() != FrameScanner.Stop.END) {
      skippedTails++;
      LOG.warn(
          "file log {}: {} frame at byte {} of {}; going on with {}",
          directory,
          frames.stop().name().toLowerCase(Locale.ROOT),
          frames.position(),
          segment.path().getFileName(),
          following.path().getFileName());
    }
    closeSegment();
    nextOffset = Math.max(nextOffset, following.baseOffset());
    return openSegment();
  }

  /** Opens the segment holding {@link #nextOffset}, or the oldest after it; false when none. */
  private boolean openSegment() throws IOException {
    return openSegment(3);
  }

  private boolean openSegment(int attempts) throws IOException {
    Segment chosen = null;
    for (Segment s : segments.list(directory)) {
      if (s.baseOffset() <= nextOffset || chosen == null) {
        chosen = s;
      }
      if (s.baseOffset() > nextOffset) {
        break;
      }
    }
    if (chosen == null) {
      return false;
    }
    try {
      channel = FileChannel.open(chosen.path(), StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      // Deleted by retention since the listing: list again; records go on at a later segment.
      return attempts > 0 && openSegment(attempts - 1);
    }
    segment = chosen;
    frames = new FrameScanner(channel, 0);
    frameOffset = chosen.baseOffset();
    nextOffset = Math.max(nextOffset, chosen.baseOffset());
    return true;
  }

  private void closeSegment() throws IOException {
    if (frames != null) {
      frames.close();
      frames = null;
    }
    if (channel != null) {
      channel.close();
      channel = null;
    }
  }

  @Override
  public void close() throws IOException {
    closeSegment();
  }
}
