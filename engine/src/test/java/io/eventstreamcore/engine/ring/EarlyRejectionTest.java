package io.eventstreamcore.engine.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import io.eventstreamcore.engine.config.EngineSettings;
import io.eventstreamcore.engine.event.ErrorCode;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.metrics.EngineMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A client may set the ACK bit on every Kth frame only (PROTOCOL.md). A frame rejected before its
 * first such frame got no ERROR then; the ACK that covers it must still come after one.
 */
class EarlyRejectionTest {
  private static final Duration DEADLINE = Duration.ofSeconds(10);
  private final CollectingBackend backend = new CollectingBackend("collect");
  private final EventPipeline pipeline =
      new EventPipeline(
          new EngineSettings(
              ConfigFactory.parseString("eventstream.ring.size = 64")
                  .withFallback(ConfigFactory.defaultReference())
                  .resolve()),
          new EngineMetrics(),
          InstantSource.system(),
          List.of(),
          List.of(backend));

  @AfterEach
  void stop() throws InterruptedException {
    pipeline.stop();
  }

  @Test
  void framesRejectedBeforeTheClientAskedGetTheirErrorsBeforeTheFirstAck() {
    pipeline.start();
    RecordingAckTarget connection = new RecordingAckTarget(backend::committedEvents);
    FramePublisher frames = new FramePublisher(pipeline.publisher(), connection, false, 0);

    frames.event(Priority.LOW, "orders", 1, payload());
    long bad = frames.rejected(ErrorCode.BAD_TOPIC);
    frames.askForAcks();
    long last = frames.event(Priority.LOW, "orders", 3, payload());

    await().atMost(DEADLINE).until(() -> connection.lastAck() == last);
    assertThat(connection.log()).containsExactly("error " + bad + " BAD_TOPIC", "ack " + last);
    assertThat(backend.eventIds()).containsExactly(1L, 3L);
  }

  @Test
  void aConnectionWithMoreEarlyRejectionsThanRememberedIsClosedWithoutAnAck() {
    pipeline.start();
    RecordingAckTarget connection = new RecordingAckTarget(backend::committedEvents);
    FramePublisher frames = new FramePublisher(pipeline.publisher(), connection, false, 0);

    for (int i = 0; i < 1025; i++) {
      frames.rejected(ErrorCode.BAD_TOPIC);
    }
    frames.askForAcks();
    frames.event(Priority.LOW, "orders", 1, payload());
    // Frames the connection had sent before it was closed: closed once, not once more per frame.
    long last = 0;
    for (int i = 2; i <= 100; i++) {
      last = frames.event(Priority.LOW, "orders", i, payload());
    }

    // Another connection's ACK after them: the acknowledger has passed them all.
    RecordingAckTarget other = new RecordingAckTarget(backend::committedEvents);
    long marker =
        new FramePublisher(pipeline.publisher(), other, true, 0)
            .event(Priority.LOW, "orders", 101, payload());
    await().atMost(DEADLINE).until(() -> other.lastAck() == marker);

    List<String> log = connection.log();
    assertThat(log).filteredOn(line -> line.startsWith("error ")).hasSize(1024);
    assertThat(log).noneMatch(line -> line.startsWith("ack "));
    assertThat(log).as("frames up to %d", last).filteredOn("close"::equals).hasSize(1);
  }

  private static byte[] payload() {
    return "p".getBytes(StandardCharsets.UTF_8);
  }
}
