package io.eventstreamcore.engine.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.typesafe.config.ConfigFactory;
import io.eventstreamcore.engine.config.EngineSettings;
import io.eventstreamcore.engine.event.EventView;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.metrics.EngineMetrics;
import io.eventstreamcore.engine.record.RecordView;
import io.eventstreamcore.engine.spi.StorageBackend;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A storage writer that meets an error it cannot retry stops for good: the pipeline says so to
 * whoever listens (serve then exits, for a supervisor to restart the service), and acknowledges
 * nothing more.
 */
class FatalStageTest {
  /** A backend whose commit throws an Error, as running out of memory would. */
  private static final class BrokenBackend implements StorageBackend {
    @Override
    public String name() {
      return "broken";
    }

    @Override
    public void append(EventView event) {}

    @Override
    public void append(RecordView record) {}

    @Override
    public void commit() {
      throw new OutOfMemoryError("test: the writer cannot go on");
    }

    @Override
    public void close() {}
  }

  @ParameterizedTest
  @EnumSource(
      value = RingTopology.class,
      names = {"PARALLEL", "SPLIT", "SINGLE"})
  void aWriterErrorFailsThePipelineAndTellsItsListener(RingTopology topology) throws Exception {
    EventPipeline pipeline =
        new EventPipeline(
            new EngineSettings(
                ConfigFactory.parseString(
                        "eventstream.ring.size = 64\neventstream.ring.shutdown-timeout = 1h\n"
                            + "eventstream.ring.topology = "
                            + topology.configName())
                    .withFallback(ConfigFactory.defaultReference())
                    .resolve()),
            new EngineMetrics(),
            InstantSource.system(),
            List.of(),
            List.of(new BrokenBackend()));
    CountDownLatch told = new CountDownLatch(1);
    pipeline.onFailure(told::countDown);
    pipeline.start();
    RecordingAckTarget connection = new RecordingAckTarget(() -> 0);
    new FramePublisher(pipeline.publisher(), connection, true, 0)
        .event(Priority.LOW, "orders", 1, "p".getBytes(StandardCharsets.UTF_8));
    boolean toldInTime = told.await(10, TimeUnit.SECONDS);

    // With an hour to drain, it does not wait for a drain that cannot come.
    assertTimeoutPreemptively(Duration.ofMinutes(1), pipeline::stop);
    assertThat(toldInTime).as("listener told").isTrue();
    assertThat(pipeline.failed()).isTrue();
    assertThat(connection.log()).noneMatch(line -> line.startsWith("ack "));
  }
}
