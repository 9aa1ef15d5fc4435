package io.eventstreamcore.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventstreamcore.engine.config.EngineSettings;
import io.eventstreamcore.engine.event.EventLimits;
import io.eventstreamcore.engine.event.EventView;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.metrics.EngineMetrics;
import io.eventstreamcore.engine.record.RecordView;
import io.eventstreamcore.engine.ring.EventPipeline;
import io.eventstreamcore.engine.spi.StorageBackend;
import io.eventstreamcore.ingest.client.EventStreamClient;
import io.eventstreamcore.ingest.server.IngestServer;
import io.eventstreamcore.ingest.server.IngestSettings;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * With a tiny ring and a deliberately slow storage writer, a fast producer is slowed down (the
 * connection stops being read) and still every event arrives, in order.
 */
class BackpressureTest {
  private static final int EVENTS = 5_000;

  /** Takes about 50 microseconds per event: far slower than the producer. */
  private static final class SlowBackend implements StorageBackend {
    final List<Integer> sequence = Collections.synchronizedList(new ArrayList<>());

    @Override
    public String name() {
      return "slow";
    }

    @Override
    public void append(EventView event) {
      byte[] payload = new byte[4];
      event.copyPayload(0, payload, 0, 4);
      sequence.add(ByteBuffer.wrap(payload).getInt());
      LockSupport.parkNanos(50_000); // simulated slow disk, not synchronisation
    }

    @Override
    public void append(RecordView record) {}

    @Override
    public void commit() {}

    @Override
    public void close() {}
  }

  @Test
  void fullRingSlowsTheProducerAndLosesNothing() throws Exception {
    var config = TestConfigs.withOverrides("eventstream.ring.size = 16");
    EngineMetrics metrics = new EngineMetrics();
    SlowBackend slow = new SlowBackend();
    EventPipeline pipeline =
        new EventPipeline(
            new EngineSettings(config), metrics, InstantSource.system(), List.of(), List.of(slow));
    pipeline.start();
    IngestServer server =
        new IngestServer(new IngestSettings(config), EventLimits.PROTOCOL, pipeline, metrics);
    try {
      try (EventStreamClient client = EventStreamClient.connect(server.start())) {
        for (int i = 0; i < EVENTS; i++) {
          byte[] payload = ByteBuffer.allocate(4).putInt(i).array();
          client.send(Priority.LOW, "orders", i + 1, payload, i == EVENTS - 1);
        }
        client.flush();
        assertThat(client.awaitAck(EVENTS, Duration.ofSeconds(60))).isTrue();
      }
      assertThat(metrics.backpressurePauses().get())
          .as("the connection stopped being read while the ring was full")
          .isPositive();
      assertThat(slow.sequence).hasSize(EVENTS);
      for (int i = 0; i < EVENTS; i++) {
        assertThat(slow.sequence.get(i)).isEqualTo(i);
      }
    } finally {
      server.stopReading();
      pipeline.stop();
      server.close();
    }
  }
}
