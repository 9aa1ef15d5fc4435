package io.eventstreamcore.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eventstreamcore.engine.config.EngineSettings;
import io.eventstreamcore.engine.event.ErrorCode;
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
import java.io.IOException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * At stop, every client that asked for acks gets ERROR 6 (frame 0) after its last ACK: frames it
 * sent after that ACK were not handled, whether they were stuck in the ring or never read.
 */
class ShutdownNoticeTest {
  private static final Duration DEADLINE = Duration.ofSeconds(20);

  /** Stores nothing while down: every append fails and is retried. */
  private static final class SwitchableBackend implements StorageBackend {
    volatile boolean down;

    @Override
    public String name() {
      return "switchable";
    }

    @Override
    public void append(EventView event) throws IOException {
      if (down) {
        throw new IOException("down");
      }
    }

    @Override
    public void append(RecordView record) {}

    @Override
    public void commit() {}

    @Override
    public void close() {}
  }

  private record Running(EventPipeline pipeline, IngestServer server, SwitchableBackend backend) {
    void stop() throws InterruptedException {
      server.stopReading();
      pipeline.stop();
      server.close();
    }
  }

  private static Running start() throws InterruptedException {
    var config =
        TestConfigs.withOverrides(
            "eventstream.ring.size = 16\neventstream.ring.shutdown-timeout = 300ms");
    EngineMetrics metrics = new EngineMetrics();
    SwitchableBackend backend = new SwitchableBackend();
    EventPipeline pipeline =
        new EventPipeline(
            new EngineSettings(config),
            metrics,
            InstantSource.system(),
            List.of(),
            List.of(backend));
    pipeline.start();
    return new Running(
        pipeline,
        new IngestServer(new IngestSettings(config), EventLimits.PROTOCOL, pipeline, metrics),
        backend);
  }

  @Test
  void framesLeftUnhandledAtStopGetErrorSixAfterTheLastAck() throws Exception {
    Running running = start();
    try (EventStreamClient client = EventStreamClient.connect(running.server().start())) {
      client.send(Priority.LOW, "orders", 1, new byte[] {1}, true);
      client.flush();
      assertThat(client.awaitAck(1, DEADLINE)).isTrue();

      running.backend().down = true;
      for (int i = 2; i <= 50; i++) {
        client.send(Priority.LOW, "orders", i, new byte[] {1}, true);
      }
      client.flush();
      running.stop();

      await().atMost(DEADLINE).until(client::connectionClosed);
      assertThat(client.lastAck()).isEqualTo(1);
      assertThat(client.errors())
          .singleElement()
          .satisfies(
              error -> {
                assertThat(error.code()).isEqualTo(ErrorCode.SHUTTING_DOWN.code());
                assertThat(error.frameNo()).isZero();
              });
    } finally {
      running.backend().down = false;
      running.stop();
    }
  }

  @Test
  void aClientWithEverythingAcknowledgedIsToldTooAfterItsLastAck() throws Exception {
    Running running = start();
    try (EventStreamClient client = EventStreamClient.connect(running.server().start())) {
      for (int i = 1; i <= 10; i++) {
        client.send(Priority.LOW, "orders", i, new byte[] {1}, true);
      }
      client.flush();
      assertThat(client.awaitAck(10, DEADLINE)).isTrue();

      running.stop();

      await().atMost(DEADLINE).until(client::connectionClosed);
      assertThat(client.lastAck()).isEqualTo(10);
      assertThat(client.errors())
          .singleElement()
          .satisfies(error -> assertThat(error.code()).isEqualTo(ErrorCode.SHUTTING_DOWN.code()));
    }
  }
}
