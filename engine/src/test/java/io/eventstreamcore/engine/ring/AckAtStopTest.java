package io.eventstreamcore.engine.ring;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.eventstreamcore.engine.config.EngineSettings;
import io.eventstreamcore.engine.event.AckTarget;
import io.eventstreamcore.engine.event.ErrorCode;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.metrics.EngineMetrics;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * At stop, an ACK that a connection could not take at the last batch (its client not reading for a
 * moment) still goes out once it can: no tick retries it any more.
 */
class AckAtStopTest {

  /** Refuses every ACK until a moment, as a connection whose client reads late. */
  private static final class LateReader extends AckTarget {
    private final AtomicInteger refusalsLeft;
    private final AtomicInteger refused = new AtomicInteger();
    private volatile long lastAck;

    LateReader(int refusals) {
      this.refusalsLeft = new AtomicInteger(refusals);
    }

    @Override
    public boolean sendAck(long frameNo) {
      if (refusalsLeft.getAndDecrement() > 0) {
        refused.incrementAndGet();
        return false;
      }
      lastAck = frameNo;
      return true;
    }

    @Override
    public void sendError(long frameNo, ErrorCode code) {}

    @Override
    public void closeAfterFlush() {}
  }

  @ParameterizedTest
  @EnumSource(RingTopology.class)
  void anAckRefusedAtTheLastBatchIsSentOnceTheConnectionTakesIt(RingTopology topology)
      throws Exception {
    CollectingBackend backend = new CollectingBackend("collect");
    EventPipeline pipeline =
        new EventPipeline(
            new EngineSettings(
                ConfigFactory.parseString(
                        "eventstream.ring.size = 64\n"
                            + "eventstream.ring.topology = "
                            + topology.configName()
                            + "\n"
                            // No tick retries the ACK before the stop.
                            + "eventstream.ring.tick-interval = 1h\n"
                            + "eventstream.topics.max = 4\n")
                    .withFallback(ConfigFactory.defaultReference())
                    .resolve()),
            new EngineMetrics(),
            InstantSource.system(),
            List.of(),
            List.of(backend));
    pipeline.start();
    LateReader connection = new LateReader(3);
    FramePublisher frames = new FramePublisher(pipeline.publisher(), connection, true, 0);

    long last = frames.event(Priority.LOW, "orders", 1, "p".getBytes(StandardCharsets.UTF_8));
    pipeline.stop();

    assertThat(backend.eventIds()).containsExactly(1L);
    assertThat(connection.refused.get()).isEqualTo(3); // the last batch's ACK, and two retries
    assertThat(connection.lastAck).isEqualTo(last);
  }
}
