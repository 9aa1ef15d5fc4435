package io.eventstreamcore.storage.file;

/**
 * Layout of the file log: a sequence of records, each length-prefixed and checksummed; all integers
 * big-endian; {@code str} is a u16 length then UTF-8 bytes.
 *
 * <pre>
 *   +------------+--------------+------------------------------+
 *   | u32 length | u32 crc32c   | body (length bytes)          |
 *   +------------+--------------+------------------------------+
 *   crc32c covers the body only. body starts with u8 type:
 *
 *   1 EVENT : u8 priority | u8 frame priority | u64 event_id | u64 client_time_us
 *             | u64 received_ms | str topic | u32 payload_len | payload
 *   2 ALERT : u64 time_ms | u64 event_id | f64 value | str topic | str rule | str severity
 *   3 WINDOW: u64 start_ms | u64 end_ms | u64 count | u64 payload_bytes | u64 min_event_id
 *             | u64 max_event_id | str topic
 * </pre>
 *
 * A record whose length runs past the end of the file, or whose checksum does not match, marks a
 * torn tail: recovery truncates the file there.
 */
final class LogRecordDescriptor {
  static final int HEADER_BYTES = 8;
  static final byte TYPE_EVENT = 1;
  static final byte TYPE_ALERT = 2;
  static final byte TYPE_WINDOW = 3;

  /** Body bytes of an event record besides topic and payload. */
  static final int EVENT_FIXED_BYTES = 1 + 1 + 1 + 8 + 8 + 8 + 2 + 4;

  /** Upper bound of a record body, to reject a corrupt length before allocating for it. */
  static final int MAX_BODY_BYTES = 1 << 30;

  private LogRecordDescriptor() {}
}
