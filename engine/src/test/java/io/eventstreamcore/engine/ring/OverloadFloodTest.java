package io.eventstreamcore.engine.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import io.eventstreamcore.engine.config.EngineSettings;
import io.eventstreamcore.engine.event.EventView;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.event.Route;
import io.eventstreamcore.engine.metrics.EngineMetrics;
import io.eventstreamcore.engine.record.DeadLetterReason;
import io.eventstreamcore.engine.record.RecordKind;
import io.eventstreamcore.engine.spi.ProcessorBinding;
import io.eventstreamcore.engine.spi.ProcessorHandler;
import io.eventstreamcore.engine.spi.RecordSink;
import io.eventstreamcore.engine.spi.StoredRecord;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each overload policy under a flood: a processor held on its first event while a producer fills
 * the ring, then released (held, a processor still holds the one ring: shedding and downgrading let
 * a slow processor catch up, they do not let the ring pass a stuck one). Whatever the policy, every
 * event is stored and acknowledged, and each is either handled or an overload dead letter, never
 * both, never neither.
 */
class OverloadFloodTest {
  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private static final long NOW_MILLIS = 1_700_000_000_000L;
  private static final int EVENTS = 400;
  private static final int MAX_BACKLOG = 8;

  private final EngineMetrics metrics = new EngineMetrics();
  private final CollectingBackend backend = new CollectingBackend("collect");
  private final List<Thread> producers = new ArrayList<>();
  private EventPipeline pipeline;

  @AfterEach
  void stop() throws InterruptedException {
    for (Thread producer : producers) {
      producer.join(DEADLINE.toMillis());
    }
    if (pipeline != null) {
      pipeline.stop();
    }
  }

  /** A handler that records the ids it sees and holds its first call until released. */
  private static final class HeldHandler implements ProcessorHandler {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final List<Long> seen = new CopyOnWriteArrayList<>();

