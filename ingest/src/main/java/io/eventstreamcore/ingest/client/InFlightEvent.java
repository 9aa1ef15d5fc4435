package io.eventstreamcore.ingest.client;

import io.eventstreamcore.engine.event.Priority;
import java.util.Objects;

/**
 * An event in the producer's window, with where it was last written. Mutable fields are guarded by
 * the producer's lock.
 */
final class InFlightEvent {
  final ProducerEvent event;
  final byte[] topicUtf8;

  /** What keeping it costs, as the window's byte bound counts it: topic and payload. */
  final long bytes;

  /** Position in send order, for flush. */
  long sequence;

  /** Frame number on the current connection; meaningful only once written on it. */
  long frameNo;

  /** When it was handed to the current connection, for the ack timeout. */
  long writtenNanos;

  /** How many connections it was written on. */
  int writes;

  /**
   * The server answered its frame on the current connection with ERROR 6 (shutting down, not
   * handled): an ACK covering the frame does not acknowledge it, and it is resent.
   */
  boolean notHandled;

  InFlightEvent(ProducerEvent event, byte[] topicUtf8) {
    this.event = event;
    this.topicUtf8 = topicUtf8;
    this.bytes = (long) topicUtf8.length + event.payload().length;
  }

  /**
   * A send's event, checked and copied (the caller may reuse its array as soon as send returns).
   *
   * @throws IllegalArgumentException for id 0, an empty or too long topic or one with a lone
   *     surrogate, a frame above {@code maxFrameBytes}
   */
  static InFlightEvent of(
      Priority priority,
      String topic,
      long eventId,
      long clientTimeMicros,
      byte[] payload,
      long maxFrameBytes) {
    Objects.requireNonNull(priority, "priority");
    Objects.requireNonNull(payload, "payload");
    if (eventId == 0) {
      throw new IllegalArgumentException(
          "event id 0 means none: a resent event without an id could be stored twice");
    }
    byte[] topicUtf8 = StrictUtf8.topic(topic);
    long frameBytes = ProducerConnection.frameBodyBytes(topicUtf8.length, payload.length);
    if (frameBytes > maxFrameBytes) {
      throw new IllegalArgumentException(
          "frame of " + frameBytes + " bytes exceeds maxFrameBytes " + maxFrameBytes);
    }
    ProducerEvent event =
        new ProducerEvent(priority, topic, eventId, clientTimeMicros, payload.clone());
    return new InFlightEvent(event, topicUtf8);
  }
}
