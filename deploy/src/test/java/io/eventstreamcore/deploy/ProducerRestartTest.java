package io.eventstreamcore.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.spi.ReadableBackend;
import io.eventstreamcore.engine.spi.StoredEvent;
import io.eventstreamcore.ingest.client.EventStreamProducer;
import io.eventstreamcore.ingest.client.ProducerListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service stops and a new one starts on the same port and data directory while a producer
 * streams: the producer reconnects, resends what was not acknowledged, and every event is in the
 * file store afterwards, once.
 */
class ProducerRestartTest {
  private static final Logger LOG = LoggerFactory.getLogger(ProducerRestartTest.class);
  private static final int EVENTS = 8_000;
  private static final int WINDOW = 256;
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @TempDir Path data;

  private Config config(int port) {
    return TestConfigs.withOverrides(
        "eventstream.storage.backends = [file]\n"
            + TestConfigs.fileDirectory(data)
            + "eventstream.storage.file.sync = always\n"
            + "eventstream.admin.enabled = false\n"
            + "eventstream.ingest.port = "
            + port
            + "\n");
  }

  @Test
  void aServerRestartMidStreamLosesNoEvent() throws Exception {
    long resent = streamAcrossARestart();

    EventStreamService reader = EventStreamService.start(config(0));
    List<StoredEvent> stored;
    try {
      stored = ((ReadableBackend) reader.backend("file")).readEvents();
    } finally {
      reader.close();
    }
    Map<Long, List<StoredEvent>> byId = EventStreamProducerTest.byId(stored);
    List<Long> missing = new ArrayList<>();
    List<Long> doubled = new ArrayList<>();
    for (long id = 1; id <= EVENTS; id++) {
      List<StoredEvent> copies = byId.getOrDefault(id, List.of());
      if (copies.isEmpty()) {
        missing.add(id);
      } else if (copies.size() > 1) {
        doubled.add(id);
      }
    }
    LOG.info(
        "restart: {} events, {} stored, {} resent by the producer, {} stored twice {}",
        EVENTS,
        stored.size(),
        resent,
        doubled.size(),
        doubled);
    assertThat(missing).as("events lost").isEmpty();
    assertThat(byId.keySet()).hasSize(EVENTS);
    // The restart cut the stream: what the first server never acknowledged was sent again.
    assertThat(resent).as("events resent").isPositive();
    // An event stored by the first server whose ACK was lost at its stop is resent: the second
    // server rebuilt its dedup window from the file log, so it is a duplicate, not a second copy.
    assertThat(doubled).as("stored twice").isEmpty();
  }

  /**
   * Streams events 1..EVENTS; the first server stops while the first half is still streaming, the
   * second half is released once the stop has begun, and a second server starts on the same port
   * and directory. Returns how many events the producer resent.
   */
  private long streamAcrossARestart() throws Exception {
    AtomicInteger disconnects = new AtomicInteger();
    ProducerListener listener =
        new ProducerListener() {
          @Override
          public void disconnected(Exception cause) {
            disconnects.incrementAndGet();
          }
        };
    ExecutorService threads = Executors.newFixedThreadPool(2);
    CountDownLatch secondHalf = new CountDownLatch(1);
    // Not port 0: the port is free between the two services (FixedPort says why that matters).
    int port = FixedPort.free();
    EventStreamService first = EventStreamService.start(config(port));
    EventStreamService second = null;
    try (EventStreamProducer producer =
        EventStreamProducer.builder("127.0.0.1", port)
            .maxInFlightEvents(WINDOW)
            .reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(100))
            .listener(listener)
            .connect()) {
      Future<?> sending = threads.submit(() -> send(producer, secondHalf));
      await()
          .atMost(DEADLINE)
          .pollInterval(Duration.ofMillis(1))
          .until(() -> producer.acknowledged() >= EVENTS / 8);
      Future<?> stop =
          threads.submit(
              () -> {
                first.close();
                return null;
              });
      await().atMost(DEADLINE).pollInterval(Duration.ofMillis(1)).until(() -> !first.ready());
      secondHalf.countDown();
      stop.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
      await().atMost(DEADLINE).until(() -> disconnects.get() >= 1);
      second = EventStreamService.start(config(port));
      sending.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
      assertThat(producer.flush(DEADLINE)).isTrue();
      assertThat(producer.connections()).as("one reconnect").isEqualTo(2);
      assertThat(producer.acknowledged()).isEqualTo(EVENTS);
      return producer.resent();
    } finally {
      secondHalf.countDown();
      threads.shutdownNow();
      assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      first.close();
      if (second != null) {
        second.close();
      }
    }
  }

  private static Void send(EventStreamProducer producer, CountDownLatch secondHalf)
      throws Exception {
    for (int i = 1; i <= EVENTS; i++) {
      if (i == EVENTS / 2 + 1) {
        // The second half goes out once the first server is stopping: into a connection no
        // longer read, then into none at all (the window fills and send blocks), then the new one.
        assertThat(secondHalf.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
      }
      producer.send(Priority.BATCH, "orders", i, EventStreamProducerTest.payload(i));
    }
    return null;
  }
}
