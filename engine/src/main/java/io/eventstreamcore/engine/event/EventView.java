package io.eventstreamcore.engine.event;

import java.nio.ByteBuffer;

/**
 * Read-only view of one event in the ring, as processors and storage backends see it.
 *
 * <p>A view is only valid during the call it was passed to: the slot behind it is reused once the
 * ring wraps. Copy what must outlive the call.
 */
public interface EventView {
  /** Effective priority, after the topic table. */
  Priority priority();

  /** Priority the client sent. */
  Priority framePriority();

  /** The processor this event is routed to. */
  Route route();

  /**
   * Topic as processors see it; interned per topic, so this does not allocate. Beyond {@code
   * topics.max} distinct topics, further topics all read {@code _overflow} here.
   */
  String topic();

  /**
   * Topic as the client sent it, which storage keeps: {@link #topic()}, except for a topic that
   * shares {@code _overflow}, whose own name is then decoded anew at each call.
   */
  String sentTopic();

  /** Small integer naming the topic for this run of the service (see the topic index). */
  int topicId();

  /** Length of the topic in UTF-8 bytes. */
  int topicLength();

  /** Writes the topic's UTF-8 bytes into {@code target} at its position. */
  void writeTopic(ByteBuffer target);

  /** Client-assigned idempotency key, 0 when none. */
  long eventId();

  /** Client timestamp in microseconds since the epoch, 0 when none. */
  long clientTimeMicros();

  /** Wall-clock time the frame was read, in milliseconds since the epoch. */
  long receivedMillis();

  /** {@link System#nanoTime()} when the frame was read; for latency only. */
  long receivedNanos();

  /** Payload length in bytes. */
  int payloadLength();

  /** One payload byte. */
  byte payloadByte(int index);

  /** Writes the payload into {@code target} at its position. */
  void writePayload(ByteBuffer target);

  /** Copies {@code length} payload bytes from {@code offset} into {@code target}. */
  void copyPayload(int offset, byte[] target, int targetOffset, int length);
}
