package io.eventstreamcore.storage.file;

import io.eventstreamcore.engine.event.EventView;
import io.eventstreamcore.engine.record.RecordView;
import io.eventstreamcore.engine.spi.EventIdSink;
import io.eventstreamcore.engine.spi.EventQuery;
import io.eventstreamcore.engine.spi.ReadableBackend;
import io.eventstreamcore.engine.spi.StoredEvent;
import io.eventstreamcore.engine.spi.StoredRecord;
import io.eventstreamcore.storage.file.Segments.Segment;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import net.openhft.chronicle.bytes.Bytes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Segmented, append-only file log ({@link LogRecordDescriptor}): events, alerts and window
 * summaries, each a Chronicle Wire binary body in a frame with its length and CRC32C. Records are
 * encoded into one reused direct buffer and written out when it fills and at each commit; one
 * commit covers a whole ring batch, so with {@code sync = always} one fsync is shared by the batch
 * (group commit). The active segment is rolled once it reaches {@code segment-bytes}; retention
 * deletes whole segments, oldest first, never the active one. With {@code sync = always} the bytes
 * written since the last fsync are also kept, to be written again before an fsync that retries a
 * failed one ({@link UnsyncedTail}); a batch beyond twice the buffer is synced in parts to bound
 * that copy.
 *
 * <p>At open the log is recovered: the last segment is read to its last valid frame and truncated
 * there, so a torn tail from a crash is cut off before new records follow it; the next offset is
 * rebuilt from the segment names and that scan.
 */
public final class FileBackend implements ReadableBackend {
  private static final Logger LOG = LoggerFactory.getLogger(FileBackend.class);
  private static final String LEGACY_FILE = "events.log";
  private static final long FILE_TIME_GRANULARITY_MILLIS = 2_000;
  // Room past buffer-bytes for the record that crosses it, so the buffer rarely has to grow.
  private static final int BUFFER_SLACK_BYTES = 64 * 1024;

  private final String name;
  private final FileSettings settings;
  private final Path directory;
  private final FileLock lock;
  private final RecordEncoder encoder;
  private final long truncatedBytes;
  private final AtomicLong fsyncs = new AtomicLong();
  private final ScheduledExecutorService syncer;
  private final Fsync fsync;
  // With sync = always, what was written since the active segment's last fsync; else null.
  private final UnsyncedTail unsynced;

  // Writer thread only.
  private final SegmentRetention retention;
  private Segment active;
  private long filePosition;
  private long nextOffset;
  private boolean closed;

  // Swapped by the writer at a roll; read by the interval syncer, which forces what it finds.
  private volatile FileChannel channel;
  // Bytes written out over the whole run: the syncer forces when this moved since its last fsync.
  private volatile long writtenBytes;
  private long syncedBytes; // syncer thread only
  private volatile IOException syncFailure;
  // Offset after the last committed record: readers in this process stop there.
  private volatile long committedOffset;

  /** Opens (creating or recovering) the log in {@code directory} with default segments. */
  public FileBackend(String name, Path directory, SyncPolicy sync, int bufferBytes)
      throws IOException {
    this(
        name,
        new FileSettings(
            directory,
            sync,
            Duration.ofMillis(100),
            64L << 20,
            0,
            Duration.ZERO,
            bufferBytes,
            true));
  }

  /** Opens (creating or recovering) the log that {@code settings} describe. */
  public FileBackend(String name, FileSettings settings) throws IOException {
    this(name, settings, channel -> channel.force(false));
  }

  /** How the writer forces a segment's data; tests make it fail. */
  interface Fsync {
    void force(FileChannel channel) throws IOException;
  }

  FileBackend(String name, FileSettings settings, Fsync fsync) throws IOException {
    this(name, settings, fsync, System::nanoTime);
  }

