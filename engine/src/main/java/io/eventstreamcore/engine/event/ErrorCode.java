package io.eventstreamcore.engine.event;

/** Why a frame was rejected: the ERROR codes of shared/PROTOCOL.md with their fixed messages. */
public enum ErrorCode {
  BAD_HEAD(1, "bad_head", "invalid priority or reserved bits set in head byte"),
  BAD_TOPIC(2, "bad_topic", "topic length is 0, exceeds the frame, or topic is not valid UTF-8"),
  FRAME_TOO_LARGE(3, "frame_too_large", "frame length exceeds the configured maximum"),
  /** Wire code 2: a topic valid by the protocol that a configured storage backend cannot hold. */
  TOPIC_NOT_STORABLE(
      2,
      "topic_not_storable",
      "topic is longer than the storage backends hold, or contains U+0000 where they cannot"),
  /** Wire code 3: a payload within the frame limit that a configured backend cannot hold. */
  PAYLOAD_NOT_STORABLE(
      3, "payload_not_storable", "payload is larger than the storage backends hold"),
  TRUNCATED_HEADER(4, "truncated_header", "extended header flag set but frame too short for it"),
  OVERLOAD(5, "overload", "rejected by overload policy"),
  SHUTTING_DOWN(6, "shutting_down", "server shutting down"),
  /**
   * Wire code 6: the server failed while classifying the frame (not the frame's fault); like a
   * frame cut off by a shutdown, it was not handled and may be sent again.
   */
  NOT_HANDLED(6, "not_handled", "server failed to handle this frame; send it again"),
  NOT_AUTHORISED(7, "not_authorised", "not authorised");

  private final int code;
  private final String label;
  private final String message;

  ErrorCode(int code, String label, String message) {
    this.code = code;
    this.label = label;
    this.message = message;
  }

  /** The u16 code sent on the wire. */
  public int code() {
    return code;
  }

  /** Stable label for the {@code reason} metric label. */
  public String label() {
    return label;
  }

  /** Human-readable reason sent in the ERROR frame. */
  public String message() {
    return message;
  }
}
