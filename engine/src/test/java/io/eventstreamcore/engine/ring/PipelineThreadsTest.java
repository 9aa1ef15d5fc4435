package io.eventstreamcore.engine.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import io.eventstreamcore.engine.config.EngineSettings;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.metrics.EngineMetrics;
import io.eventstreamcore.engine.spi.StorageBackend;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Which threads each ring topology runs, with one storage backend and with two. */
class PipelineThreadsTest {
  private static final Duration DEADLINE = Duration.ofSeconds(10);
  private static final long NOW_MILLIS = 1_700_000_000_000L;

  private EventPipeline pipeline;

  @AfterEach
  void stop() throws InterruptedException {
    pipeline.stop();
    await("stage threads to end").atMost(DEADLINE).until(() -> EngineThreads.live().isEmpty());
  }

  @ParameterizedTest
  @EnumSource(
      value = RingTopology.class,
      names = {"PARALLEL", "COMPACT"})
  void oneBackendsWriterSharesItsThreadWithTheAcknowledger(RingTopology topology) throws Exception {
    start(topology, topology, new CollectingBackend("collect"));
    List<String> expected = new ArrayList<>(processingThreads(topology));
    expected.addAll(List.of("eventstream-store-collect", "eventstream-ticker"));
    awaitThreads(expected);
  }

  /**
   * Single runs every stage on one thread; split classify with realtime on one, the other
   * processors with the writer and the acknowledger on another. Both carry events to their ACKs.
   */
  @ParameterizedTest
  @EnumSource(
      value = RingTopology.class,
      names = {"SINGLE", "SPLIT"})
  void oneBackendsWriterAndTheAcknowledgerShareTheLastProcessingThread(RingTopology topology)
      throws Exception {
    CollectingBackend backend = new CollectingBackend("collect");
    start(topology, topology, backend);
    List<String> expected =
        new ArrayList<>(
            topology == RingTopology.SINGLE
                ? List.of("eventstream-pipeline")
                : List.of("eventstream-classify-realtime", "eventstream-processors-store"));
    expected.add("eventstream-ticker");
    awaitThreads(expected);

    RecordingAckTarget connection = new RecordingAckTarget(backend::committedEvents);
    FramePublisher frames = new FramePublisher(pipeline.publisher(), connection, true, NOW_MILLIS);
    for (long id = 1; id <= 100; id++) {
      Priority priority = Priority.values()[(int) (id % Priority.values().length)];
      frames.event(priority, "orders", id, ("payload-" + id).getBytes(StandardCharsets.UTF_8));
    }
    await().atMost(DEADLINE).until(() -> connection.lastAck() == 100);
    assertThat(backend.eventIds()).hasSize(100);
  }

  /**
   * Single needs one backend's writer on its thread: with several it runs as compact. Split keeps
   * its two processing threads and the writers and acknowledger get theirs.
   */
  @ParameterizedTest
  @EnumSource(
      value = RingTopology.class,
      names = {"PARALLEL", "COMPACT", "SINGLE", "SPLIT"})
  void severalBackendsHaveAWriterThreadEachAndTheAcknowledgerOneMore(RingTopology configured)
      throws Exception {
    CollectingBackend first = new CollectingBackend("first");
    CollectingBackend second = new CollectingBackend("second");
    RingTopology topology = configured == RingTopology.SINGLE ? RingTopology.COMPACT : configured;
    start(configured, topology, first, second);
    List<String> expected = new ArrayList<>(processingThreads(topology));
    expected.addAll(
        List.of(
            "eventstream-store-first",
            "eventstream-store-second",
            "eventstream-ack",
            "eventstream-ticker"));
    awaitThreads(expected);

    RecordingAckTarget connection = new RecordingAckTarget(second::committedEvents);
    FramePublisher frames = new FramePublisher(pipeline.publisher(), connection, false, NOW_MILLIS);
    for (long id = 1; id <= 100; id++) {
      frames.event(
          Priority.MEDIUM, "orders", id, ("payload-" + id).getBytes(StandardCharsets.UTF_8));
    }
    await()
        .atMost(DEADLINE)
        .until(() -> first.eventIds().size() == 100 && second.eventIds().size() == 100);
    assertThat(first.eventIds()).containsExactlyElementsOf(second.eventIds());
  }

  /** Stage threads take their names when they start running. */
  private static void awaitThreads(List<String> expected) {
    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () -> assertThat(EngineThreads.live()).containsExactlyInAnyOrderElementsOf(expected));
  }

  private void start(RingTopology configured, RingTopology runs, StorageBackend... backends) {
    EngineSettings settings =
        new EngineSettings(
            ConfigFactory.parseString(
                    "eventstream.ring.size=64\n"
                        + "eventstream.ring.topology="
                        + configured.configName()
                        + "\n"
                        + "eventstream.ring.record-queue-size=16\n"
                        + "eventstream.dedup.max-keys=4096\n")
                .withFallback(ConfigFactory.defaultReference())
                .resolve());
    pipeline =
        new EventPipeline(
            settings,
            new EngineMetrics(),
            InstantSource.fixed(Instant.ofEpochMilli(NOW_MILLIS)),
            List.of(),
            List.of(backends));
    pipeline.start();
    assertThat(pipeline.topology()).isEqualTo(runs);
  }

  private static List<String> processingThreads(RingTopology topology) {
    if (topology == RingTopology.SPLIT) {
      return List.of("eventstream-classify-realtime", "eventstream-processors");
    }
    return topology == RingTopology.COMPACT
        ? List.of("eventstream-route")
        : List.of(
            "eventstream-classify",
            "eventstream-realtime",
            "eventstream-transactional",
            "eventstream-batch");
  }
}