  /** With the clock that paces retention's checks after commits; tests set it. */
  FileBackend(String name, FileSettings settings, Fsync fsync, LongSupplier nanoClock)
      throws IOException {
    this.name = name;
    this.fsync = fsync;
    this.settings = settings;
    this.directory = settings.directory();
    Files.createDirectories(directory);
    if (!Files.isWritable(directory)) {
      throw new IOException("storage directory is not writable: " + directory.toAbsolutePath());
    }
    this.retention =
        new SegmentRetention(
            directory, settings.retentionBytes(), settings.retentionAge(), nanoClock);
    this.lock = lockDirectory(directory);
    try {
      this.truncatedBytes = recover();
      this.committedOffset = nextOffset;
      // Direct memory: may fail with a large buffer-bytes, after the segment is open.
      this.encoder = new RecordEncoder(settings.bufferBytes() + BUFFER_SLACK_BYTES);
    } catch (IOException | RuntimeException | Error e) {
      // Nothing of this backend may stay open: the directory would read as in use until exit.
      if (channel != null) {
        channel.close();
      }
      lock.channel().close();
      throw e;
    }
    this.unsynced = settings.sync() == SyncPolicy.ALWAYS ? new UnsyncedTail(filePosition) : null;
    retention.enforce(filePosition, committedOffset);
    if (settings.sync() == SyncPolicy.INTERVAL) {
      long intervalNanos = settings.syncInterval().toNanos();
      syncer =
          Executors.newSingleThreadScheduledExecutor(
              task -> {
                Thread thread = new Thread(task, "eventstream-fsync-" + name);
                thread.setDaemon(true);
                return thread;
              });
      syncer.scheduleWithFixedDelay(
          this::syncWritten, intervalNanos, intervalNanos, TimeUnit.NANOSECONDS);
    } else {
      syncer = null;
    }
  }

  /**
   * Takes the directory for this process alone, before recovery: a second service on the same
   * directory would otherwise truncate the live one's half-written commit as a torn tail.
   */
  private static FileLock lockDirectory(Path directory) throws IOException {
    FileChannel lockChannel =
        FileChannel.open(
            directory.resolve(LogRecordDescriptor.LOCK_NAME),
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE);
    FileLock taken;
    try {
      taken = lockChannel.tryLock();
    } catch (OverlappingFileLockException e) {
      taken = null;
    }
    if (taken == null) {
      lockChannel.close();
      throw new IOException(
          "storage directory in use by another file backend: " + directory.toAbsolutePath());
    }
    return taken;
  }

  /** Finds the segments, cuts a torn tail off the last one; returns the bytes cut. */
  private long recover() throws IOException {
    if (Files.exists(directory.resolve(LEGACY_FILE))) {
      LOG.warn(
          "file log {}: {} is from the single-file layout and is not read; move it away",
          directory,
          LEGACY_FILE);
    }
    List<Segment> segments = Segments.list(directory);
    if (segments.isEmpty()) {
      active = new Segment(0, Segments.path(directory, 0));
      channel = openForWrite(active.path());
      forceDirectory();
      return 0;
    }
    for (int i = 0; i < segments.size() - 1; i++) {
      Segment s = segments.get(i);
      retention.closed(s, Files.size(s.path()), segments.get(i + 1).baseOffset());
    }
    active = segments.get(segments.size() - 1);
    FileLogReader.SegmentScan scan = FileLogReader.scan(active.path());
    FileChannel opened = openForWrite(active.path());
    long cut = scan.sizeBytes() - scan.validBytes();
    try {
      if (cut > 0) {
        CorruptFrame.Kept kept =
            CorruptFrame.keepFramesAfter(directory, active, scan.validBytes(), scan.records());
        if (kept == null) {
          LOG.warn(
              "file log {}: torn or corrupt tail of {} bytes after {} records in {}; truncating",
              directory,
              cut,
              scan.records(),
              active.path().getFileName());
        } else {
          LOG.error(
              "file log {}: corrupt record at byte {} of {}, with valid ones after it: the {}"
                  + " records that follow it are copied to {} (eventstream inspect -d reads"
                  + " them), then the segment is cut there and new events take their offsets",
              directory,
              scan.validBytes(),
              active.path().getFileName(),
              kept.records(),
              kept.directory());
        }
        opened.truncate(scan.validBytes());
        opened.force(true);
      } else if (settings.sync() != SyncPolicy.NEVER) {
        // What a killed process wrote and never synced is in the page cache only, yet the dedup
        // rebuild takes its ids as stored and acknowledges their resends as duplicates: made
        // durable now, before anything rests on it (this process keeps no copy to write again).
        fsync.force(opened);
      }
    } catch (IOException e) {
      opened.close();
      throw e;
    }
    channel = opened;
    filePosition = scan.validBytes();
    nextOffset = active.baseOffset() + scan.records();
    LOG.info("file log {}: {} segments, next offset {}", directory, segments.size(), nextOffset);
    return cut;
  }

