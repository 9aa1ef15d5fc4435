package io.eventstreamcore.engine.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import io.eventstreamcore.engine.config.EngineSettings;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.metrics.EngineMetrics;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A stop whose deadline passes while a storage writer is still inside a call: the backend is not
 * closed under it. (Once per topology would only repeat its 5 s wait: the stop is the same.)
 */
class StopPastTheDeadlineTest {
  private static final Duration DEADLINE = Duration.ofSeconds(10);
  private static final long NOW_MILLIS = 1_700_000_000_000L;

  @Test
  void aWriterStillInsideACommitAfterTheDeadlineKeepsItsBackendOpen() throws Exception {
    CountDownLatch inCommit = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean closedDuringCommit = new AtomicBoolean();
    AtomicBoolean committing = new AtomicBoolean();
    CollectingBackend stored =
        new CollectingBackend("slow") {
          @Override
          public void commit() {
            committing.set(true);
            inCommit.countDown();
            try {
              release.await(); // a database far slower than the stop's deadline
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            super.commit();
            committing.set(false);
          }

          @Override
          public void close() {
            // A session shared with a commit in progress: that commit could then report rows as
            // kept that the close's own commit had rolled back (an SQL backend's token check).
            closedDuringCommit.compareAndSet(false, committing.get());
            super.close();
          }
        };
    EventPipeline pipeline =
        new EventPipeline(
            new EngineSettings(
                ConfigFactory.parseString(
                        "eventstream.ring { size = 64, shutdown-timeout = 200ms }\n"
                            + "eventstream.dedup.max-keys = 4096")
                    .withFallback(ConfigFactory.defaultReference())
                    .resolve()),
            new EngineMetrics(),
            InstantSource.fixed(Instant.ofEpochMilli(NOW_MILLIS)),
            List.of(),
            List.of(stored));
    pipeline.start();
    RecordingAckTarget connection = new RecordingAckTarget(stored::committedEvents);
    FramePublisher frames = new FramePublisher(pipeline.publisher(), connection, true, NOW_MILLIS);
    frames.event(Priority.LOW, "orders", 1, new byte[] {1});
    assertThat(inCommit.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
    try {
      pipeline.stop(); // waits out the deadline and 5 s for the writer, which does not end
      assertThat(pipeline.state()).isEqualTo(EventPipeline.State.STOPPED);
      assertThat(closedDuringCommit.get()).as("closed under the writer's commit").isFalse();
    } finally {
      release.countDown();
    }
    await("stage threads to end").atMost(DEADLINE).until(() -> EngineThreads.live().isEmpty());
  }
}
