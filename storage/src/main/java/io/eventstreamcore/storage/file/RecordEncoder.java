package io.eventstreamcore.storage.file;

import static io.eventstreamcore.storage.file.LogRecordDescriptor.ALERT;
import static io.eventstreamcore.storage.file.LogRecordDescriptor.CLIENT_TIME_MICROS;
import static io.eventstreamcore.storage.file.LogRecordDescriptor.COUNT;
import static io.eventstreamcore.storage.file.LogRecordDescriptor.CRC_OFFSET;
import static io.eventstreamcore.storage.file.LogRecordDescriptor.END_MILLIS;
import static io.eventstreamcore.storage.file.LogRecordDescriptor.EVENT;
import static io.eventstreamcore.storage.file.LogRecordDescriptor.EVENT_ID;
import static io.eventstreamcore.storage.file.LogRecordDescriptor.FRAME_PRIORITY;
import static io.eventstreamcore.storage.file.LogRecordDescriptor.HEADER_BYTES;
import static io.eventstreamcore.storage.file.LogRecordDescriptor.KIND;
import static io.eventstreamcore.storage.file.LogRecordDescriptor.LENGTH_OFFSET;
import static io.eventstreamcore.storage.file.LogRecordDescriptor.MAX_EVENT_ID;
import static io.eventstreamcore.storage.file.LogRecordDescriptor.MIN_EVENT_ID;
import static io.eventstreamcore.storage.file.LogRecordDescriptor.PAYLOAD;
import static io.eventstreamcore.storage.file.LogRecordDescriptor.PAYLOAD_BYTES;
import static io.eventstreamcore.storage.file.LogRecordDescriptor.PRIORITY;
import static io.eventstreamcore.storage.file.LogRecordDescriptor.RECEIVED_MILLIS;
import static io.eventstreamcore.storage.file.LogRecordDescriptor.RULE;
import static io.eventstreamcore.storage.file.LogRecordDescriptor.SEVERITY;
import static io.eventstreamcore.storage.file.LogRecordDescriptor.START_MILLIS;
import static io.eventstreamcore.storage.file.LogRecordDescriptor.TIME_MILLIS;
import static io.eventstreamcore.storage.file.LogRecordDescriptor.TOPIC;
import static io.eventstreamcore.storage.file.LogRecordDescriptor.VALUE;
import static io.eventstreamcore.storage.file.LogRecordDescriptor.WINDOW;

import io.eventstreamcore.engine.event.EventView;
import io.eventstreamcore.engine.record.RecordKind;
import io.eventstreamcore.engine.record.RecordView;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.wire.BinaryWire;
import net.openhft.chronicle.wire.Wire;

/**
 * Encodes records as frames ({@link LogRecordDescriptor}) into one reused direct buffer, for the
 * writer thread only. Allocation-free per record: the Wire, its bytes and the payload scratch are
 * made once; they only grow, once, for a record larger than any before.
 */
final class RecordEncoder {
  private final Bytes<ByteBuffer> frames;
  private final Wire wire;
  private final Bytes<ByteBuffer> payload;
  private final CRC32C crc = new CRC32C();

  RecordEncoder(int initialBytes) {
    frames = Bytes.elasticByteBuffer(initialBytes);
    // Fixed-width numbers: a few bytes more per record than the compact encoding, but the YAML
    // rendering then shows plain numbers rather than width tags such as "!short 3456".
    wire = new BinaryWire(frames, true, false, false, Integer.MAX_VALUE, "binary", false);
    payload = Bytes.elasticByteBuffer(4096);
  }

  /** The encoded frames not yet written: from its read position to its write position. */
  Bytes<ByteBuffer> frames() {
    return frames;
  }

  /** Bytes encoded and not yet written out. */
  long pending() {
    return frames.writePosition() - frames.readPosition();
  }

  void event(EventView event) {
    long start = beginFrame();
    wire.write(KIND).text(EVENT);
    wire.write(PRIORITY).text(event.priority().name());
    wire.write(FRAME_PRIORITY).text(event.framePriority().name());
    wire.write(EVENT_ID).int64(event.eventId());
    wire.write(CLIENT_TIME_MICROS).int64(event.clientTimeMicros());
    wire.write(RECEIVED_MILLIS).int64(event.receivedMillis());
    wire.write(TOPIC).text(event.topic());
    int length = event.payloadLength();
    payload.clear();
    payload.ensureCapacity(length);
    // The view writes into a ByteBuffer; the scratch's own buffer takes it without a copy array.
    ByteBuffer target = payload.underlyingObject();
    target.limit(target.capacity()).position(0);
    event.writePayload(target);
    payload.writeSkip(length);
    wire.write(PAYLOAD).bytes(payload);
    endFrame(start);
  }

  void record(RecordView record) {
    long start = beginFrame();
    if (record.kind() == RecordKind.ALERT) {
      wire.write(KIND).text(ALERT);
      wire.write(TIME_MILLIS).int64(record.timeMillis());
      wire.write(EVENT_ID).int64(record.eventId());
      wire.write(VALUE).float64(record.value());
      wire.write(TOPIC).text(record.topic());
      wire.write(RULE).text(record.name());
      wire.write(SEVERITY).text(record.severity());
    } else {
      wire.write(KIND).text(WINDOW);
      wire.write(START_MILLIS).int64(record.startMillis());
      wire.write(END_MILLIS).int64(record.endMillis());
      wire.write(COUNT).int64(record.count());
      wire.write(PAYLOAD_BYTES).int64(record.payloadBytes());
      wire.write(MIN_EVENT_ID).int64(record.minEventId());
      wire.write(MAX_EVENT_ID).int64(record.maxEventId());
      wire.write(TOPIC).text(record.topic());
    }
    endFrame(start);
  }

  private long beginFrame() {
    long start = frames.writePosition();
    frames.writeSkip(HEADER_BYTES);
    return start;
  }

  private void endFrame(long start) {
    long end = frames.writePosition();
    int bodyLength = (int) (end - start - HEADER_BYTES);
    // Fetched after the body is written: growing the bytes replaces the buffer under them.
    ByteBuffer buffer = frames.underlyingObject();
    buffer.limit((int) end).position((int) start + HEADER_BYTES);
    crc.reset();
    crc.update(buffer);
    frames.writeInt(start + LENGTH_OFFSET, bodyLength);
    frames.writeInt(start + CRC_OFFSET, (int) crc.getValue());
  }

  /** Forgets every frame: all were written. */
  void clear() {
    frames.clear();
  }

  /** Drops the frames after {@code writePosition}: an append that failed half-way. */
  void rewind(long writePosition) {
    frames.writePosition(writePosition);
  }

  /** Releases the native buffers. */
  void close() {
    frames.releaseLast();
    payload.releaseLast();
  }
}
