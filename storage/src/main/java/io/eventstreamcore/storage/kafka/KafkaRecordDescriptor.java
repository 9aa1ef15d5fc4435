package io.eventstreamcore.storage.kafka;

import io.eventstreamcore.engine.record.RecordKind;
import io.eventstreamcore.engine.record.RecordView;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * What the kafka backend writes, for consumers of its topics.
 *
 * <p>An event becomes one Kafka record:
 *
 * <pre>
 *   key       event_id as 8 bytes big-endian; the event topic in UTF-8 when event_id is 0
 *   value     the payload bytes, unchanged
 *   timestamp received_ms (CreateTime)
 *   headers   topic          event topic, UTF-8
 *             priority       effective priority, e.g. HIGH (UTF-8)
 *             route          realtime | transactional | batch (UTF-8)
 *             client_time_us 8 bytes big-endian, 0 when the client sent none
 *             received_ms    8 bytes big-endian, when the frame was read
 * </pre>
 *
 * <p>An alert, window summary, dead letter or derived event becomes one Kafka record on the records
 * topic: key = its event topic in UTF-8 (so one topic's records stay in order on one partition),
 * timestamp = the alert's time, the window's end, the dead event's received time or the derived
 * event's time (the time of sending when that is negative or in the future), headers {@code kind}
 * (ALERT | WINDOW | DEAD_LETTER | DERIVED_EVENT) and {@code topic}, and a value of one JSON object
 * in UTF-8:
 *
 * <pre>
 *   {"kind":"ALERT","topic":"t","rule":"r","severity":"s","time_ms":1,"event_id":2,"value":3.5}
 *   {"kind":"WINDOW","topic":"t","start_ms":0,"end_ms":1000,"count":10,"payload_bytes":640,
 *    "min_event_id":1,"max_event_id":10,"min_payload_bytes":8,"max_payload_bytes":100,
 *    "mean_payload_bytes":64.0,"first_ms":3,"last_ms":998,"aggregate_name":"",
 *    "aggregate_value":0.0}
 *   {"kind":"DEAD_LETTER","topic":"t","reason":"handler","priority":"HIGH","event_id":7,
 *    "client_time_us":0,"received_ms":1,"payload":"base64 of the payload bytes"}
 *   {"kind":"DERIVED_EVENT","topic":"t","name":"celsius","priority":"HIGH","event_id":7,
 *    "time_ms":1,"payload":"base64 of the payload bytes"}
 * </pre>
 *
 * JSON because records are few (one per matched rule, one per topic per window, the derived events
 * a handler chooses to emit), are read by people and tools (any console consumer shows them), and a
 * binary encoding would save bytes that do not matter at that rate while tying every consumer to
 * our layout. A non-finite alert value is written as {@code null}, as is a non-finite window
 * aggregate; {@code aggregate_name} is "" when the handler attached none. The mean is {@code
 * payload_bytes / count} (0 for no events), written for consumers' convenience.
 */
final class KafkaRecordDescriptor {
  static final String HEADER_TOPIC = "topic";
  static final String HEADER_PRIORITY = "priority";
  static final String HEADER_ROUTE = "route";
  static final String HEADER_CLIENT_TIME_US = "client_time_us";
  static final String HEADER_RECEIVED_MS = "received_ms";
  static final String HEADER_KIND = "kind";

  private KafkaRecordDescriptor() {}

  /** {@code value} as 8 bytes big-endian. */
  static byte[] longBytes(long value) {
    return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
  }

  /** The key of an event: its id, or its topic when it has none. */
  static byte[] eventKey(long eventId, String topic) {
    return eventId != 0 ? longBytes(eventId) : topic.getBytes(StandardCharsets.UTF_8);
  }

  /** The JSON value of a record, UTF-8. */
  static byte[] recordJson(RecordView record) {
    StringBuilder b = new StringBuilder(160);
    b.append("{\"kind\":\"").append(record.kind().name()).append('"');
    b.append(",\"topic\":");
    string(b, record.topic());
    if (record.kind() == RecordKind.DEAD_LETTER) {
      b.append(",\"reason\":");
      string(b, record.reason().label());
      b.append(",\"priority\":\"").append(record.priority().name()).append('"');
      b.append(",\"event_id\":").append(Long.toUnsignedString(record.eventId()));
      b.append(",\"client_time_us\":").append(Long.toUnsignedString(record.clientTimeMicros()));
      b.append(",\"received_ms\":").append(record.timeMillis());
      payload(b, record);
    } else if (record.kind() == RecordKind.DERIVED_EVENT) {
      b.append(",\"name\":");
      string(b, record.name());
      b.append(",\"priority\":\"").append(record.priority().name()).append('"');
      b.append(",\"event_id\":").append(Long.toUnsignedString(record.eventId()));
      b.append(",\"time_ms\":").append(record.timeMillis());
      payload(b, record);
    } else if (record.kind() == RecordKind.ALERT) {
      b.append(",\"rule\":");
      string(b, record.name());
      b.append(",\"severity\":");
      string(b, record.severity());
      b.append(",\"time_ms\":").append(record.timeMillis());
      b.append(",\"event_id\":").append(Long.toUnsignedString(record.eventId()));
      b.append(",\"value\":");
      number(b, record.value());
    } else {
      b.append(",\"start_ms\":").append(record.startMillis());
      b.append(",\"end_ms\":").append(record.endMillis());
      b.append(",\"count\":").append(record.count());
      b.append(",\"payload_bytes\":").append(record.payloadBytes());
      b.append(",\"min_event_id\":").append(Long.toUnsignedString(record.minEventId()));
      b.append(",\"max_event_id\":").append(Long.toUnsignedString(record.maxEventId()));
      b.append(",\"min_payload_bytes\":").append(record.minPayloadBytes());
      b.append(",\"max_payload_bytes\":").append(record.maxPayloadBytes());
      b.append(",\"mean_payload_bytes\":").append(record.meanPayloadBytes());
      b.append(",\"first_ms\":").append(record.firstMillis());
      b.append(",\"last_ms\":").append(record.lastMillis());
      b.append(",\"aggregate_name\":");
      string(b, record.name());
      b.append(",\"aggregate_value\":");
      number(b, record.value());
    }
    return b.append('}').toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void payload(StringBuilder b, RecordView record) {
    b.append(",\"payload\":\"")
        .append(Base64.getEncoder().encodeToString(record.payloadCopy()))
        .append('"');
  }

  /**
   * The Kafka timestamp of a record: the window's end, or the time of any other; {@code nowMillis}
   * instead when that is negative, which the producer refuses on every retry, or in the future,
   * which brokers may refuse ({@code message.timestamp.after.max.ms}): an event time from a client
   * clock that is wrong, say. The JSON keeps the record's own times.
   */
  static long recordTimestamp(RecordView record, long nowMillis) {
    long time = record.kind() == RecordKind.WINDOW ? record.endMillis() : record.timeMillis();
    return time < 0 || time > nowMillis ? nowMillis : time;
  }

  /** Appends {@code value} as a JSON number, or null when it is not finite. */
  private static void number(StringBuilder b, double value) {
    if (Double.isFinite(value)) {
      b.append(value);
    } else {
      b.append("null");
    }
  }

  /** Appends {@code s} as a JSON string (RFC 8259 escapes). */
  private static void string(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (ch < 0x20) {
            b.append(String.format("\\u%04x", (int) ch));
          } else {
            b.append(ch);
          }
        }
      }
    }
    b.append('"');
  }
}