    @Override
    public void onEvent(EventView event, RecordSink sink) {
      seen.add(event.eventId());
      entered.countDown();
      try {
        if (!release.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
          throw new IllegalStateException("never released");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void start(String overrides, List<ProcessorBinding> handlers) {
    EngineSettings settings =
        new EngineSettings(
            ConfigFactory.parseString(
                    overrides
                        + "\neventstream.ring.size = 64\n"
                        + "eventstream.ring.record-queue-size = 512\n"
                        // drop-newest and downgrade act between threads: the parallel
                        // topology's (the default, named so that it stays the one tested).
                        + "eventstream.ring.topology = parallel\n"
                        // No ticks in the ring while the test counts slots.
                        + "eventstream.ring.tick-interval = 1h\n"
                        + "eventstream.dedup.max-keys = 4096\n"
                        + "eventstream.topics.priorities { sensors = HIGH }\n")
                .withFallback(ConfigFactory.defaultReference())
                .resolve());
    pipeline =
        new EventPipeline(
            settings,
            metrics,
            InstantSource.fixed(Instant.ofEpochMilli(NOW_MILLIS)),
            handlers,
            List.of(backend));
    pipeline.start();
  }

  /**
   * Sends id 1 alone and waits until {@code held} holds it, then floods ids 2..EVENTS from another
   * thread and waits until the ring is full behind the held processor; returns the connection.
   */
  private RecordingAckTarget floodBehind(HeldHandler held, Priority priority, String topic)
      throws InterruptedException {
    RecordingAckTarget connection = new RecordingAckTarget(backend::committedEvents);
    FramePublisher frames = new FramePublisher(pipeline.publisher(), connection, true, NOW_MILLIS);
    frames.event(priority, topic, 1, new byte[] {1});
    assertThat(held.entered.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    Thread producer =
        new Thread(
            () -> {
              for (long id = 2; id <= EVENTS; id++) {
                frames.event(priority, topic, id, new byte[] {(byte) id});
              }
            },
            "test-producer");
    producers.add(producer);
    producer.start();
    await("ring full").atMost(DEADLINE).until(() -> pipeline.publisher().remainingCapacity() == 0);
    return connection;
  }

  private List<Long> deadLetterIds() {
    return backend.records().stream()
        .filter(r -> r.kind() == RecordKind.DEAD_LETTER)
        .peek(r -> assertThat(r.reason()).isEqualTo(DeadLetterReason.OVERLOAD))
        .map(StoredRecord::eventId)
        .toList();
  }

  private List<Long> floodTransactional(String policy, HeldHandler held) throws Exception {
    start(
        "eventstream.processors.transactional.overload { policy = "
            + policy
            + ", max-backlog = "
            + MAX_BACKLOG
            + " }",
        List.of(new ProcessorBinding(Route.TRANSACTIONAL, "held", ConfigFactory.empty(), held)));
    RecordingAckTarget connection = floodBehind(held, Priority.LOW, "orders");
    held.release.countDown();
    await("every ACK").atMost(DEADLINE).until(() -> connection.lastAck() == EVENTS);

    List<Long> all = LongStream.rangeClosed(1, EVENTS).boxed().toList();
    assertThat(backend.eventIds()).as("every event stored, in order").isEqualTo(all);
    List<Long> dead = deadLetterIds();
    Set<Long> handledOrDead = new HashSet<>(held.seen);
    handledOrDead.addAll(dead);
    assertThat(held.seen.size() + dead.size()).as("handled or dead, never both").isEqualTo(EVENTS);
    assertThat(handledOrDead).as("never neither").containsExactlyInAnyOrderElementsOf(all);
    assertThat(metrics.overloadShed(Route.TRANSACTIONAL).getLongValue()).isEqualTo(dead.size());
    assertThat(metrics.deadLetters(DeadLetterReason.OVERLOAD).getLongValue())
        .isEqualTo(dead.size());
    return dead;
  }

  @Test
  void backpressureHandlesEveryEventOnceReleased() throws Exception {
    HeldHandler held = new HeldHandler();

    List<Long> dead = floodTransactional("backpressure", held);

    assertThat(dead).isEmpty();
    assertThat(held.seen).isEqualTo(LongStream.rangeClosed(1, EVENTS).boxed().toList());
  }

  @Test
  void dropNewestHandlesTheEventsThatWereWaitingAndShedsTheArrivals() throws Exception {
    HeldHandler held = new HeldHandler();

    List<Long> dead = floodTransactional("drop-newest", held);

    // Ids 2..8 arrived at most 8 slots behind the held event: they waited and were handled. Id 20
    // arrived while the processor was still held 20 slots back: shed.
    assertThat(held.seen).startsWith(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
    assertThat(dead).contains(20L).doesNotContain(2L, 8L);
  }

  @Test
  void dropOldestShedsTheWaitingEventsAndHandlesTheNewest() throws Exception {
    HeldHandler held = new HeldHandler();

    List<Long> dead = floodTransactional("drop-oldest", held);

    // Released with a full ring behind it, the processor sheds the oldest waiting events; the last
    // event had nothing behind it and was handled.
    assertThat(dead).startsWith(2L);
    assertThat(held.seen).startsWith(1L).endsWith((long) EVENTS);
  }

  @Test
  void downgradeRoutesHighAsMediumWhileRealtimeIsHeld() throws Exception {
    HeldHandler realtime = new HeldHandler();
    List<Long> transactional = new CopyOnWriteArrayList<>();
    start(
        "eventstream.processors.realtime.downgrade-high { enabled = true, above-backlog = "
            + MAX_BACKLOG
            + " }",
        List.of(
            new ProcessorBinding(Route.REALTIME, "held", ConfigFactory.empty(), realtime),
            new ProcessorBinding(
                Route.TRANSACTIONAL,
                "tx",
                ConfigFactory.empty(),
                (event, sink) -> transactional.add(event.eventId()))));
    RecordingAckTarget connection = floodBehind(realtime, Priority.HIGH, "sensors");
    realtime.release.countDown();
    await("every ACK").atMost(DEADLINE).until(() -> connection.lastAck() == EVENTS);

    assertThat(realtime.seen).startsWith(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
    assertThat(transactional).contains(20L).doesNotContain(1L, 8L);
    assertThat(realtime.seen.size() + transactional.size()).isEqualTo(EVENTS);
    assertThat(metrics.priorityDowngrades().getLongValue()).isEqualTo(transactional.size());
    assertThat(backend.records()).isEmpty();
  }
}
