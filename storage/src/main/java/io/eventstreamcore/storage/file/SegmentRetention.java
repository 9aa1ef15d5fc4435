package io.eventstreamcore.storage.file;

import io.eventstreamcore.storage.file.Segments.Segment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The closed segments of a file log, oldest first, and the retention that deletes them: by the
 * log's total size and by age (0 = off), whole segments only, never the active one, and never one
 * that holds records not yet committed (a batch that rolled the log is acknowledged only after its
 * commit: it must still be there then). Used by the writer thread alone.
 */
final class SegmentRetention {
  private static final Logger LOG = LoggerFactory.getLogger(SegmentRetention.class);
  private static final long CHECK_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** A segment no longer written, with its final size and the offset after its last record. */
  private record ClosedSegment(Segment segment, long bytes, long endOffset) {}

  private final Path directory;
  private final long maxBytes;
  private final long maxAgeMillis;
  private final ArrayDeque<ClosedSegment> closed = new ArrayDeque<>();
  private long closedBytes;
  private final LongSupplier nanoClock;
  private long lastCheckNanos;
  private boolean failureReported;

  SegmentRetention(Path directory, long maxBytes, Duration maxAge, LongSupplier nanoClock) {
    this.directory = directory;
    this.maxBytes = maxBytes;
    this.maxAgeMillis = maxAge.toMillis();
    this.nanoClock = nanoClock;
  }

  /**
   * Adds a segment that will not be written again, the newest so far, whose records end before
   * {@code endOffset}.
   */
  void closed(Segment segment, long bytes, long endOffset) {
    closed.addLast(new ClosedSegment(segment, bytes, endOffset));
    closedBytes += bytes;
  }

  /** True when a second has passed since the last check: commits check no more often. */
  boolean due() {
    return nanoClock.getAsLong() - lastCheckNanos >= CHECK_INTERVAL_NANOS;
  }

  /**
   * Deletes the oldest closed segments beyond the bounds, the active one counting toward size, as
   * far as the records before {@code committedOffset}.
   */
  void enforce(long activeBytes, long committedOffset) {
    lastCheckNanos = nanoClock.getAsLong();
    if (maxBytes <= 0 && maxAgeMillis <= 0) {
      return;
    }
    long oldestKeptMillis = System.currentTimeMillis() - maxAgeMillis;
    while (!closed.isEmpty()) {
      ClosedSegment oldest = closed.peekFirst();
      if (oldest.endOffset() > committedOffset) {
        return;
      }
      Path path = oldest.segment().path();
      try {
        boolean tooLarge = maxBytes > 0 && closedBytes + activeBytes > maxBytes;
        boolean tooOld =
            maxAgeMillis > 0 && Files.getLastModifiedTime(path).toMillis() < oldestKeptMillis;
        if (!tooLarge && !tooOld) {
          return;
        }
        Files.deleteIfExists(path);
      } catch (NoSuchFileException e) {
        // Gone already (removed by hand): drop it from the list below.
      } catch (IOException e) {
        if (!failureReported) {
          failureReported = true;
          LOG.warn("file log {}: retention cannot delete {}: {}", directory, path, e.toString());
        }
        return;
      }
      closed.removeFirst();
      closedBytes -= oldest.bytes();
      LOG.info("file log {}: retention deleted {}", directory, path.getFileName());
    }
  }
}
