package io.eventstreamcore.storage.file;

import io.eventstreamcore.engine.event.EventView;
import io.eventstreamcore.engine.record.RecordKind;
import io.eventstreamcore.engine.record.RecordView;
import io.eventstreamcore.engine.spi.EventQuery;
import io.eventstreamcore.engine.spi.ReadableBackend;
import io.eventstreamcore.engine.spi.StoredEvent;
import io.eventstreamcore.engine.spi.StoredRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Append-only file log ({@link LogRecordDescriptor}): events, alerts and window summaries, each
 * length-prefixed and CRC32C-checksummed. Records are encoded into one direct buffer and written at
 * each commit, fsynced first when the sync policy is {@code always}; one commit covers a whole ring
 * batch, so fsyncs are shared by many events (group commit).
 *
 * <p>At open the log is recovered: read to its last valid record and truncated there, so a torn
 * tail from a crash is cut off before new records follow it.
 */
public final class FileBackend implements ReadableBackend {
  private static final Logger LOG = LoggerFactory.getLogger(FileBackend.class);
  private static final String FILE_NAME = "events.log";
  private static final String LOCK_NAME = "events.lock";

  private final String name;
  private final Path file;
  private final SyncPolicy sync;
  private final FileLock lock;
  private final FileChannel channel;
  private final ByteBuffer buffer;
  private final CRC32C crc = new CRC32C();
  private long position;

  /**
   * Opens (creating or recovering) the log in {@code directory}.
   *
   * @param bufferBytes encode buffer; records larger than it get a buffer of their own
   */
  public FileBackend(String name, Path directory, SyncPolicy sync, int bufferBytes)
      throws IOException {
    this.name = name;
    this.sync = sync;
    Files.createDirectories(directory);
    if (!Files.isWritable(directory)) {
      throw new IOException("storage directory is not writable: " + directory.toAbsolutePath());
    }
    this.file = directory.resolve(FILE_NAME);
    this.lock = lockDirectory(directory);
    try {
      this.channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      this.position = recover();
    } catch (IOException | RuntimeException e) {
      lock.channel().close();
      throw e;
    }
    this.buffer = ByteBuffer.allocateDirect(bufferBytes);
  }

