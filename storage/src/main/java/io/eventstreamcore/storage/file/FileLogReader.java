package io.eventstreamcore.storage.file;

import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.event.Route;
import io.eventstreamcore.engine.record.RecordKind;
import io.eventstreamcore.engine.spi.StoredEvent;
import io.eventstreamcore.engine.spi.StoredRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Reads a file log from the start, checking every record's length and checksum. Stops at the first
 * torn or corrupt record and reports where the valid part ends.
 */
public final class FileLogReader {
  /** Receives the records of a log in order; each method ignores its kind unless overridden. */
  public interface Visitor {
    /** An event record. */
    default void event(StoredEvent event) {}

    /** An alert or window record. */
    default void record(StoredRecord record) {}
  }

  private FileLogReader() {}

  /**
   * Visits every valid record of {@code file}.
   *
   * @return the position where the valid records end (the file length when none is torn)
   */
  public static long read(Path file, Visitor visitor) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      long position = 0;
      ByteBuffer header = ByteBuffer.allocate(LogRecordDescriptor.HEADER_BYTES);
      CRC32C crc = new CRC32C();
      while (position + LogRecordDescriptor.HEADER_BYTES <= size) {
        header.clear();
        readFully(channel, header, position);
        header.flip();
        long length = header.getInt() & 0xffffffffL;
        int expectedCrc = header.getInt();
        if (length == 0
            || length > LogRecordDescriptor.MAX_BODY_BYTES
            || position + LogRecordDescriptor.HEADER_BYTES + length > size) {
          break;
        }
        ByteBuffer body = ByteBuffer.allocate((int) length);
        readFully(channel, body, position + LogRecordDescriptor.HEADER_BYTES);
        body.flip();
        crc.reset();
        crc.update(body.duplicate());
        if ((int) crc.getValue() != expectedCrc || !decode(body, visitor)) {
          break;
        }
        position += LogRecordDescriptor.HEADER_BYTES + length;
      }
      return position;
    }
  }

  private static void readFully(FileChannel channel, ByteBuffer target, long position)
      throws IOException {
    long at = position;
    while (target.hasRemaining()) {
      int n = channel.read(target, at);
      if (n < 0) {
        throw new IOException("unexpected end of log at " + at);
      }
      at += n;
    }
  }

  private static boolean decode(ByteBuffer body, Visitor visitor) {
    try {
      byte type = body.get();
      switch (type) {
        case LogRecordDescriptor.TYPE_EVENT:
          visitor.event(event(body));
          return true;
        case LogRecordDescriptor.TYPE_ALERT:
          visitor.record(alert(body));
          return true;
        case LogRecordDescriptor.TYPE_WINDOW:
          visitor.record(window(body));
          return true;
        default:
          return false;
      }
    } catch (RuntimeException e) {
      return false; // a checksummed but malformed body: treat as corruption
    }
  }

  private static StoredEvent event(ByteBuffer b) {
    Priority priority = Priority.ofCode(b.get());
    b.get(); // frame priority: kept in the log for audits, not part of StoredEvent
    long eventId = b.getLong();
    long clientTime = b.getLong();
    long received = b.getLong();
    String topic = string(b);
    byte[] payload = new byte[b.getInt()];
    b.get(payload);
    return new StoredEvent(
        topic, priority, Route.of(priority), eventId, clientTime, received, payload);
  }

  private static StoredRecord alert(ByteBuffer b) {
    long time = b.getLong();
    long eventId = b.getLong();
    double value = b.getDouble();
    String topic = string(b);
    String rule = string(b);
    String severity = string(b);
    return new StoredRecord(
        RecordKind.ALERT, topic, rule, severity, time, eventId, value, 0, 0, 0, 0, 0, 0);
  }

  private static StoredRecord window(ByteBuffer b) {
    long start = b.getLong();
    long end = b.getLong();
    long count = b.getLong();
    long bytes = b.getLong();
    long minId = b.getLong();
    long maxId = b.getLong();
    String topic = string(b);
    return new StoredRecord(
        RecordKind.WINDOW, topic, "", "", end, 0, 0, start, end, count, bytes, minId, maxId);
  }

  private static String string(ByteBuffer b) {
    byte[] bytes = new byte[b.getShort() & 0xffff];
    b.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
