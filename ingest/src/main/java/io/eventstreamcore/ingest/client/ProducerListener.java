package io.eventstreamcore.ingest.client;

import java.net.InetSocketAddress;

/**
 * What an {@link EventStreamProducer} reports besides acknowledgements. Called on the producer's
 * I/O thread, one call at a time: return quickly, and never call {@code send}, {@code flush} or
 * {@code close} of the same producer from here (the I/O thread is the one that frees the window, so
 * a blocking send would wait for itself). An exception thrown here is ignored.
 */
public interface ProducerListener {
  /** A listener that ignores everything. */
  ProducerListener NONE = new ProducerListener() {};

  /**
   * The server rejected {@code event} with an ERROR frame (codes in shared/PROTOCOL.md, e.g. 3
   * frame too large). The rejection is final: the producer forgets the event and never resends it.
   * Code 6 (server shutting down) is not a rejection: the event stays unacknowledged and is resent
   * on the next connection, and the ERROR is reported through {@link #serverError}.
   */
  default void rejected(ProducerEvent event, int code, String message) {}

  /** An ERROR frame that names no frame of ours (frame_no 0, or one we do not know). */
  default void serverError(long frameNo, int code, String message) {}

  /** A connection attempt failed (refused, timed out, unknown host); the next follows a backoff. */
  default void connectFailed(Exception cause) {}

  /** A connection was established; unacknowledged events are resent on it first. */
  default void connected(InetSocketAddress server) {}

  /** The connection was lost or dropped (reset, closed by the server, ack timeout). */
  default void disconnected(Exception cause) {}
}