  /**
   * Takes the directory for this process alone, before recovery: a second service on the same
   * directory would otherwise truncate the live one's half-written commit as a torn tail.
   */
  private static FileLock lockDirectory(Path directory) throws IOException {
    FileChannel lockChannel =
        FileChannel.open(
            directory.resolve(LOCK_NAME), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
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

  private long recover() throws IOException {
    long size = channel.size();
    long valid = FileLogReader.read(file, IGNORE);
    if (valid < size) {
      LOG.warn(
          "file log {}: torn or corrupt tail of {} bytes at {}; truncating",
          file,
          size - valid,
          valid);
      channel.truncate(valid);
      channel.force(true);
    }
    return valid;
  }

  @Override
  public String name() {
    return name;
  }

  /** The log file. */
  public Path file() {
    return file;
  }

  @Override
  public void append(EventView event) throws IOException {
    int body = LogRecordDescriptor.EVENT_FIXED_BYTES + event.topicLength() + event.payloadLength();
    ByteBuffer b = reserve(body);
    int start = beginRecord(b);
    b.put(LogRecordDescriptor.TYPE_EVENT);
    b.put((byte) event.priority().code());
    b.put((byte) event.framePriority().code());
    b.putLong(event.eventId());
    b.putLong(event.clientTimeMicros());
    b.putLong(event.receivedMillis());
    b.putShort((short) event.topicLength());
    event.writeTopic(b);
    b.putInt(event.payloadLength());
    event.writePayload(b);
    endRecord(b, start);
  }

  @Override
  public void append(RecordView record) throws IOException {
    byte[] topic = record.topic().getBytes(StandardCharsets.UTF_8);
    if (record.kind() == RecordKind.ALERT) {
      byte[] rule = record.name().getBytes(StandardCharsets.UTF_8);
      byte[] severity = record.severity().getBytes(StandardCharsets.UTF_8);
      ByteBuffer b = reserve(1 + 24 + 6 + topic.length + rule.length + severity.length);
      int start = beginRecord(b);
      b.put(LogRecordDescriptor.TYPE_ALERT);
      b.putLong(record.timeMillis()).putLong(record.eventId()).putDouble(record.value());
      putString(b, topic);
      putString(b, rule);
      putString(b, severity);
      endRecord(b, start);
    } else {
      ByteBuffer b = reserve(1 + 48 + 2 + topic.length);
      int start = beginRecord(b);
      b.put(LogRecordDescriptor.TYPE_WINDOW);
      b.putLong(record.startMillis()).putLong(record.endMillis()).putLong(record.count());
      b.putLong(record.payloadBytes()).putLong(record.minEventId()).putLong(record.maxEventId());
      putString(b, topic);
      endRecord(b, start);
    }
  }

  private static void putString(ByteBuffer b, byte[] s) {
    b.putShort((short) s.length).put(s);
  }

  /** A buffer with room for a record of {@code body} bytes: the shared one, flushed if need be. */
  private ByteBuffer reserve(int body) throws IOException {
    int total = LogRecordDescriptor.HEADER_BYTES + body;
    if (buffer.remaining() < total) {
      writeBuffer();
    }
    if (buffer.remaining() < total) {
      // Larger than the whole buffer: rare (payloads near the frame limit); grow for this one.
      writeBuffer();
      return ByteBuffer.allocate(total);
    }
    return buffer;
  }

  private static int beginRecord(ByteBuffer b) {
    int start = b.position();
    b.position(start + LogRecordDescriptor.HEADER_BYTES);
    return start;
  }

  private void endRecord(ByteBuffer b, int start) throws IOException {
    int end = b.position();
    int bodyStart = start + LogRecordDescriptor.HEADER_BYTES;
    // Checksum the body in place: narrow the buffer to it, then restore.
    b.limit(end).position(bodyStart);
    crc.reset();
    crc.update(b);
    b.limit(b.capacity()).position(end);
    b.putInt(start, end - bodyStart);
    b.putInt(start + 4, (int) crc.getValue());
    if (b != buffer) {
      b.flip();
      long before = position;
      try {
        writeFully(b);
      } catch (IOException e) {
        // The append is retried whole: write it again over this fragment, not after it, or
        // recovery would stop at the fragment and cut off what follows.
        position = before;
        throw e;
      }
    }
  }

  private void writeBuffer() throws IOException {
    buffer.flip();
    try {
      writeFully(buffer);
    } finally {
      buffer.compact();
    }
  }

  private void writeFully(ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      position += channel.write(b, position);
    }
  }

  @Override
  public void commit() throws IOException {
    writeBuffer();
    if (sync == SyncPolicy.ALWAYS) {
      channel.force(false);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      commit();
      channel.force(true);
    } finally {
      channel.close();
      lock.channel().close(); // releases the lock
    }
  }

  @Override
  public List<StoredEvent> readEvents(EventQuery query) throws IOException {
    List<StoredEvent> events = new ArrayList<>();
    FileLogReader.read(
        file,
        new FileLogReader.Visitor() {
          @Override
          public void event(StoredEvent event) {
            if (events.size() < query.limit() && query.matches(event)) {
              events.add(event);
            }
          }
        });
    return events;
  }

  @Override
  public List<StoredRecord> readRecords() throws IOException {
    List<StoredRecord> records = new ArrayList<>();
    FileLogReader.read(
        file,
        new FileLogReader.Visitor() {
          @Override
          public void record(StoredRecord record) {
            records.add(record);
          }
        });
    return records;
  }

  private static final FileLogReader.Visitor IGNORE = new FileLogReader.Visitor() {};
}
