package io.eventstreamcore.engine.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import io.eventstreamcore.engine.config.EngineSettings;
import io.eventstreamcore.engine.event.AckTarget;
import io.eventstreamcore.engine.event.ErrorCode;
import io.eventstreamcore.engine.event.EventSlot;
import io.eventstreamcore.engine.event.EventView;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.event.Route;
import io.eventstreamcore.engine.metrics.EngineMetrics;
import io.eventstreamcore.engine.record.RecordKind;
import io.eventstreamcore.engine.spi.ProcessorBinding;
import io.eventstreamcore.engine.spi.ProcessorHandler;
import io.eventstreamcore.engine.spi.RecordSink;
import io.eventstreamcore.engine.spi.StorageBackend;
import io.eventstreamcore.engine.spi.StoredEvent;
import io.eventstreamcore.engine.spi.StoredRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventPipelineTest {
  private static final Duration DEADLINE = Duration.ofSeconds(10);
  private static final long NOW_MILLIS = 1_700_000_000_000L;
  private static final String[] TOPICS = {"alarms", "orders", "metrics/cpu", "misc"};

  private final InstantSource clock = InstantSource.fixed(Instant.ofEpochMilli(NOW_MILLIS));
  private final EngineMetrics metrics = new EngineMetrics();
  private final List<EventPipeline> pipelines = new ArrayList<>();

  @AfterEach
  void stopEveryPipeline() throws InterruptedException {
    for (EventPipeline pipeline : pipelines) {
      pipeline.stop();
    }
    // Stop must leave no stage or ticker thread behind.
    await("stage threads to end").atMost(DEADLINE).until(() -> EngineThreads.live().isEmpty());
  }

  /**
   * The topology under test; {@link CompactEventPipelineTest} and {@link SingleEventPipelineTest}
   * run every test with theirs.
   */
  RingTopology topology() {
    return RingTopology.PARALLEL;
  }

  private EngineSettings settings(String overrides) {
    return new EngineSettings(
        ConfigFactory.parseString(
                "eventstream.ring.size=64\n"
                    + "eventstream.ring.topology="
                    + topology().configName()
                    + "\n"
                    + "eventstream.ring.record-queue-size=16\n"
                    + "eventstream.ring.slot-payload-bytes=8\n"
                    + "eventstream.ring.tick-interval=10ms\n"
                    + "eventstream.ring.shutdown-timeout=10s\n"
                    + "eventstream.dedup.max-keys=4096\n"
                    + "eventstream.topics.priorities { alarms = CRITICAL }\n"
                    + overrides)
            .withFallback(ConfigFactory.defaultReference())
            .resolve());
  }

  private EventPipeline pipeline(List<ProcessorBinding> handlers, StorageBackend... backends) {
    return pipeline("", handlers, backends);
  }

  private EventPipeline pipeline(
      String overrides, List<ProcessorBinding> handlers, StorageBackend... backends) {
    EventPipeline pipeline =
        new EventPipeline(settings(overrides), metrics, clock, handlers, List.of(backends));
    pipelines.add(pipeline);
    return pipeline;
  }

  private static byte[] payload(long id) {
    return ("payload-" + id).getBytes(StandardCharsets.UTF_8);
  }

  private static Priority priorityOf(long id) {
    return Priority.values()[(int) (id % Priority.values().length)];
  }

  private static String topicOf(long id) {
    return TOPICS[(int) (id % TOPICS.length)];
  }

  @Test
  void everyEventReachesStorageInRingOrderWithItsClassification() throws Exception {
    CollectingBackend backend = new CollectingBackend("collect");
    EventPipeline pipeline = pipeline(List.of(), backend);
    pipeline.start();
    RecordingAckTarget connection = new RecordingAckTarget(backend::committedEvents);
    FramePublisher frames = new FramePublisher(pipeline.publisher(), connection, false, NOW_MILLIS);

    int count = 1_000; // many times the ring: it wraps and fills
    List<Long> published = new ArrayList<>();
    for (long id = 1; id <= count; id++) {
      frames.event(priorityOf(id), topicOf(id), id, payload(id));
      published.add(id);
    }

    await().atMost(DEADLINE).until(() -> backend.eventIds().size() == count);
    assertThat(backend.eventIds()).containsExactlyElementsOf(published);
    for (StoredEvent e : backend.events()) {
      long id = e.eventId();
      assertThat(e.topic()).isEqualTo(topicOf(id));
      assertThat(e.payload()).isEqualTo(payload(id));
      assertThat(e.clientTimeMicros()).isEqualTo(id * 10);
      assertThat(e.receivedMillis()).isEqualTo(NOW_MILLIS);
      Priority frame = priorityOf(id);
      // "alarms" is listed CRITICAL (raises); other topics are capped at MEDIUM.
      Priority expected =
          topicOf(id).equals("alarms") ? Priority.CRITICAL : Priority.min(frame, Priority.MEDIUM);
      assertThat(e.priority()).as("priority of %d", id).isEqualTo(expected);
      assertThat(e.route()).isEqualTo(Route.of(expected));
    }
    long realtime = backend.events().stream().filter(e -> e.route() == Route.REALTIME).count();
    await()
        .atMost(DEADLINE)
        .until(() -> metrics.eventsProcessed(Route.REALTIME).getLongValue() == realtime);
    assertThat(
            metrics.eventsProcessed(Route.REALTIME).getLongValue()
                + metrics.eventsProcessed(Route.TRANSACTIONAL).getLongValue()
                + metrics.eventsProcessed(Route.BATCH).getLongValue())
        .isEqualTo(count);
    assertThat(connection.acks()).as("no acks were requested").isEmpty();
  }

  @Test
  void everyBackendSeesEveryEventInTheSameOrder() throws Exception {
    CollectingBackend first = new CollectingBackend("first");
    CollectingBackend second = new CollectingBackend("second");
    EventPipeline pipeline = pipeline(List.of(), first, second);
    pipeline.start();
    FramePublisher frames =
        new FramePublisher(
            pipeline.publisher(), new RecordingAckTarget(() -> 0), false, NOW_MILLIS);

    for (long id = 1; id <= 300; id++) {
      frames.event(priorityOf(id), topicOf(id), id, payload(id));
    }

    await().atMost(DEADLINE).until(() -> first.eventIds().size() == 300);
    await().atMost(DEADLINE).until(() -> second.eventIds().size() == 300);
    assertThat(second.eventIds()).isEqualTo(first.eventIds());
    assertThat(metrics.eventsStored("first").getLongValue()).isEqualTo(300);
  }

  @Test
  void acksCarryTheHighestFrameAndFollowTheStorageCommit() throws Exception {
    CollectingBackend backend = new CollectingBackend("collect");
    EventPipeline pipeline = pipeline(List.of(), backend);
    pipeline.start();
    RecordingAckTarget connection = new RecordingAckTarget(backend::committedEvents);
    FramePublisher frames = new FramePublisher(pipeline.publisher(), connection, true, NOW_MILLIS);

    int count = 500;
    for (long id = 1; id <= count; id++) {
      long frameNo = frames.event(priorityOf(id), topicOf(id), id, payload(id));
      assertThat(frameNo).isEqualTo(id);
    }

    await().atMost(DEADLINE).until(() -> connection.lastAck() == count);
    long previous = 0;
    for (RecordingAckTarget.Ack ack : connection.acks()) {
      // Frame n carries the n-th event: an ACK for n is only sent once n events are committed.
      assertThat(ack.committedEvents())
          .as("committed at ack %d", ack.frameNo())
          .isGreaterThanOrEqualTo(ack.frameNo());
      assertThat(ack.frameNo()).as("acks are cumulative and increasing").isGreaterThan(previous);
      previous = ack.frameNo();
    }
    assertThat(connection.log()).allMatch(line -> line.startsWith("ack "));
  }

  @Test
  void acksAreKeptPerConnection() throws Exception {
    CollectingBackend backend = new CollectingBackend("collect");
    EventPipeline pipeline = pipeline(List.of(), backend);
    pipeline.start();
    RecordingAckTarget a = new RecordingAckTarget(backend::committedEvents);
    RecordingAckTarget b = new RecordingAckTarget(backend::committedEvents);
    RecordingAckTarget silent = new RecordingAckTarget(backend::committedEvents);
    FramePublisher framesA = new FramePublisher(pipeline.publisher(), a, true, NOW_MILLIS);
    FramePublisher framesB = new FramePublisher(pipeline.publisher(), b, true, NOW_MILLIS);
    FramePublisher framesSilent =
        new FramePublisher(pipeline.publisher(), silent, false, NOW_MILLIS);

    for (long i = 1; i <= 100; i++) {
      framesA.event(Priority.LOW, "orders", 1_000 + i, payload(i));
      if (i % 2 == 0) {
        framesB.event(Priority.HIGH, "alarms", 2_000 + i, payload(i));
      }
      framesSilent.event(Priority.BATCH, "metrics/cpu", 3_000 + i, payload(i));
    }

    await().atMost(DEADLINE).until(() -> a.lastAck() == 100 && b.lastAck() == 50);
    await().atMost(DEADLINE).until(() -> backend.eventIds().size() == 250);
    assertThat(silent.acks()).isEmpty();
  }

  @Test
  void anAckTheConnectionCannotTakeIsRetriedOnATick() throws Exception {
    CollectingBackend backend = new CollectingBackend("collect");
    EventPipeline pipeline = pipeline(List.of(), backend);
    pipeline.start();
    RecordingAckTarget busy = new RecordingAckTarget(backend::committedEvents, 3);
    FramePublisher frames = new FramePublisher(pipeline.publisher(), busy, true, NOW_MILLIS);

    frames.event(Priority.LOW, "orders", 1, payload(1));
    frames.event(Priority.LOW, "orders", 2, payload(2));

    // No more traffic: only ticks can retry the ACK.
    await().atMost(DEADLINE).until(() -> busy.lastAck() == 2);
    assertThat(busy.refused()).isEqualTo(3);
  }

  @Test
  void rejectedFramesGetAnErrorBeforeTheAckCoveringThemAndAreNotStored() throws Exception {
    CollectingBackend backend = new CollectingBackend("collect");
    EventPipeline pipeline = pipeline(List.of(), backend);
    pipeline.start();
    RecordingAckTarget connection = new RecordingAckTarget(backend::committedEvents);
    FramePublisher frames = new FramePublisher(pipeline.publisher(), connection, true, NOW_MILLIS);

    frames.event(Priority.LOW, "orders", 1, payload(1));
    long bad = frames.rejected(ErrorCode.BAD_TOPIC);
    long last = frames.event(Priority.LOW, "orders", 3, payload(3));

    await().atMost(DEADLINE).until(() -> connection.lastAck() == last);
    List<String> log = connection.log();
    int error = log.indexOf("error " + bad + " BAD_TOPIC");
    assertThat(error).as("error sent: %s", log).isNotNegative();
    assertThat(log.subList(0, error))
        .as("no ack covering frame %d before its error", bad)
        .allMatch(line -> !line.startsWith("ack ") || Long.parseLong(line.substring(4)) < bad);
    assertThat(backend.eventIds()).containsExactly(1L, 3L);
  }

  @Test
  void anErrorTheAcknowledgerCannotHandleStopsItAndCountsAsTheAckStages() throws Exception {
    CollectingBackend backend = new CollectingBackend("collect");
    // The ring cannot drain past the stopped acknowledger: stop() halts at its deadline.
    EventPipeline pipeline =
        new EventPipeline(
            settings("eventstream.ring.shutdown-timeout = 300ms"),
            metrics,
            clock,
            List.of(),
            List.of(backend));
    pipelines.add(pipeline);
    pipeline.start();
    AtomicLong lastAck = new AtomicLong();
    AckTarget connection =
        new AckTarget() {
          @Override
          public boolean sendAck(long frameNo) {
            lastAck.set(frameNo);
            return true;
          }

          @Override
          public void sendError(long frameNo, ErrorCode code) {
            throw new OutOfMemoryError("simulated: not an error the acknowledger can skip");
          }

          @Override
          public void closeAfterFlush() {}
        };
    FramePublisher frames = new FramePublisher(pipeline.publisher(), connection, true, NOW_MILLIS);

    frames.event(Priority.LOW, "orders", 1, payload(1));
    long bad = frames.rejected(ErrorCode.BAD_TOPIC);
    frames.event(Priority.LOW, "orders", 3, payload(3));

    await().atMost(DEADLINE).until(pipeline::failed);
    assertThat(metrics.handlerErrors("ack").getLongValue()).isEqualTo(1);
    assertThat(metrics.handlerErrors("storage").getLongValue()).isZero();
    assertThat(lastAck.get()).as("no ACK covers the frame whose ERROR failed").isLessThan(bad);
  }

  @Test
  void duplicatesAreAcknowledgedAndCountedButStoredOnce() throws Exception {
    CollectingBackend backend = new CollectingBackend("collect");
    CountingHandler transactional = new CountingHandler(Route.TRANSACTIONAL);
    EventPipeline pipeline = pipeline(List.of(transactional.binding()), backend);
    pipeline.start();
    RecordingAckTarget connection = new RecordingAckTarget(backend::committedEvents);
    FramePublisher frames = new FramePublisher(pipeline.publisher(), connection, true, NOW_MILLIS);

    frames.event(Priority.LOW, "orders", 7, payload(7));
    frames.event(Priority.LOW, "orders", 8, payload(8));
    frames.event(Priority.LOW, "orders", 7, payload(7));
    frames.event(Priority.LOW, "orders", 0, payload(0));
    long last = frames.event(Priority.LOW, "orders", 0, payload(0));

    await().atMost(DEADLINE).until(() -> connection.lastAck() == last);
    assertThat(backend.eventIds()).containsExactly(7L, 8L, 0L, 0L);
    assertThat(metrics.eventsDuplicate().getLongValue()).isEqualTo(1);
    assertThat(transactional.events.get()).isEqualTo(4);
  }

  @Test
  void aHandlerThatThrowsDoesNotStallTheRing() throws Exception {
    CollectingBackend backend = new CollectingBackend("collect");
    ProcessorHandler failing =
        new ProcessorHandler() {
          @Override
          public void onEvent(EventView event, RecordSink sink) {
            if (event.eventId() % 3 == 0) {
              throw new IllegalStateException("bad event " + event.eventId());
            }
          }
        };
    EventPipeline pipeline =
        pipeline(List.of(ProcessorBinding.of(Route.REALTIME, failing)), backend);
    pipeline.start();
    RecordingAckTarget connection = new RecordingAckTarget(backend::committedEvents);
    FramePublisher frames = new FramePublisher(pipeline.publisher(), connection, true, NOW_MILLIS);

    int count = 300;
    for (long id = 1; id <= count; id++) {
      frames.event(Priority.HIGH, "alarms", id, payload(id));
    }

    await().atMost(DEADLINE).until(() -> connection.lastAck() == count);
    assertThat(backend.eventIds()).hasSize(count).last().isEqualTo((long) count);
    assertThat(metrics.handlerErrors("processor").getLongValue()).isEqualTo(count / 3);
    // Events after the failures were still handled.
    assertThat(metrics.eventsProcessed(Route.REALTIME).getLongValue()).isEqualTo(count - count / 3);
  }

  @Test
  void recordsAreStoredRightAfterTheEventThatEmittedThem() throws Exception {
    CollectingBackend backend = new CollectingBackend("collect");
    EventPipeline pipeline =
        pipeline(
            List.of(
                new AlertingHandler(Route.REALTIME).binding(),
                new AlertingHandler(Route.BATCH).binding()),
            backend);
    pipeline.start();
    FramePublisher frames =
        new FramePublisher(
            pipeline.publisher(), new RecordingAckTarget(() -> 0), false, NOW_MILLIS);

    // Record queue of 16 slots: 400 events and their records wrap it many times.
    int count = 400;
    List<String> expected = new ArrayList<>();
    for (long id = 1; id <= count; id++) {
      // "alarms" is listed CRITICAL, so it goes to realtime; unlisted BATCH goes to batch.
      Priority priority = id % 2 == 0 ? Priority.CRITICAL : Priority.BATCH;
      frames.event(priority, id % 2 == 0 ? "alarms" : "metrics/cpu", id, payload(id));
      expected.add("event " + id);
      for (int i = 0; i < AlertingHandler.alertsFor(id); i++) {
        String rule = (priority == Priority.CRITICAL ? "realtime" : "batch") + "-" + i;
        expected.add("ALERT " + rule + " " + id);
      }
    }

    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () ->
                assertThat(backend.entries())
                    .extracting(CollectingBackend.Entry::toString)
                    .containsExactlyElementsOf(expected));
    StoredRecord sample =
        backend.records().stream().filter(r -> r.eventId() == 6).findFirst().orElseThrow();
    assertThat(sample.kind()).isEqualTo(RecordKind.ALERT);
    assertThat(sample.severity()).isEqualTo("WARNING");
    assertThat(sample.name()).isEqualTo("realtime-0");
    assertThat(sample.topic()).isEqualTo("alarms");
    assertThat(sample.timeMillis()).isEqualTo(NOW_MILLIS);
    assertThat(sample.value()).isEqualTo(payload(6).length);
  }

  @Test
  void stopFlushesTheProcessorsDrainsTheRingAndClosesTheBackends() throws Exception {
    CollectingBackend backend = new CollectingBackend("collect");
    CountingHandler batch = new CountingHandler(Route.BATCH);
    EventPipeline pipeline = pipeline(List.of(batch.binding()), backend);
    pipeline.start();
    RecordingAckTarget connection = new RecordingAckTarget(backend::committedEvents);
    FramePublisher frames = new FramePublisher(pipeline.publisher(), connection, true, NOW_MILLIS);
    int count = 200;
    long batchEvents = 0;
    for (long id = 1; id <= count; id++) {
      frames.event(priorityOf(id), "metrics/cpu", id, payload(id));
      if (priorityOf(id) == Priority.BATCH) {
        batchEvents++;
      }
    }

    // No waiting: stop itself must drain what was published.
    pipeline.stop();

    assertThat(pipeline.state()).isEqualTo(EventPipeline.State.STOPPED);
    assertThat(backend.eventIds()).hasSize(count);
    assertThat(batch.flushes.get()).isPositive();
    List<CollectingBackend.Entry> entries = backend.entries();
    CollectingBackend.Entry last = entries.get(entries.size() - 1);
    assertThat(last.isEvent()).as("the flush record comes after every event").isFalse();
    assertThat(last.record().kind()).isEqualTo(RecordKind.WINDOW);
    assertThat(last.record().count()).isEqualTo(batchEvents);
    assertThat(last.record().endMillis()).isEqualTo(NOW_MILLIS);
    assertThat(backend.committedEvents()).isEqualTo(count);
    assertThat(backend.closeCalls()).isEqualTo(1);
    assertThat(connection.lastAck()).isEqualTo(count);

    pipeline.stop(); // a second stop does nothing
    assertThat(backend.closeCalls()).isEqualTo(1);
  }

  @Test
  void aStorageOutageIsRetriedUntilItEndsAndLosesNothing() throws Exception {
    CollectingBackend stored = new CollectingBackend("flaky");
    FlakyBackend backend = new FlakyBackend(stored, 6);
    EventPipeline pipeline =
        pipeline(List.of(new AlertingHandler(Route.REALTIME).binding()), backend);
    pipeline.start();
    RecordingAckTarget connection = new RecordingAckTarget(stored::committedEvents);
    FramePublisher frames = new FramePublisher(pipeline.publisher(), connection, true, NOW_MILLIS);

    int count = 200;
    for (long id = 1; id <= count; id++) {
      frames.event(Priority.CRITICAL, "alarms", id, payload(id));
    }

    await().atMost(DEADLINE).until(() -> connection.lastAck() == count);
    List<Long> ids = new ArrayList<>();
    for (long id = 1; id <= count; id++) {
      ids.add(id);
    }
    assertThat(stored.eventIds()).containsExactlyElementsOf(ids);
    assertThat(backend.failures()).isEqualTo(6);
    assertThat(metrics.storageErrors("flaky").getLongValue()).isEqualTo(6);
    for (RecordingAckTarget.Ack ack : connection.acks()) {
      assertThat(ack.committedEvents()).isGreaterThanOrEqualTo(ack.frameNo());
    }
  }

  @Test
  void aDurableBackendInOutageShowsAsDownUntilItRecovers() throws Exception {
    CollectingBackend stored = new CollectingBackend("flaky");
    FlakyBackend backend = new FlakyBackend(stored, 0);
    EventPipeline pipeline = pipeline(List.of(), backend);
    pipeline.start();
    RecordingAckTarget connection = new RecordingAckTarget(stored::committedEvents);
    FramePublisher frames = new FramePublisher(pipeline.publisher(), connection, true, NOW_MILLIS);
    assertThat(pipeline.storageUp()).isTrue();
    assertThat(metrics.storageUp("flaky").get()).isEqualTo(1.0);

    backend.goDown();
    frames.event(Priority.HIGH, "orders", 1, payload(1));
    await().atMost(DEADLINE).until(() -> !pipeline.storageUp());
    assertThat(metrics.storageUp("flaky").get()).isEqualTo(0.0);
    assertThat(connection.lastAck()).isZero();

    backend.recover();
    await().atMost(DEADLINE).until(() -> connection.lastAck() == 1);
    assertThat(pipeline.storageUp()).isTrue();
    assertThat(metrics.storageUp("flaky").get()).isEqualTo(1.0);
    assertThat(stored.eventIds()).containsExactly(1L);
  }

  @Test
  void acknowledgementsDoNotWaitForABackendThatIsNotDurable() throws Exception {
    CollectingBackend durable = new CollectingBackend("durable");
    CollectingBackend behind = new CollectingBackend("behind");
    FlakyBackend notDurable = new FlakyBackend(behind, 0, false);
    notDurable.goDown();
    EventPipeline pipeline = pipeline(List.of(), durable, notDurable);
    pipeline.start();
    RecordingAckTarget connection = new RecordingAckTarget(durable::committedEvents);
    FramePublisher frames = new FramePublisher(pipeline.publisher(), connection, true, NOW_MILLIS);

    int count = 20; // fewer than the ring holds: the stalled writer still gates the ring
    for (long id = 1; id <= count; id++) {
      frames.event(Priority.MEDIUM, "orders", id, payload(id));
    }
    await().atMost(DEADLINE).until(() -> connection.lastAck() == count);
    assertThat(behind.eventIds()).isEmpty();
    // Not ready: ingest stalls once the ring is full behind its writer.
    assertThat(pipeline.storageUp()).isFalse();
    assertThat(metrics.storageUp("behind").get()).isEqualTo(0.0);

    notDurable.recover();
    await().atMost(DEADLINE).until(() -> behind.eventIds().size() == count);
    assertThat(behind.eventIds()).isEqualTo(durable.eventIds());
    await().atMost(DEADLINE).until(pipeline::storageUp);
  }

  @Test
  void aLargePayloadIsKeptUntilABackendThatIsNotDurableHasWrittenIt() throws Exception {
    CollectingBackend durable = new CollectingBackend("durable");
    CollectingBackend behind = new CollectingBackend("behind");
    FlakyBackend notDurable = new FlakyBackend(behind, 0, false);
    notDurable.goDown();
    EventPipeline pipeline =
        pipeline("eventstream.ring.slot-retained-payload-bytes=16", List.of(), durable, notDurable);
    pipeline.start();
    RecordingAckTarget connection = new RecordingAckTarget(durable::committedEvents);
    FramePublisher frames = new FramePublisher(pipeline.publisher(), connection, true, NOW_MILLIS);

    int count = 20;
    for (long id = 1; id <= count; id++) {
      frames.largeEvent(Priority.MEDIUM, "orders", id, largePayload(id));
    }
    // Acknowledged while the other writer has not read them.
    await().atMost(DEADLINE).until(() -> connection.lastAck() == count);
    assertThat(behind.eventIds()).isEmpty();

    notDurable.recover();
    await().atMost(DEADLINE).until(() -> behind.eventIds().size() == count);
    for (StoredEvent event : behind.events()) {
      assertThat(event.payload()).isEqualTo(largePayload(event.eventId()));
    }
    await().atMost(DEADLINE).until(() -> pipeline.publisher().largeBytes() == 0);
  }

  private static byte[] largePayload(long id) {
    return ("large-payload-" + id + "-" + "x".repeat(200)).getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void stopKeepsItsDeadlineWhenTheRingIsFullBehindAStalledBackend() throws Exception {
    CollectingBackend stored = new CollectingBackend("stalled");
    FlakyBackend backend = new FlakyBackend(stored, 0);
    backend.goDown();
    EventPipeline pipeline =
        new EventPipeline(
            settings(
                "eventstream.ring.shutdown-timeout = 300ms\neventstream.ring.tick-interval = 1h"),
            metrics,
            clock,
            List.of(),
            List.of(backend));
    pipelines.add(pipeline);
    pipeline.start();
    RingPublisher ring = pipeline.publisher();
    long sequence;
    long id = 0;
    while ((sequence = ring.tryClaim()) != RingPublisher.NO_SLOT) {
      EventSlot slot = ring.slot(sequence);
      slot.beginFrame(null, ++id, false);
      slot.header(Priority.LOW, id, 0);
      slot.topicBuffer(1)[0] = 't';
      slot.payloadBuffer(0);
      slot.received(NOW_MILLIS, System.nanoTime());
      ring.publish(sequence);
    }
    assertThat(ring.remainingCapacity()).isZero();

    AtomicReference<Throwable> stopFailure = new AtomicReference<>();
    Thread stopper =
        new Thread(
            () -> {
              try {
                pipeline.stop();
              } catch (Throwable t) {
                stopFailure.set(t);
              }
            },
            "test-stopper");
    stopper.start();
    try {
      stopper.join(Duration.ofSeconds(5).toMillis());
      assertThat(stopper.isAlive())
          .as("stop() still running 5 s after a 300 ms shutdown timeout")
          .isFalse();
      assertThat(stopFailure.get()).isNull();
      assertThat(pipeline.state()).isEqualTo(EventPipeline.State.STOPPED);
    } finally {
      // Let the ring drain so that a stop() stuck on the bug can finish and its threads end.
      backend.recover();
      stopper.join(DEADLINE.toMillis());
    }
  }

  @Test
  void anErrorAStorageWriterCannotRetryStopsItWithoutAcknowledgingUncommittedEvents()
      throws Exception {
    CollectingBackend stored =
        new CollectingBackend("dies") {
          @Override
          public void append(EventView event) {
            if (event.eventId() == 5) {
              throw new OutOfMemoryError("simulated: not an outage the writer can retry");
            }
            super.append(event);
          }
        };
    EventPipeline pipeline =
        new EventPipeline(
            settings("eventstream.ring.shutdown-timeout = 300ms"),
            metrics,
            clock,
            List.of(),
            List.of(stored));
    pipelines.add(pipeline);
    pipeline.start();
    RecordingAckTarget connection = new RecordingAckTarget(stored::committedEvents);
    FramePublisher frames = new FramePublisher(pipeline.publisher(), connection, true, NOW_MILLIS);
    for (long id = 1; id <= 10; id++) {
      frames.event(Priority.LOW, "orders", id, new byte[] {1});
    }

    await().atMost(DEADLINE).until(pipeline::failed);
    assertThat(metrics.handlerErrors("storage").getLongValue()).isEqualTo(1);
    assertThat(connection.lastAck())
        .as("no ACK covers the event that was never stored")
        .isLessThan(5);
    for (RecordingAckTarget.Ack ack : connection.acks()) {
      assertThat(ack.committedEvents()).isGreaterThanOrEqualTo(ack.frameNo());
    }
    pipeline.stop();
    assertThat(pipeline.state()).isEqualTo(EventPipeline.State.STOPPED);
    assertThat(connection.lastAck()).isLessThan(5);
  }

  @Test
  void stopFlushesMoreOpenStateThanOneSlotMayEmit() throws Exception {
    CollectingBackend stored = new CollectingBackend("memory");
    int[] open = {20}; // more than the 7 records a slot may emit (record-queue-size 16)
    ProcessorHandler windows =
        new ProcessorHandler() {
          @Override
          public void onEvent(EventView event, RecordSink sink) {}

          @Override
          public void onFlush(long nowMillis, RecordSink sink) {
            while (open[0] > 0 && sink.remainingForEvent() > 0) {
              sink.emit().window("t" + open[0]--, 0, 1, 1, 1, 0, 0);
            }
          }
        };
    EventPipeline pipeline =
        new EventPipeline(
            settings("eventstream.topics.max = 32"),
            metrics,
            clock,
            List.of(ProcessorBinding.of(Route.BATCH, windows)),
            List.of(stored));
    pipelines.add(pipeline);
    pipeline.start();
    pipeline.stop();

    assertThat(open[0]).isZero();
    assertThat(stored.records()).hasSize(20);
  }

  @Test
  void startingTwiceFails() throws Exception {
    EventPipeline pipeline = pipeline(List.of(), new CollectingBackend("collect"));
    assertThat(pipeline.state()).isEqualTo(EventPipeline.State.NEW);
    pipeline.start();
    assertThat(pipeline.state()).isEqualTo(EventPipeline.State.STARTED);

    assertThatThrownBy(pipeline::start).isInstanceOf(IllegalStateException.class);

    pipeline.stop();
    assertThatThrownBy(pipeline::start).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void stoppingAPipelineNeverStartedJustEndsIt() throws Exception {
    CollectingBackend backend = new CollectingBackend("collect");
    EventPipeline pipeline = pipeline(List.of(), backend);

    pipeline.stop();

    assertThat(pipeline.state()).isEqualTo(EventPipeline.State.STOPPED);
    assertThatThrownBy(pipeline::start).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void rejectsNoDurableBackendAndTwoHandlersOfOneName() {
    assertThatThrownBy(() -> new EventPipeline(settings(""), metrics, clock, List.of(), List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    FlakyBackend notDurable = new FlakyBackend(new CollectingBackend("c"), 0, false);
    assertThatThrownBy(
            () ->
                new EventPipeline(
                    settings(""), new EngineMetrics(), clock, List.of(), List.of(notDurable)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("durable");
    List<ProcessorBinding> twice =
        List.of(
            new CountingHandler(Route.BATCH).binding(), new CountingHandler(Route.BATCH).binding());
    assertThatThrownBy(
            () ->
                new EventPipeline(
                    settings(""),
                    new EngineMetrics(),
                    clock,
                    twice,
                    List.of(new CollectingBackend("c"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("two processor handlers named batch");
  }

  /** Emits 0..2 alerts per event, named after its route, so that records interleave with events. */
  private static final class AlertingHandler implements ProcessorHandler {
    private final Route route;

    AlertingHandler(Route route) {
      this.route = route;
    }

    static int alertsFor(long id) {
      return id % 3 == 0 ? 2 : id % 5 == 0 ? 1 : 0;
    }

    ProcessorBinding binding() {
      return ProcessorBinding.of(route, this);
    }

    @Override
    public void onEvent(EventView event, RecordSink sink) {
      for (int i = 0; i < alertsFor(event.eventId()); i++) {
        sink.emit()
            .alert(
                route.label() + "-" + i,
                "WARNING",
                event.topic(),
                event.receivedMillis(),
                event.eventId(),
                event.payloadLength());
      }
    }
  }

  /** Counts its events and writes one summary window when flushed. */
  private static final class CountingHandler implements ProcessorHandler {
    private final Route route;
    private final AtomicLong events = new AtomicLong();
    private final AtomicInteger flushes = new AtomicInteger();

    CountingHandler(Route route) {
      this.route = route;
    }

    ProcessorBinding binding() {
      return ProcessorBinding.of(route, this);
    }

    @Override
    public void onEvent(EventView event, RecordSink sink) {
      events.incrementAndGet();
    }

    @Override
    public void onFlush(long nowMillis, RecordSink sink) {
      // Flush may be called several times; only the first has something to flush.
      if (flushes.getAndIncrement() == 0) {
        sink.emit().window("flush", 0, nowMillis, events.get(), 0, 0, 0);
      }
    }
  }
}
