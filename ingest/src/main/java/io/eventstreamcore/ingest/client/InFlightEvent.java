package io.eventstreamcore.ingest.client;

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
}
