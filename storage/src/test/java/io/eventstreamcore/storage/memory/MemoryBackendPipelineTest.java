package io.eventstreamcore.storage.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import io.eventstreamcore.engine.config.EngineSettings;
import io.eventstreamcore.engine.event.EventSlot;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.metrics.EngineMetrics;
import io.eventstreamcore.engine.ring.EventPipeline;
import io.eventstreamcore.engine.ring.RingPublisher;
import io.eventstreamcore.engine.spi.StoredEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryBackendPipelineTest {

  @Test
  void anEventLargerThanTheArenaDoesNotStallThePipeline() throws Exception {
    // No ticks: with the ring stalled they would fill it, and stop() cannot claim its flush slot
    // in a full ring (see EventPipelineTest).
    EngineSettings settings =
        new EngineSettings(
            ConfigFactory.parseString(
                    "eventstream.ring { size = 16, tick-interval = 1h, shutdown-timeout = 1s }")
                .withFallback(ConfigFactory.defaultReference())
                .resolve());
    MemoryBackend backend = new MemoryBackend("memory", 100, 64, 10);
    EventPipeline pipeline =
        new EventPipeline(
            settings, new EngineMetrics(), InstantSource.system(), List.of(), List.of(backend));
    pipeline.start();
    try {
      publish(pipeline.publisher(), 1, 10);
      publish(pipeline.publisher(), 2, 100); // larger than the 64-byte arena
      publish(pipeline.publisher(), 3, 10);

      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () -> backend.readEvents().stream().map(StoredEvent::eventId).toList().contains(3L));
      assertThat(backend.readEvents()).extracting(StoredEvent::eventId).contains(1L, 3L);
    } finally {
      pipeline.stop();
    }
  }

  private static void publish(RingPublisher ring, long eventId, int payloadBytes) {
    long sequence = ring.tryClaim();
    assertThat(sequence).isNotEqualTo(RingPublisher.NO_SLOT);
    EventSlot slot = ring.slot(sequence);
    slot.beginFrame(null, eventId, false);
    slot.received(System.currentTimeMillis(), System.nanoTime());
    slot.header(Priority.LOW, eventId, 0);
    byte[] topic = "orders".getBytes(StandardCharsets.UTF_8);
    System.arraycopy(topic, 0, slot.topicBuffer(topic.length), 0, topic.length);
    slot.payloadBuffer(payloadBytes);
    ring.publish(sequence);
  }
}
