package io.eventstreamcore.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.record.DeadLetterReason;
import io.eventstreamcore.engine.record.RecordKind;
import io.eventstreamcore.engine.spi.ReadableBackend;
import io.eventstreamcore.engine.spi.StoredEvent;
import io.eventstreamcore.engine.spi.StoredRecord;
import io.eventstreamcore.ingest.client.EventStreamClient;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * An overload policy as an operator configures it, over TCP: a transactional handler held on its
 * first event while a producer floods the service until the ring is full, then released. Every
 * event is acknowledged and stored; each is handled or an overload dead letter, counted on
 * /metrics.
 */
class OverloadPolicyTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final int EVENTS = 3_000;

  @Test
  void dropNewestShedsWhatArrivesWhileTheProcessorIsBehindAndLosesNothing() throws Exception {
    HeldHandler.reset();
    try (EventStreamService service =
        EventStreamService.start(
            TestConfigs.withOverrides(
                "eventstream.storage.backends = [memory]\n"
                    + "eventstream.ring.size = 1024\n"
                    // drop-newest sheds between threads: the parallel topology's (the default,
                    // named so that it stays the one tested).
                    + "eventstream.ring.topology = parallel\n"
                    + "eventstream.processors.transactional {\n"
                    + "  handlers = [ { class = \"io.eventstreamcore.deploy.HeldHandler\" } ]\n"
                    + "  overload { policy = drop-newest, max-backlog = 64 }\n"
                    + "}\n"))) {
      AtomicLong lastFrame = new AtomicLong();
      try (EventStreamClient client = EventStreamClient.connect(service.ingestAddress())) {
        client.send(Priority.LOW, "orders", 1, new byte[] {1}, true);
        client.flush();
        assertThat(HeldHandler.entered.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        Thread producer =
            new Thread(
                () -> {
                  try {
                    for (long id = 2; id <= EVENTS; id++) {
                      lastFrame.set(client.send(Priority.LOW, "orders", id, new byte[] {2}, true));
                    }
                    client.flush();
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                },
                "test-producer");
        producer.start();
        await("ring full behind the held handler")
            .atMost(DEADLINE)
            .until(() -> AdminHttp.metric(service, "eventstream_ring_remaining_slots") == 0);
        HeldHandler.release.countDown();
        producer.join(DEADLINE.toMillis());
        assertThat(client.awaitAck(lastFrame.get(), DEADLINE)).isTrue();
      }

      ReadableBackend memory = (ReadableBackend) service.backend("memory");
      List<Long> all = LongStream.rangeClosed(1, EVENTS).boxed().toList();
      assertThat(memory.readEvents()).extracting(StoredEvent::eventId).isEqualTo(all);
      List<StoredRecord> dead =
          memory.readRecords().stream().filter(r -> r.kind() == RecordKind.DEAD_LETTER).toList();
      assertThat(dead).extracting(StoredRecord::reason).containsOnly(DeadLetterReason.OVERLOAD);
      // Those that waited within the bound behind the held event were handled; id 200 arrived
      // while it was still held, far behind: shed.
      assertThat(HeldHandler.SEEN).startsWith(1L, 2L, 3L);
      assertThat(dead).extracting(StoredRecord::eventId).contains(200L).doesNotContain(1L, 2L);
      Set<Long> handledOrDead = new HashSet<>(HeldHandler.SEEN);
      dead.forEach(r -> handledOrDead.add(r.eventId()));
      assertThat(HeldHandler.SEEN.size() + dead.size()).isEqualTo(EVENTS);
      assertThat(handledOrDead).containsExactlyInAnyOrderElementsOf(all);
      assertThat(
              AdminHttp.metric(
                  service, "eventstream_overload_shed_total{processor=\"transactional\"}"))
          .isEqualTo(dead.size());
      assertThat(AdminHttp.metric(service, "eventstream_dead_letters_total{reason=\"overload\"}"))
          .isEqualTo(dead.size());
    }
  }
}
