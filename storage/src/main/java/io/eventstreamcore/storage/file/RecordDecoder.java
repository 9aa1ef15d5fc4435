package io.eventstreamcore.storage.file;

import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.event.Route;
import io.eventstreamcore.engine.record.DeadLetterReason;
import io.eventstreamcore.engine.spi.EventIdSink;
import io.eventstreamcore.engine.spi.StoredEvent;
import io.eventstreamcore.engine.spi.StoredRecord;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.wire.BinaryWire;
import net.openhft.chronicle.wire.Wire;

/** Decodes frame bodies ({@link LogRecordDescriptor}) into stored events and records. */
final class RecordDecoder {
  private RecordDecoder() {}

  /**
   * Decodes one body and hands it to {@code visitor}.
   *
   * @return false when the body is not a record this log writes (checksummed, yet malformed)
   */
  static boolean decode(Bytes<?> body, long offset, FileLogReader.Visitor visitor) {
    Wire wire = BinaryWire.binaryOnly(body);
    StoredEvent event = null;
    StoredRecord record = null;
    try {
      String kind = wire.read(LogRecordDescriptor.KIND).text();
      if (LogRecordDescriptor.EVENT.equals(kind)) {
        event = event(wire);
      } else if (LogRecordDescriptor.ALERT.equals(kind)) {
        record = alert(wire);
      } else if (LogRecordDescriptor.WINDOW.equals(kind)) {
        record = window(wire);
      } else if (LogRecordDescriptor.DEAD_LETTER.equals(kind)) {
        record = deadLetter(wire);
      } else if (LogRecordDescriptor.DERIVED.equals(kind)) {
        record = derived(wire);
      } else {
        return false;
      }
    } catch (RuntimeException e) {
      return false; // a field missing or of the wrong type: treat as corruption
    }
    // Outside the try: a visitor's own failure is not the log's, and must reach its caller.
    if (event != null) {
      visitor.event(offset, event);
    } else {
      visitor.record(offset, record);
    }
    return true;
  }

  /**
   * Reads only the id and received time of an event body, passing over its other fields, and hands
   * them to {@code sink} when the id is not 0 and the event was received at or after {@code
   * sinceMillis}; record bodies are passed over (a derived event never went through dedup). For the
   * dedup rebuild at start, which reads every event of the window: no payload or topic is copied.
   *
   * @return false when the body is not a record this log writes
   */
  static boolean eventId(Bytes<?> body, long sinceMillis, EventIdSink sink) {
    Wire w = BinaryWire.binaryOnly(body);
    long eventId;
    long received;
    try {
      String kind = w.read(LogRecordDescriptor.KIND).text();
      if (!LogRecordDescriptor.EVENT.equals(kind)) {
        return LogRecordDescriptor.ALERT.equals(kind)
            || LogRecordDescriptor.WINDOW.equals(kind)
            || LogRecordDescriptor.DEAD_LETTER.equals(kind)
            || LogRecordDescriptor.DERIVED.equals(kind);
      }
      w.read(LogRecordDescriptor.PRIORITY).skipValue();
      w.read(LogRecordDescriptor.FRAME_PRIORITY).skipValue();
      eventId = w.read(LogRecordDescriptor.EVENT_ID).int64();
      w.read(LogRecordDescriptor.CLIENT_TIME_MICROS).skipValue();
      received = w.read(LogRecordDescriptor.RECEIVED_MILLIS).int64();
    } catch (RuntimeException e) {
      return false; // as in decode: a malformed body is corruption
    }
    if (eventId != 0 && received >= sinceMillis) {
      sink.accept(eventId, received);
    }
    return true;
  }

  private static StoredEvent event(Wire w) {
    Priority priority = Priority.valueOf(w.read(LogRecordDescriptor.PRIORITY).text());
    w.read(LogRecordDescriptor.FRAME_PRIORITY).text(); // kept for audits, not in StoredEvent
    long eventId = w.read(LogRecordDescriptor.EVENT_ID).int64();
    long clientTime = w.read(LogRecordDescriptor.CLIENT_TIME_MICROS).int64();
    long received = w.read(LogRecordDescriptor.RECEIVED_MILLIS).int64();
    String topic = text(w, LogRecordDescriptor.TOPIC);
    byte[] payload = w.read(LogRecordDescriptor.PAYLOAD).bytes();
    if (payload == null) {
      throw new IllegalStateException("event without payload");
    }
    return new StoredEvent(
        topic, priority, Route.of(priority), eventId, clientTime, received, payload);
  }

