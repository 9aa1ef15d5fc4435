package io.eventstreamcore.bench.jmh;

import io.eventstreamcore.engine.event.EventSlot;
import io.eventstreamcore.engine.event.Priority;
import java.nio.charset.StandardCharsets;

/** Ring slots filled and classified as the pipeline would hand them to a processor handler. */
final class BenchEvents {
  private BenchEvents() {}

  /** A HIGH event on {@code topic} (topic id 7) with {@code payload}, received now. */
  static EventSlot classified(String topic, byte[] payload) {
    EventSlot event = new EventSlot(payload.length);
    event.beginFrame(null, 1, false);
    event.header(Priority.HIGH, 1, 0);
    byte[] topicBytes = topic.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(topicBytes, 0, event.topicBuffer(topicBytes.length), 0, topicBytes.length);
    System.arraycopy(payload, 0, event.payloadBuffer(payload.length), 0, payload.length);
    event.received(System.currentTimeMillis(), System.nanoTime());
    event.classify(topic, 7, Priority.HIGH, false);
    return event;
  }
}
