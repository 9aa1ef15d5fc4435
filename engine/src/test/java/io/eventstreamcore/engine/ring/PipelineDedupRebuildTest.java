package io.eventstreamcore.engine.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import io.eventstreamcore.engine.config.EngineSettings;
import io.eventstreamcore.engine.event.EventView;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.event.Route;
import io.eventstreamcore.engine.metrics.EngineMetrics;
import io.eventstreamcore.engine.record.RecordView;
import io.eventstreamcore.engine.spi.EventQuery;
import io.eventstreamcore.engine.spi.ReadableBackend;
import io.eventstreamcore.engine.spi.StoredEvent;
import io.eventstreamcore.engine.spi.StoredRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The pipeline's dedup rebuild: before start only, and what it loads makes duplicates. */
class PipelineDedupRebuildTest {
  private static final Duration DEADLINE = Duration.ofSeconds(10);
  private static final long NOW_MILLIS = 1_700_000_000_000L;

  private final EngineMetrics metrics = new EngineMetrics();
  private EventPipeline pipeline;

  @AfterEach
  void stop() throws InterruptedException {
    if (pipeline != null) {
      pipeline.stop();
    }
  }

  private static StoredEvent stored(long id, long receivedMillis) {
    return new StoredEvent(
        "orders", Priority.LOW, Route.TRANSACTIONAL, id, 0, receivedMillis, new byte[0]);
  }

  private static byte[] payload(long id) {
    return ("payload-" + id).getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void idsRebuiltFromStorageBeforeStartAreDuplicatesAndTheRebuildIsRefusedOnceStarted()
      throws Exception {
    CollectingBackend writes = new CollectingBackend("collect");
    KeptBackend kept =
        new KeptBackend(
            writes,
            List.of(
                stored(7, NOW_MILLIS - 1_000),
                stored(9, NOW_MILLIS - Duration.ofHours(2).toMillis()))); // before the 1 h window
    pipeline =
        new EventPipeline(
            new EngineSettings(
                ConfigFactory.parseString("eventstream.ring.size = 64")
                    .withFallback(ConfigFactory.defaultReference())
                    .resolve()),
            metrics,
            InstantSource.fixed(Instant.ofEpochMilli(NOW_MILLIS)),
            List.of(),
            List.of(kept));

    assertThat(pipeline.rebuildDedup().loaded()).isEqualTo(1);
    pipeline.start();
    assertThatThrownBy(pipeline::rebuildDedup).isInstanceOf(IllegalStateException.class);
    RecordingAckTarget connection = new RecordingAckTarget(writes::committedEvents);
    FramePublisher frames = new FramePublisher(pipeline.publisher(), connection, true, NOW_MILLIS);
    frames.event(Priority.LOW, "orders", 7, payload(7));
    frames.event(Priority.LOW, "orders", 9, payload(9));
    long last = frames.event(Priority.LOW, "orders", 8, payload(8));

    await().atMost(DEADLINE).until(() -> connection.lastAck() == last);
    assertThat(writes.eventIds()).containsExactly(9L, 8L);
    assertThat(metrics.eventsDuplicate().getLongValue()).isEqualTo(1);
  }

  /** A backend that kept {@code earlier} events from before a restart; writes go to a collector. */
  private record KeptBackend(CollectingBackend writes, List<StoredEvent> earlier)
      implements ReadableBackend {
    @Override
    public String name() {
      return "kept";
    }

    @Override
    public boolean keepsEventsAcrossRestarts() {
      return true;
    }

    @Override
    public List<StoredEvent> readEvents(EventQuery query) {
      return earlier.stream().filter(query::matches).toList();
    }

    @Override
    public List<StoredRecord> readRecords() {
      return List.of();
    }

    @Override
    public void append(EventView event) {
      writes.append(event);
    }

    @Override
    public void append(RecordView record) {
      writes.append(record);
    }

    @Override
    public void commit() {
      writes.commit();
    }

    @Override
    public void close() {
      writes.close();
    }
  }
}
