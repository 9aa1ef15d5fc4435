package io.eventstreamcore.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.ingest.client.EventStreamClient;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What an operator sees on /metrics when a stage stops returning: slots in use and none released
 * (the shipped EventStreamPipelineStalled alert), then every slot released once it returns.
 */
class RingProgressMetricTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final String RELEASED = "eventstream_ring_slots_released_total";
  private static final String REMAINING = "eventstream_ring_remaining_slots";
  private static final int RING = 1024;
  private static final int EVENTS = 5;

  @Test
  void releasedSlotsStayFlatBehindAHeldHandlerAndCountEveryFrameOnceItReturns() throws Exception {
    HeldHandler.reset();
    try (EventStreamService service =
            EventStreamService.start(
                TestConfigs.withOverrides(
                    "eventstream.storage.backends = [memory]\n"
                        + "eventstream.ring.size = "
                        + RING
                        + "\n"
                        // Not auto: with parallel (4 cores or more) the writers and the
                        // acknowledger could still be releasing older slots when first read.
                        + "eventstream.ring.topology = split\n"
                        + "eventstream.processors.transactional.handlers ="
                        + " [ { class = \"io.eventstreamcore.deploy.HeldHandler\" } ]\n"));
        EventStreamClient client = EventStreamClient.connect(service.ingestAddress())) {
      client.send(Priority.LOW, "orders", 1, new byte[] {1}, true);
      client.flush();
      assertThat(HeldHandler.entered.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
      // Everything before the held event has been released (ticks, say); nothing after it can be.
      double before = AdminHttp.metric(service, RELEASED);
      long last = 0;
      for (long id = 2; id <= EVENTS; id++) {
        last = client.send(Priority.LOW, "orders", id, new byte[] {2}, true);
      }
      client.flush();
      await("the held event and the ones behind it in the ring")
          .atMost(DEADLINE)
          .until(() -> AdminHttp.metric(service, REMAINING) <= RING - EVENTS);
      assertThat(AdminHttp.metric(service, RELEASED)).isEqualTo(before);

      HeldHandler.release.countDown();
      assertThat(client.awaitAck(last, DEADLINE)).isTrue();
      await("every slot released")
          .atMost(DEADLINE)
          .until(() -> AdminHttp.metric(service, REMAINING) == RING);
      assertThat(AdminHttp.metric(service, RELEASED)).isGreaterThanOrEqualTo(before + EVENTS);
    }
  }
}
