package io.eventstreamcore.engine.ring;

import io.eventstreamcore.engine.event.AckTarget;
import io.eventstreamcore.engine.event.ErrorCode;
import io.eventstreamcore.engine.event.EventSlot;
import io.eventstreamcore.engine.event.Priority;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Publishes frames of one test connection into a ring the way the ingest decoder does: claim, fill
 * the slot in place, publish. Frames are numbered from 1. Waits (bounded) while the ring is full.
 */
final class FramePublisher {
  private static final long CLAIM_TIMEOUT_NANOS = Duration.ofSeconds(10).toNanos();

  private final RingPublisher ring;
  private final AckTarget source;
  private boolean acksRequested;
  private final long receivedMillis;
  private long frameNo;

  FramePublisher(RingPublisher ring, AckTarget source, boolean acksRequested, long receivedMillis) {
    this.ring = ring;
    this.source = source;
    this.acksRequested = acksRequested;
    this.receivedMillis = receivedMillis;
  }

  /** From the next frame on, frames ask for acks, as a client's first with the ACK bit does. */
  void askForAcks() {
    acksRequested = true;
  }

  /** Publishes one event frame and returns its frame number. */
  long event(Priority priority, String topic, long eventId, byte[] payload) {
    return event(priority, topic, eventId, payload, 0);
  }

  /**
   * Publishes one event frame whose payload is beyond the slots' retained size, reserved as the
   * ingest decoder reserves it, and returns its frame number.
   */
  long largeEvent(Priority priority, String topic, long eventId, byte[] payload) {
    if (!ring.isLarge(payload.length) || !ring.tryReserveLarge(payload.length)) {
      throw new AssertionError("not a large payload, or no room for it: " + payload.length);
    }
    return event(priority, topic, eventId, payload, payload.length);
  }

  private long event(
      Priority priority, String topic, long eventId, byte[] payload, long largeReservation) {
    long sequence = claim();
    EventSlot slot = ring.slot(sequence);
    slot.beginFrame(source, ++frameNo, acksRequested);
    slot.received(receivedMillis, System.nanoTime());
    slot.header(priority, eventId, eventId * 10);
    byte[] topicBytes = topic.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(topicBytes, 0, slot.topicBuffer(topicBytes.length), 0, topicBytes.length);
    System.arraycopy(payload, 0, slot.payloadBuffer(payload.length), 0, payload.length);
    slot.largeReservation(largeReservation);
    ring.publish(sequence);
    return frameNo;
  }

  /** Publishes a rejected frame and returns its frame number. */
  long rejected(ErrorCode code) {
    long sequence = claim();
    EventSlot slot = ring.slot(sequence);
    slot.beginFrame(source, ++frameNo, acksRequested);
    slot.received(receivedMillis, System.nanoTime());
    slot.reject(code, false);
    ring.publish(sequence);
    return frameNo;
  }

  private long claim() {
    long deadline = System.nanoTime() + CLAIM_TIMEOUT_NANOS;
    long sequence;
    while ((sequence = ring.tryClaim()) == RingPublisher.NO_SLOT) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("ring stayed full for 10 s: the pipeline is stalled");
      }
      Thread.yield(); // let the stage threads free slots (2 cores)
    }
    return sequence;
  }
}
