package io.eventstreamcore.ingest.codec;

/**
 * Layout of the wire protocol (shared/PROTOCOL.md); all integers big-endian.
 *
 * <pre>
 * Client to server, event frame:
 *   0       4      5           7                 7+T          7+T+8           7+T+16
 *   +-------+------+-----------+-----------------+-------------+---------------+---------+
 *   |length | head | topic_len | topic (T bytes) | event_id    | client_time_us| payload |
 *   | u32   | u8   | u16       | UTF-8           | u64 (ext)   | u64 (ext)     | rest    |
 *   +-------+------+-----------+-----------------+-------------+---------------+---------+
 *   head: bits 0-2 priority (0..4), bits 3-5 reserved (0), bit 6 ACK requested,
 *         bit 7 extended header (event_id and client_time_us) present.
 *   length 0 is a keep-alive.
 *
 * Server to client:
 *   ACK:   u32 length=9 | u8 0x01 | u64 frame_no
 *   ERROR: u32 length   | u8 0x02 | u64 frame_no | u16 code | u16 msg_len | msg (UTF-8)
 * </pre>
 */
public final class FrameDescriptor {
  /** Bytes of the length prefix. */
  public static final int LENGTH_FIELD_BYTES = 4;

  /** Mask of the priority bits in the head byte. */
  public static final int PRIORITY_MASK = 0x07;

  /** Mask of the reserved bits in the head byte, which must be 0. */
  public static final int RESERVED_MASK = 0x38;

  /** Head bit: the client asks for acknowledgements. */
  public static final int ACK_FLAG = 0x40;

  /** Head bit: event_id and client_time_us follow the topic. */
  public static final int EXTENDED_FLAG = 0x80;

  /** Bytes of head plus topic_len. */
  public static final int FIXED_HEADER_BYTES = 3;

  /** Bytes of the extended header. */
  public static final int EXTENDED_HEADER_BYTES = 16;

  /** Server frame type: acknowledgement. */
  public static final int TYPE_ACK = 0x01;

  /** Server frame type: error. */
  public static final int TYPE_ERROR = 0x02;

  /** Body bytes of an ACK frame: type and frame_no. */
  public static final int ACK_BODY_BYTES = 9;

  /** Body bytes of an ERROR frame before its message: type, frame_no, code, msg_len. */
  public static final int ERROR_FIXED_BODY_BYTES = 13;

  private FrameDescriptor() {}
}
