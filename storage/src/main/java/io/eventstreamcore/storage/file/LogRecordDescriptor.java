package io.eventstreamcore.storage.file;

/**
 * Layout of the file log.
 *
 * <p>The log is a directory of segment files, each named by the offset of its first record as 20
 * decimal digits ({@code 00000000000000000000.log}); offsets number the records (events, alerts,
 * window summaries, dead letters, derived events) from 0, across segments. A segment is a sequence
 * of frames; the writer rolls to a new segment once the active one reaches {@code segment-bytes}.
 * Integers in the frame header are little-endian (as Chronicle Wire, which only runs on
 * little-endian platforms).
 *
 * <pre>
 *   +------------+--------------+-------------------------------------------+
 *   | u32 length | u32 crc32c   | body: Chronicle Wire binary (length bytes)|
 *   +------------+--------------+-------------------------------------------+
 *   crc32c covers the body only. The body is a sequence of named fields:
 *
 *   kind: event  | priority | framePriority | eventId | clientTimeMicros | receivedMillis
 *                | topic | payload (bytes)
 *   kind: alert  | timeMillis | eventId | value | topic | rule | severity
 *   kind: window | startMillis | endMillis | count | payloadBytes | minEventId | maxEventId
 *                | topic | minPayloadBytes | maxPayloadBytes | firstMillis | lastMillis
 *                | aggregate | aggregateValue
 *   kind: dead_letter | reason | priority | eventId | clientTimeMicros | receivedMillis | topic
 *                | payload (bytes)
 *   kind: derived | name | priority | eventId | timeMillis | topic | payload (bytes)
 * </pre>
 *
 * Priorities are written by name. A window's fields from {@code minPayloadBytes} on came later: a
 * window frame of an older log ends at {@code topic} and reads back with them 0 (aggregate ""). A
 * {@code derived} frame (a handler's derived event) is new: older logs hold none, and read as
 * before. Being Chronicle Wire, a body renders as YAML without a schema ({@link FileLogDump}). A
 * frame whose length runs past the end of its segment, or whose checksum does not match, marks a
 * torn tail: recovery truncates the last segment there.
 */
final class LogRecordDescriptor {
  static final int HEADER_BYTES = 8;
  static final int LENGTH_OFFSET = 0;
  static final int CRC_OFFSET = 4;

  /** Upper bound of a record body, to reject a corrupt length before allocating for it. */
  static final int MAX_BODY_BYTES = 1 << 30;

  static final String SEGMENT_SUFFIX = ".log";
  static final int SEGMENT_NAME_DIGITS = 20;
  static final String LOCK_NAME = "events.lock";

  static final String KIND = "kind";
  static final String EVENT = "event";
  static final String ALERT = "alert";
  static final String WINDOW = "window";
  static final String DEAD_LETTER = "dead_letter";
  static final String DERIVED = "derived";

  static final String PRIORITY = "priority";
  static final String FRAME_PRIORITY = "framePriority";
  static final String EVENT_ID = "eventId";
  static final String CLIENT_TIME_MICROS = "clientTimeMicros";
  static final String RECEIVED_MILLIS = "receivedMillis";
  static final String TOPIC = "topic";
  static final String PAYLOAD = "payload";
  static final String TIME_MILLIS = "timeMillis";
  static final String VALUE = "value";
  static final String RULE = "rule";
  static final String SEVERITY = "severity";
  static final String START_MILLIS = "startMillis";
  static final String END_MILLIS = "endMillis";
  static final String COUNT = "count";
  static final String PAYLOAD_BYTES = "payloadBytes";
  static final String MIN_EVENT_ID = "minEventId";
  static final String MAX_EVENT_ID = "maxEventId";
  static final String REASON = "reason";
  static final String MIN_PAYLOAD_BYTES = "minPayloadBytes";
  static final String MAX_PAYLOAD_BYTES = "maxPayloadBytes";
  static final String FIRST_MILLIS = "firstMillis";
  static final String LAST_MILLIS = "lastMillis";
  static final String AGGREGATE = "aggregate";
  static final String AGGREGATE_VALUE = "aggregateValue";
  static final String NAME = "name";

  private LogRecordDescriptor() {}
}