  private static StoredRecord alert(Wire w) {
    long time = w.read(LogRecordDescriptor.TIME_MILLIS).int64();
    long eventId = w.read(LogRecordDescriptor.EVENT_ID).int64();
    double value = w.read(LogRecordDescriptor.VALUE).float64();
    String topic = text(w, LogRecordDescriptor.TOPIC);
    String rule = text(w, LogRecordDescriptor.RULE);
    String severity = text(w, LogRecordDescriptor.SEVERITY);
    return StoredRecord.alert(topic, rule, severity, time, eventId, value);
  }

  private static StoredRecord window(Wire w) {
    long start = w.read(LogRecordDescriptor.START_MILLIS).int64();
    long end = w.read(LogRecordDescriptor.END_MILLIS).int64();
    long count = w.read(LogRecordDescriptor.COUNT).int64();
    long bytes = w.read(LogRecordDescriptor.PAYLOAD_BYTES).int64();
    long minId = w.read(LogRecordDescriptor.MIN_EVENT_ID).int64();
    long maxId = w.read(LogRecordDescriptor.MAX_EVENT_ID).int64();
    String topic = text(w, LogRecordDescriptor.TOPIC);
    StoredRecord window = StoredRecord.window(topic, start, end, count, bytes, minId, maxId);
    if (!w.hasMore()) {
      return window; // written before windows had the fields below
    }
    long minSize = w.read(LogRecordDescriptor.MIN_PAYLOAD_BYTES).int64();
    long maxSize = w.read(LogRecordDescriptor.MAX_PAYLOAD_BYTES).int64();
    long first = w.read(LogRecordDescriptor.FIRST_MILLIS).int64();
    long last = w.read(LogRecordDescriptor.LAST_MILLIS).int64();
    String aggregate = text(w, LogRecordDescriptor.AGGREGATE);
    double aggregateValue = w.read(LogRecordDescriptor.AGGREGATE_VALUE).float64();
    return window
        .withPayloadSizes(minSize, maxSize)
        .withEventTimes(first, last)
        .withAggregate(aggregate, aggregateValue);
  }

  private static StoredRecord deadLetter(Wire w) {
    DeadLetterReason reason = DeadLetterReason.ofLabel(text(w, LogRecordDescriptor.REASON));
    Priority priority = Priority.valueOf(w.read(LogRecordDescriptor.PRIORITY).text());
    long eventId = w.read(LogRecordDescriptor.EVENT_ID).int64();
    long clientTime = w.read(LogRecordDescriptor.CLIENT_TIME_MICROS).int64();
    long received = w.read(LogRecordDescriptor.RECEIVED_MILLIS).int64();
    String topic = text(w, LogRecordDescriptor.TOPIC);
    byte[] payload = w.read(LogRecordDescriptor.PAYLOAD).bytes();
    if (payload == null) {
      throw new IllegalStateException("dead letter without payload");
    }
    return StoredRecord.deadLetter(reason, topic, eventId, clientTime, received, priority, payload);
  }

  private static StoredRecord derived(Wire w) {
    String name = text(w, LogRecordDescriptor.NAME);
    Priority priority = Priority.valueOf(w.read(LogRecordDescriptor.PRIORITY).text());
    long eventId = w.read(LogRecordDescriptor.EVENT_ID).int64();
    long time = w.read(LogRecordDescriptor.TIME_MILLIS).int64();
    String topic = text(w, LogRecordDescriptor.TOPIC);
    byte[] payload = w.read(LogRecordDescriptor.PAYLOAD).bytes();
    if (payload == null) {
      throw new IllegalStateException("derived event without payload");
    }
    return StoredRecord.derived(name, topic, eventId, time, priority, payload);
  }

  private static String text(Wire w, String field) {
    String s = w.read(field).text();
    if (s == null) {
      throw new IllegalStateException("missing " + field);
    }
    return s;
  }
}
