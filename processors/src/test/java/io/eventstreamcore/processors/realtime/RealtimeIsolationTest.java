package io.eventstreamcore.processors.realtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import io.eventstreamcore.engine.config.EngineSettings;
import io.eventstreamcore.engine.event.EventSlot;
import io.eventstreamcore.engine.event.EventView;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.event.Route;
import io.eventstreamcore.engine.metrics.EngineMetrics;
import io.eventstreamcore.engine.record.RecordView;
import io.eventstreamcore.engine.ring.EventPipeline;
import io.eventstreamcore.engine.ring.RingPublisher;
import io.eventstreamcore.engine.spi.ProcessorBinding;
import io.eventstreamcore.engine.spi.ProcessorHandler;
import io.eventstreamcore.engine.spi.RecordSink;
import io.eventstreamcore.engine.spi.StorageBackend;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A slow transactional handler and the realtime stage, on the real ring. With the parallel topology
 * the three processors run in parallel after classify, and with split realtime runs with classify,
 * before transactional and batch: either way realtime does not wait for transactional, and realtime
 * events are handled, alerted and measured while the transactional handler is held inside an event.
 * What this does not fix: storage and ACKs wait for all three processors, and once the ring is full
 * behind the held stage, ingest (realtime frames included) is backpressured until it moves again.
 */
class RealtimeIsolationTest {
  private static final Duration DEADLINE = Duration.ofSeconds(10);
  private static final int RING = 64;

  private final EngineMetrics metrics = new EngineMetrics();
  private final HeldTransactionalHandler transactional = new HeldTransactionalHandler();
  private final CountingBackend backend = new CountingBackend();
  private EventPipeline pipeline;
  private long frameNo;

  @AfterEach
  void stop() throws InterruptedException {
    transactional.release(); // a held stage would keep stop() waiting for its deadline
    if (pipeline != null) {
      pipeline.stop();
    }
  }

  private RingPublisher start(String topology) {
    EngineSettings settings =
        new EngineSettings(
            ConfigFactory.parseString(
                    "eventstream.ring.size = "
                        + RING
                        + "\n"
                        + "eventstream.ring.record-queue-size = 64\n"
                        + "eventstream.ring.shutdown-timeout = 10s\n"
                        // The isolation shown here is the parallel and split topologies';
                        // compact and single run the processors one after the other on one thread.
                        + "eventstream.ring.topology = "
                        + topology
                        + "\n"
                        + "eventstream.topics.priorities { alarms = CRITICAL }\n")
                .withFallback(ConfigFactory.defaultReference())
                .resolve());
    RealtimeHandler realtime =
        new RealtimeHandler(
            List.of(
                new AlertRule(
                    "alarm", "alarms", AlertCondition.payloadBytes(CompareOp.GT, 0), "CRITICAL")),
            settings.maxTopics(),
            Duration.ofMillis(5).toNanos(),
            metrics,
            System::nanoTime);
    pipeline =
        new EventPipeline(
            settings,
            metrics,
            InstantSource.system(),
            List.of(
                ProcessorBinding.of(Route.REALTIME, realtime),
                ProcessorBinding.of(Route.TRANSACTIONAL, transactional)),
            List.of(backend));
    pipeline.start();
    return pipeline.publisher();
  }

  /** Publishes one frame if the ring has room, as the ingest decoder does; false when full. */
  private boolean tryPublish(RingPublisher ring, String topic, Priority priority) {
    long sequence = ring.tryClaim();
    if (sequence == RingPublisher.NO_SLOT) {
      return false;
    }
    EventSlot slot = ring.slot(sequence);
    slot.beginFrame(null, ++frameNo, false);
    slot.received(System.currentTimeMillis(), System.nanoTime());
    slot.header(priority, frameNo, 0);
    byte[] topicBytes = topic.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(topicBytes, 0, slot.topicBuffer(topicBytes.length), 0, topicBytes.length);
    slot.payloadBuffer(1)[0] = 1;
    ring.publish(sequence);
    return true;
  }

  private void publish(RingPublisher ring, String topic, Priority priority) {
    assertThat(tryPublish(ring, topic, priority)).as("room in the ring").isTrue();
  }