  private static FileChannel openForWrite(Path segment) throws IOException {
    return FileChannel.open(segment, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
  }

  /** Makes a new segment's directory entry durable, so a synced segment is found after a crash. */
  private void forceDirectory() throws IOException {
    if (settings.sync() == SyncPolicy.NEVER) {
      return;
    }
    Segments.forceDirectory(directory);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean durable() {
    return settings.durable();
  }

  /** The directory of the log. */
  public Path directory() {
    return directory;
  }

  /** The segment files of the log, oldest first, the active one last. */
  public List<Path> segments() throws IOException {
    List<Path> paths = new ArrayList<>();
    for (Segment s : Segments.list(directory)) {
      paths.add(s.path());
    }
    return paths;
  }

  /** Offset after the last committed record: the next record's, once committed. */
  public long committedOffset() {
    return committedOffset;
  }

  /** fsyncs of segment data so far (commits with {@code always}, the syncer's with interval). */
  public long fsyncs() {
    return fsyncs.get();
  }

  /** Bytes of torn or corrupt tail cut off at open. */
  public long truncatedBytesAtOpen() {
    return truncatedBytes;
  }

  /** A tail of this log from {@code fromOffset}, seeing committed records only. */
  public FileLogTail tail(long fromOffset) {
    return FileLogTail.open(directory, fromOffset, () -> committedOffset);
  }

  @Override
  public void append(EventView event) throws IOException {
    prepareAppend();
    long mark = encoder.frames().writePosition();
    try {
      encoder.event(event);
    } catch (RuntimeException e) {
      encoder.rewind(mark); // the append is retried whole: leave no half frame behind
      throw e;
    }
    nextOffset++;
  }

  @Override
  public void append(RecordView record) throws IOException {
    prepareAppend();
    long mark = encoder.frames().writePosition();
    try {
      encoder.record(record);
    } catch (RuntimeException e) {
      encoder.rewind(mark);
      throw e;
    }
    nextOffset++;
  }

  /**
   * Writes out a full buffer and rolls a full segment before a record is encoded, so a failure here
   * leaves nothing of the record behind and the retried append starts clean.
   */
  private void prepareAppend() throws IOException {
    try {
      if (encoder.pending() >= settings.bufferBytes()) {
        writeOut();
      }
      if (nextOffset > active.baseOffset()
          && filePosition + encoder.pending() >= settings.segmentBytes()) {
        roll();
      }
    } catch (IOException e) {
      retainAfterFailure();
      throw e;
    }
  }

  /**
   * After a failed write (a full disk, most likely) retention runs as after a commit: otherwise the
   * segments it would delete keep the space the retried write needs, and the writer retries for
   * ever.
   */
  private void retainAfterFailure() {
    if (retention.due()) {
      retention.enforce(filePosition, committedOffset);
    }
  }

  /**
   * Writes the pending frames at the end of the active segment. On a failure what was written stays
   * counted and the rest stays pending, so the retry continues the same frame where it stopped.
   */
  private void writeOut() throws IOException {
    Bytes<ByteBuffer> frames = encoder.frames();
    if (encoder.pending() == 0) {
      return;
    }
    ByteBuffer b = frames.underlyingObject();
    b.limit((int) frames.writePosition()).position((int) frames.readPosition());
    if (unsynced != null
        && unsynced.size() > 0
        && unsynced.size() + b.remaining() > 2 * (settings.bufferBytes() + BUFFER_SLACK_BYTES)) {
      forceActive(); // a batch beyond twice the buffer is synced in parts, to bound the copy
    }
    FileChannel target = channel;
    while (b.hasRemaining()) {
      int n = target.write(b, filePosition);
      if (unsynced != null) {
        unsynced.written(b, n);
      }
      filePosition += n;
      frames.readSkip(n);
      writtenBytes += n; // single writer: the volatile is only for the syncer to read
    }
    encoder.clear();
  }

  /**
   * Closes the active segment and starts the next, named by the next offset. The old segment is
   * written out (and forced unless sync is never) before the new file exists: a reader that finds a
   * newer segment may take the older one as complete.
   */
  private void roll() throws IOException {
    writeOut();
    FileChannel old = channel;
    if (settings.sync() != SyncPolicy.NEVER) {
      forceActive();
    }
    Segment next = new Segment(nextOffset, Segments.path(directory, nextOffset));
    FileChannel opened = openForWrite(next.path());
    try {
      forceDirectory();
    } catch (IOException e) {
      opened.close();
      throw e;
    }
    retention.closed(active, filePosition, nextOffset);
    active = next;
    filePosition = 0;
    if (unsynced != null) {
      unsynced.synced(0);
    }
    channel = opened;
    old.close();
    retention.enforce(filePosition, committedOffset);
  }

  @Override
  public void commit() throws IOException {
    try {
      if (syncFailure != null) {
        // The syncer could not force: do it here, so the writer retries until the disk takes it.
        channel.force(false);
        syncFailure = null;
      }
      writeOut();
      if (settings.sync() == SyncPolicy.ALWAYS) {
        forceActive();
      }
    } catch (IOException e) {
      retainAfterFailure();
      throw e;
    }
    // Retention may take only what earlier commits hold, never this batch, whose ACK comes after
    // this call (a batch larger than retention-bytes stays until the next commit; by then it has
    // normally been acknowledged, though not surely when another durable backend lags).
    long committedBefore = committedOffset;
    committedOffset = nextOffset;
    if (retention.due()) {
      retention.enforce(filePosition, committedBefore); // ages segments out even when nothing rolls
    }
  }

  /**
   * Forces the active segment's data; with sync = always, after a failed fsync, first writes again
   * what that one may have lost.
   */
  private void forceActive() throws IOException {
    if (unsynced != null) {
      unsynced.rewriteIfFsyncFailed(channel);
    }
    try {
      fsync.force(channel);
    } catch (IOException e) {
      if (unsynced != null) {
        unsynced.fsyncFailed();
      }
      throw e;
    }
    if (unsynced != null) {
      unsynced.synced(filePosition);
    }
    fsyncs.incrementAndGet();
  }

  @Override
  public void sync() throws IOException {
    writeOut();
    forceActive();
  }

  /** Interval syncer: forces the active segment when bytes were written since the last time. */
  private void syncWritten() {
    long written = writtenBytes;
    if (written == syncedBytes) {
      return;
    }
    try {
      // A roll forced the previous segment before swapping: this one is all that can be unforced.
      channel.force(false);
      syncedBytes = written;
      fsyncs.incrementAndGet();
    } catch (ClosedChannelException e) {
      // Rolled (the writer forced it) or closing: the next round forces the new segment.
    } catch (IOException e) {
      if (syncFailure == null) {
        LOG.warn("file log {}: interval fsync failed: {}", directory, e.toString());
      }
      syncFailure = e;
    }
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    if (syncer != null) {
      syncer.shutdown();
      try {
        syncer.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      commit();
      channel.force(true);
    } finally {
      channel.close();
      encoder.close();
      lock.channel().close(); // releases the lock
    }
  }

  @Override
  public List<StoredEvent> readEvents(EventQuery query) throws IOException {
    List<StoredEvent> events = new ArrayList<>();
    FileLogReader.Visitor collect =
        new FileLogReader.Visitor() {
          @Override
          public void event(long offset, StoredEvent event) {
            if (events.size() < query.limit() && query.matches(event)) {
              events.add(event);
            }
          }
        };
    try (FileLogTail tail = tail(0)) {
      boolean more = true;
      while (more && events.size() < query.limit()) {
        more = tail.poll(collect, 1024) > 0; // in chunks, so a limited query stops early
      }
    }
    return events;
  }

  @Override
  public boolean keepsEventsAcrossRestarts() {
    return true;
  }

  /**
   * Streams the ids of the committed events received since {@code sinceMillis}. Segments last
   * modified before then are skipped whole: a record is written after it was received, so none in
   * them is recent enough. That compares the engine clock, which stamps received times, with the
   * file system's: both are the wall clock in the service. In the segments read, each frame is
   * checked as for any read, and only the id and received time of its body are decoded.
   */
  @Override
  public void replayEventIds(long sinceMillis, EventIdSink sink) throws IOException {
    replayEventIds(sinceMillis, Long.MAX_VALUE, sink);
  }

  /**
   * As above, from the newest segments that hold at least {@code newest} ids received since then,
   * when fewer than all of them do: a start then reads what the dedup window holds, not the whole
   * window's traffic (an hour at 100,000 events/s is 360 million frames).
   */
  @Override
  public void replayEventIds(long sinceMillis, long newest, EventIdSink sink) throws IOException {
    List<Segment> segments = Segments.list(directory);
    int first = 0;
    // File times may be truncated to seconds (or two, on some file systems): keep a margin.
    while (first < segments.size()
        && lastModifiedMillis(segments.get(first).path())
            < sinceMillis - FILE_TIME_GRANULARITY_MILLIS) {
      first++;
    }
    if (first == segments.size()) {
      return; // every segment was last written before the window
    }
    int start = newestHolding(segments, first, sinceMillis, newest);
    try (FileLogTail tail = tail(segments.get(start).baseOffset())) {
      tail.poll(
          (offset, body) -> RecordDecoder.eventId(body, sinceMillis, sink), Integer.MAX_VALUE);
    }
  }

  /**
   * The newest of {@code segments} from {@code first} on from which at least {@code newest} ids
   * received since {@code sinceMillis} are stored to the log's end ({@code first} when fewer are).
   * A segment holds as many records as its offsets span, at least as many as its ids: the records
   * find a segment to start counting from, and the ids are counted going back from there.
   */
  private int newestHolding(List<Segment> segments, int first, long sinceMillis, long newest)
      throws IOException {
    int start = segments.size() - 1;
    while (start > first && committedOffset - segments.get(start).baseOffset() < newest) {
      start--;
    }
    if (start == first) {
      return first;
    }
    long ids = countIds(segments.get(start).baseOffset(), committedOffset, sinceMillis);
    while (start > first && ids < newest) {
      start--;
      ids +=
          countIds(
              segments.get(start).baseOffset(), segments.get(start + 1).baseOffset(), sinceMillis);
    }
    return start;
  }

  /** How many ids received since {@code sinceMillis} the records at [from, to) hold. */
  private long countIds(long fromOffset, long toOffset, long sinceMillis) throws IOException {
    long[] ids = {0};
    EventIdSink counter = (eventId, receivedMillis) -> ids[0]++;
    try (FileLogTail tail = tail(fromOffset)) {
      tail.poll(
          (offset, body) -> offset >= toOffset || RecordDecoder.eventId(body, sinceMillis, counter),
          (int) Math.min(Integer.MAX_VALUE, toOffset - fromOffset));
    }
    return ids[0];
  }

  /** When the file was last written; 0 when retention has deleted it since it was listed. */
  private static long lastModifiedMillis(Path file) throws IOException {
    try {
      return Files.getLastModifiedTime(file).toMillis();
    } catch (NoSuchFileException e) {
      return 0;
    }
  }

  @Override
  public List<StoredRecord> readRecords() throws IOException {
    List<StoredRecord> records = new ArrayList<>();
    try (FileLogTail tail = tail(0)) {
      tail.poll(
          new FileLogReader.Visitor() {
            @Override
            public void record(long offset, StoredRecord record) {
              records.add(record);
            }
          },
          Integer.MAX_VALUE);
    }
    return records;
  }
}
