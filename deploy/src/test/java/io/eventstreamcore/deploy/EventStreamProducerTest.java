package io.eventstreamcore.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.typesafe.config.Config;
import io.eventstreamcore.engine.event.ErrorCode;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.spi.ReadableBackend;
import io.eventstreamcore.engine.spi.StoredEvent;
import io.eventstreamcore.ingest.client.EventStreamProducer;
import io.eventstreamcore.ingest.client.ProducerEvent;
import io.eventstreamcore.ingest.client.ProducerListener;
import io.eventstreamcore.ingest.client.UnacknowledgedEventsException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link EventStreamProducer} against the real ingest server and pipeline. */
class EventStreamProducerTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void stopThreads() throws InterruptedException {
    threads.shutdownNow();
    assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    assertThat(Thread.getAllStackTraces().keySet())
        .as("close joined the producer's threads")
        .noneMatch(t -> t.getName().startsWith("eventstream-producer"));
  }

  @Test
  void eventsFromTwoThreadsAreAcknowledgedAndStoredOnce() throws Exception {
    int perThread = 5_000;
    List<Long> generated = new CopyOnWriteArrayList<>();
    try (EventStreamService service =
        EventStreamService.start(
            TestConfigs.withOverrides("eventstream.storage.backends = [memory]"))) {
      try (EventStreamProducer producer =
          EventStreamProducer.builder(service.ingestAddress())
              .maxInFlightEvents(500)
              .ackRequestInterval(100)
              .connect()) {
        Future<?> ownIds =
            threads.submit(
                () -> {
                  for (int i = 1; i <= perThread; i++) {
                    producer.send(Priority.MEDIUM, "orders", i, payload(i));
                  }
                  return null;
                });
        Future<?> generatedIds =
            threads.submit(
                () -> {
                  for (int i = 1; i <= perThread; i++) {
                    generated.add(producer.send(Priority.HIGH, "sensor/1", payload(-i)));
                  }
                  return null;
                });
        ownIds.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        generatedIds.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertThat(producer.flush(DEADLINE)).isTrue();
        assertThat(producer.inFlight()).isZero();
        assertThat(producer.acknowledged()).isEqualTo(2L * perThread);
        assertThat(producer.rejected()).isZero();
        assertThat(producer.connections()).isEqualTo(1);
        assertThat(producer.resent()).isZero();
      }
      List<StoredEvent> stored = ((ReadableBackend) service.backend("memory")).readEvents();
      Map<Long, List<StoredEvent>> byId = byId(stored);
      assertThat(stored).hasSize(2 * perThread);
      for (int i = 1; i <= perThread; i++) {
        assertThat(byId.get((long) i)).hasSize(1);
        assertThat(byId.get((long) i).get(0).payload()).isEqualTo(payload(i));
        assertThat(byId.get((long) i).get(0).clientTimeMicros()).isPositive();
      }
      for (int i = 0; i < perThread; i++) {
        assertThat(byId.get(generated.get(i))).hasSize(1);
        assertThat(byId.get(generated.get(i)).get(0).payload()).isEqualTo(payload(-(i + 1)));
      }
    }
  }

  @Test
  void aFullWindowBlocksTheSenderUntilTheServerAcknowledgesAndNothingIsLost() throws Exception {
    int events = 100;
    int window = 8;
    AtomicInteger sendsReturned = new AtomicInteger();
    try (GatedServer server = GatedServer.start()) {
      try (EventStreamProducer producer =
          EventStreamProducer.builder(server.address()).maxInFlightEvents(window).connect()) {
        Future<?> sender =
            threads.submit(
                () -> {
                  for (int i = 1; i <= events; i++) {
                    producer.send(Priority.LOW, "orders", i, payload(i));
                    sendsReturned.incrementAndGet();
                  }
                  return null;
                });
        await()
            .atMost(DEADLINE)
            .until(() -> server.framesReceived() == window && sendsReturned.get() == window);
        // Storage cannot commit, so no ACK can come: the window stays full and sends wait.
        assertThat(producer.trySend(Priority.LOW, "orders", 1_000, payload(0), Duration.ZERO))
            .isFalse();
        assertThat(sendsReturned.get()).isEqualTo(window);
        assertThat(producer.inFlight()).isEqualTo(window);
        assertThat(sender.isDone()).isFalse();

        server.open();
        sender.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertThat(producer.flush(DEADLINE)).isTrue();
        assertThat(producer.acknowledged()).isEqualTo(events);
      }
      assertThat(server.appendedIds())
          .containsExactlyElementsOf(LongStream.rangeClosed(1, events).boxed().toList());
    }
  }

  @Test
  void aConnectionWithoutAcksIsReplacedAndTheResentEventsAreStoredOnce() throws Exception {
    try (GatedServer server = GatedServer.start()) {
      try (EventStreamProducer producer =
          EventStreamProducer.builder(server.address())
              .ackTimeout(Duration.ofMillis(100))
              .reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(50))
              .connect()) {
        for (int i = 1; i <= 10; i++) {
          producer.send(Priority.MEDIUM, "orders", i, payload(i));
        }
        // Storage is stalled, so no ACK comes: the producer gives up on the connection, opens a
        // new one and resends the same ten events there.
        await().atMost(DEADLINE).until(() -> producer.connections() >= 3);
        assertThat(producer.resent()).isGreaterThanOrEqualTo(10);
        server.open();
        assertThat(producer.flush(DEADLINE)).isTrue();
        assertThat(producer.acknowledged()).isEqualTo(10);
      }
      assertThat(server.appendedIds())
          .as("resent copies are duplicates: stored once")
          .containsExactlyElementsOf(LongStream.rangeClosed(1, 10).boxed().toList());
    }
  }

  @Test
  void closeWaitsForTheAcknowledgements() throws Exception {
    try (GatedServer server = GatedServer.start()) {
      EventStreamProducer producer = EventStreamProducer.builder(server.address()).connect();
      for (int i = 1; i <= 10; i++) {
        producer.send(Priority.HIGH, "alerts", i, payload(i));
      }
      await().atMost(DEADLINE).until(() -> server.framesReceived() == 10);
      CompletableFuture<List<ProducerEvent>> closing = new CompletableFuture<>();
      Thread closer = new Thread(() -> closing.complete(producer.close(DEADLINE)), "test-closer");
      closer.start();
      await()
          .atMost(DEADLINE)
          .until(() -> closer.getState() == Thread.State.TIMED_WAITING); // inside close()
      assertThat(closing).as("close waits while nothing can be acknowledged").isNotDone();

      server.open();
      assertThat(closing.get(DEADLINE.toSeconds(), TimeUnit.SECONDS))
          .as("close returned once every ACK came: nothing left open")
          .isEmpty();
      closer.join();
      assertThat(producer.acknowledged()).isEqualTo(10);
      assertThatThrownBy(() -> producer.send(Priority.HIGH, "alerts", 11, payload(11)))
          .isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void aTimeoutLongerThanNanosecondsHoldIsAWaitWithoutEnd() throws Exception {
    Duration forever = ChronoUnit.FOREVER.getDuration(); // Duration.toNanos() overflows
    try (GatedServer server = GatedServer.start()) {
      server.open();
      EventStreamProducer producer = EventStreamProducer.builder(server.address()).connect();

      assertThat(producer.trySend(Priority.HIGH, "alerts", 1, payload(1), forever)).isTrue();
      assertThat(producer.flush(forever)).isTrue();
      assertThat(producer.close(forever)).isEmpty();
      assertThat(producer.acknowledged()).isEqualTo(1);
    }
  }

  @Test
  void theWindowIsBoundedInBytesTooAndAnEventAloneAlwaysFits() throws Exception {
    try (GatedServer server = GatedServer.start()) {
      EventStreamProducer producer =
          EventStreamProducer.builder(server.address()).maxInFlightBytes(2_500).connect();
      byte[] kilobyte = new byte[1_000];

      // 1,001 bytes each (topic and payload): two fit, a third not while none is acknowledged.
      assertThat(producer.trySend(Priority.HIGH, "t", 1, kilobyte, Duration.ZERO)).isTrue();
      assertThat(producer.trySend(Priority.HIGH, "t", 2, kilobyte, Duration.ZERO)).isTrue();
      assertThat(producer.trySend(Priority.HIGH, "t", 3, kilobyte, Duration.ofMillis(200)))
          .isFalse();
      server.open();
      assertThat(producer.trySend(Priority.HIGH, "t", 3, kilobyte, DEADLINE)).isTrue();
      assertThat(producer.flush(DEADLINE)).isTrue();
      // Larger than the whole bound: it goes, alone.
      assertThat(producer.trySend(Priority.HIGH, "t", 4, new byte[10_000], DEADLINE)).isTrue();
      assertThat(producer.close(DEADLINE)).isEmpty();
      assertThat(producer.acknowledged()).isEqualTo(4);
    }
  }

  @Test
  void aLargeEventWaitingForRoomIsNotPassedBySmallOnesThatFit() throws Exception {
    try (GatedServer server = GatedServer.start()) {
      EventStreamProducer producer =
          EventStreamProducer.builder(server.address()).maxInFlightBytes(2_500).connect();
      byte[] kilobyte = new byte[1_000];
      assertThat(producer.trySend(Priority.HIGH, "t", 1, kilobyte, Duration.ZERO)).isTrue();
      CompletableFuture<Thread> sender = new CompletableFuture<>();
      Future<Boolean> large =
          threads.submit(
              () -> {
                sender.complete(Thread.currentThread());
                return producer.trySend(Priority.HIGH, "t", 2, new byte[2_000], DEADLINE);
              });
      Thread waiting = sender.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
      await().atMost(DEADLINE).until(() -> waiting.getState() == Thread.State.TIMED_WAITING);

      // 1,001 more bytes would fit beside the first event, but the large one came first.
      assertThat(producer.trySend(Priority.HIGH, "t", 3, kilobyte, Duration.ofMillis(200)))
          .isFalse();
      server.open();
      assertThat(large.get(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
      assertThat(producer.trySend(Priority.HIGH, "t", 3, kilobyte, DEADLINE)).isTrue();
      assertThat(producer.close(DEADLINE)).isEmpty();
      assertThat(server.appendedIds()).containsExactly(1L, 2L, 3L);
    }
  }

  @Test
  void closeReturnsThoughAListenerCallBlocksTheIoThread() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    ProducerListener blocking =
        new ProducerListener() {
          @Override
          public void connected(InetSocketAddress server) {
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        };
    try (EventStreamService service = EventStreamService.start(SMALL_FRAMES)) {
      EventStreamProducer producer = quickToReconnect(service, blocking);
      try {
        // Before, close joined the I/O thread for as long as the listener held it: for ever here.
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> producer.close(Duration.ZERO));
      } finally {
        release.countDown();
      }
    }
    // The I/O thread close could not join ends once the listener lets it go (before the check
    // after each test that close joined the producer's threads).
    await()
        .atMost(DEADLINE)
        .until(
            () ->
                Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(t -> t.getName().startsWith("eventstream-producer")));
  }

  @Test
  void closeReportsWhatStayedUnacknowledged() throws Exception {
    try (GatedServer server = GatedServer.start()) {
      EventStreamProducer producer =
          EventStreamProducer.builder(server.address())
              .closeTimeout(Duration.ofMillis(200))
              .connect();
      for (int i = 1; i <= 5; i++) {
        producer.send(Priority.HIGH, "alerts", i, payload(i));
      }
      assertThat(producer.flush(Duration.ZERO)).isFalse();
      assertThatThrownBy(producer::close)
          .isInstanceOfSatisfying(
              UnacknowledgedEventsException.class,
              e -> {
                assertThat(e.events())
                    .extracting(ProducerEvent::eventId)
                    .containsExactly(1L, 2L, 3L, 4L, 5L);
                assertThat(e.events().get(2).payload()).isEqualTo(payload(3));
              });
      assertThat(producer.close(Duration.ZERO))
          .extracting(ProducerEvent::eventId)
          .containsExactly(1L, 2L, 3L, 4L, 5L);
    }
  }

  @Test
  void aListenerThatThrowsAnErrorDoesNotStopTheAcknowledgements() throws Exception {
    ProducerListener failing =
        new ProducerListener() {
          @Override
          public void connected(InetSocketAddress server) {
            throw new AssertionError("the listener's own bug");
          }
        };
    try (EventStreamService service =
            EventStreamService.start(
                TestConfigs.withOverrides("eventstream.storage.backends = [memory]\n"));
        EventStreamProducer producer =
            EventStreamProducer.builder(service.ingestAddress()).listener(failing).connect()) {
      for (int i = 1; i <= 10; i++) {
        producer.send(Priority.MEDIUM, "orders", i, payload(i));
      }
      assertThat(producer.flush(DEADLINE)).isTrue();
      assertThat(producer.acknowledged()).isEqualTo(10);
    }
  }

  /** A server of 1 KiB frames: a producer's larger frame is a framing error there. */
  private static final Config SMALL_FRAMES =
      TestConfigs.withOverrides(
          "eventstream.storage.backends = [memory]\neventstream.ingest.max-frame-bytes = 1KiB\n");

  private static EventStreamProducer quickToReconnect(
      EventStreamService service, ProducerListener listener) throws Exception {
    return EventStreamProducer.builder(service.ingestAddress())
        .listener(listener)
        .reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(100))
        .connect();
  }

  @Test
  void anErrorReadAfterTheWriterFailedIsStillFinal() throws Exception {
    List<String> rejections = new CopyOnWriteArrayList<>();
    AtomicInteger connects = new AtomicInteger();
    ProducerListener listener =
        new ProducerListener() {
          @Override
          public void connected(InetSocketAddress server) {
            // On the I/O thread, before it reads: the server's ERROR and its close arrive, and
            // the writer's next write fails, while nothing has read them yet.
            if (connects.incrementAndGet() == 1) {
              LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
            }
          }

          @Override
          public void rejected(ProducerEvent event, int code, String message) {
            rejections.add(event.eventId() + ":" + code);
          }
        };
    try (EventStreamService service = EventStreamService.start(SMALL_FRAMES)) {
      try (EventStreamProducer producer = quickToReconnect(service, listener)) {
        producer.send(Priority.MEDIUM, "orders", 1, new byte[2_000]); // ERROR 3, then closed
        for (int i = 2; i <= 50; i++) {
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
          producer.send(Priority.MEDIUM, "orders", i, payload(i));
        }
        assertThat(producer.flush(DEADLINE)).isTrue();
        assertThat(rejections).containsExactly("1:" + ErrorCode.FRAME_TOO_LARGE.code());
        // Event 1 was not resent: only its own connection saw it.
        assertThat(producer.connections()).isEqualTo(2);
        assertThat(producer.acknowledged()).isEqualTo(49);
      }
    }
  }

  @Test
  void aRejectedEventIsReportedAndNeverResent() throws Exception {
    List<String> rejections = new CopyOnWriteArrayList<>();
    ProducerListener listener =
        new ProducerListener() {
          @Override
          public void rejected(ProducerEvent event, int code, String message) {
            rejections.add(event.eventId() + ":" + code);
          }
        };
    try (EventStreamService service = EventStreamService.start(SMALL_FRAMES)) {
      try (EventStreamProducer producer = quickToReconnect(service, listener)) {
        for (int i = 1; i <= 200; i++) {
          // The server allows 1 KiB frames, this producer 1 MiB: event 100 is a framing error
          // there (ERROR 3, then the server closes the connection).
          byte[] payload = i == 100 ? new byte[2_000] : payload(i);
          producer.send(Priority.MEDIUM, "orders", i, payload);
        }
        assertThat(producer.flush(DEADLINE)).isTrue();
        assertThat(rejections).containsExactly("100:" + ErrorCode.FRAME_TOO_LARGE.code());
        assertThat(producer.rejected()).isEqualTo(1);
        assertThat(producer.acknowledged()).isEqualTo(199);
        assertThat(producer.connections()).as("reconnected after the server closed").isEqualTo(2);
      }
      assertThat(service.metrics().framesRejected(ErrorCode.FRAME_TOO_LARGE).get())
          .as("the rejected event was not sent again")
          .isEqualTo(1);
      List<StoredEvent> stored = ((ReadableBackend) service.backend("memory")).readEvents();
      List<Long> expected = new ArrayList<>(LongStream.rangeClosed(1, 200).boxed().toList());
      expected.remove(Long.valueOf(100));
      assertThat(stored)
          .extracting(StoredEvent::eventId)
          .containsExactlyInAnyOrderElementsOf(expected);
    }
  }

  @Test
  void flushWaitsForTheListenerToHearOfTheRejections() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean reported = new AtomicBoolean();
    ProducerListener listener =
        new ProducerListener() {
          @Override
          public void rejected(ProducerEvent event, int code, String message) {
            try {
              release.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            reported.set(true);
          }
        };
    try (EventStreamService service = EventStreamService.start(SMALL_FRAMES);
        EventStreamProducer producer = quickToReconnect(service, listener)) {
      producer.send(Priority.MEDIUM, "orders", 1, new byte[2_000]); // ERROR 3 there

      // The event is out of the window, but its rejection not yet told: not flushed.
      assertThat(producer.flush(Duration.ofMillis(500))).isFalse();
      release.countDown();
      assertThat(producer.flush(DEADLINE)).isTrue();
      assertThat(reported).isTrue();
      assertThat(producer.rejected()).isEqualTo(1);
    }
  }

  static Map<Long, List<StoredEvent>> byId(List<StoredEvent> events) {
    return events.stream().collect(Collectors.groupingBy(StoredEvent::eventId));
  }

  static byte[] payload(int i) {
    return ByteBuffer.allocate(8).putInt(i).putInt(~i).array();
  }
}