  private long realtimeObservations() {
    return metrics.registry().scrape().stream()
        .filter(
            s -> s.getMetadata().getPrometheusName().equals("eventstream_realtime_latency_seconds"))
        .map(s -> ((HistogramSnapshot) s).getDataPoints().get(0).getCount())
        .findFirst()
        .orElseThrow();
  }

  @ParameterizedTest
  @ValueSource(strings = {"parallel", "split"})
  void realtimeEventsAreHandledWhileTheTransactionalHandlerIsHeld(String topology)
      throws Exception {
    RingPublisher ring = start(topology);
    publish(ring, "orders", Priority.LOW);
    assertThat(transactional.entered.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();

    int realtimeEvents = 20;
    for (int i = 0; i < realtimeEvents; i++) {
      publish(ring, "alarms", Priority.HIGH);
      publish(ring, "orders", Priority.MEDIUM);
    }

    // Every realtime event is handled, alerted and its latency observed, while the transactional
    // handler is still inside the first event: the realtime stage never waited for it, so none of
    // these latencies includes the transactional delay, however long it is.
    await("realtime handled everything")
        .atMost(DEADLINE)
        .until(() -> realtimeObservations() == realtimeEvents);
    assertThat(metrics.alerts("alarm", "CRITICAL").getLongValue()).isEqualTo(realtimeEvents);
    assertThat(transactional.handled.get()).as("still held in its first event").isZero();
    // Storage (and so every ACK) waits for all three processors: nothing is stored yet.
    assertThat(backend.events.get()).isZero();

    transactional.release();

    await("everything stored")
        .atMost(DEADLINE)
        .until(() -> backend.committed.get() == 1 + 2L * realtimeEvents);
    assertThat(transactional.handled.get()).isEqualTo(1 + realtimeEvents);
    assertThat(metrics.eventsProcessed(Route.REALTIME).getLongValue()).isEqualTo(realtimeEvents);
  }

  @ParameterizedTest
  @ValueSource(strings = {"parallel", "split"})
  void aRingFullBehindTheHeldTransactionalHandlerBackpressuresRealtimeFramesToo(String topology)
      throws Exception {
    RingPublisher ring = start(topology);
    publish(ring, "orders", Priority.LOW);
    assertThat(transactional.entered.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();

    // The ring wraps: slots free only when storage passes them, and storage waits for the held
    // stage. At most RING frames get in (fewer when ticks took slots).
    int published = 0;
    while (tryPublish(ring, "alarms", Priority.CRITICAL)) {
      published++;
      assertThat(published).as("the ring must fill").isLessThan(RING);
    }
    int admitted = published;
    await("realtime handled what got in")
        .atMost(DEADLINE)
        .until(() -> realtimeObservations() == admitted);
    // A realtime frame arriving now cannot enter the ring until the transactional handler moves:
    // its latency, measured from when ingest read it, will include the transactional delay.
    assertThat(tryPublish(ring, "alarms", Priority.CRITICAL)).isFalse();
    assertThat(ring.tryClaim()).isEqualTo(RingPublisher.NO_SLOT);

    transactional.release();

    await("the ring has room again")
        .atMost(DEADLINE)
        .until(() -> tryPublish(ring, "alarms", Priority.CRITICAL));
    await("everything stored")
        .atMost(DEADLINE)
        .until(() -> backend.committed.get() == 1 + admitted + 1);
  }

  /** A transactional handler held inside its first event until released. */
  private static final class HeldTransactionalHandler implements ProcessorHandler {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch gate = new CountDownLatch(1);
    final AtomicLong handled = new AtomicLong();

    @Override
    public void onEvent(EventView event, RecordSink sink) {
      entered.countDown();
      try {
        // Bounded, so that a broken test cannot hang the build; the test releases it sooner.
        gate.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      handled.incrementAndGet();
    }

    void release() {
      gate.countDown();
    }
  }

  /** A durable backend that only counts what it is given and what is committed. */
  private static final class CountingBackend implements StorageBackend {
    final AtomicLong events = new AtomicLong();
    final AtomicLong committed = new AtomicLong();

    @Override
    public String name() {
      return "counting";
    }

    @Override
    public void append(EventView event) {
      events.incrementAndGet();
    }

    @Override
    public void append(RecordView record) {}

    @Override
    public void commit() {
      committed.set(events.get());
    }

    @Override
    public void close() {}
  }
}
