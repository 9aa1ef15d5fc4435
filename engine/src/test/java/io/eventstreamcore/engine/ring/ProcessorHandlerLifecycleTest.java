package io.eventstreamcore.engine.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import io.eventstreamcore.engine.config.EngineSettings;
import io.eventstreamcore.engine.event.EventView;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.event.Route;
import io.eventstreamcore.engine.metrics.EngineMetrics;
import io.eventstreamcore.engine.spi.HandlerContext;
import io.eventstreamcore.engine.spi.ProcessorBinding;
import io.eventstreamcore.engine.spi.ProcessorHandler;
import io.eventstreamcore.engine.spi.RecordSink;
import io.eventstreamcore.engine.spi.StorageBackend;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The processor handler lifecycle and error isolation as the pipeline drives them: several handlers
 * per route in order, start before the ring, stop after it drained, failures counted per handler.
 */
class ProcessorHandlerLifecycleTest {
  private static final Duration DEADLINE = Duration.ofSeconds(10);
  private static final long NOW_MILLIS = 1_700_000_000_000L;

  private final InstantSource clock = InstantSource.fixed(Instant.ofEpochMilli(NOW_MILLIS));
  private final EngineMetrics metrics = new EngineMetrics();
  private final List<EventPipeline> pipelines = new ArrayList<>();

  @AfterEach
  void stopEveryPipeline() throws InterruptedException {
    for (EventPipeline pipeline : pipelines) {
      pipeline.stop();
    }
    await("stage threads to end").atMost(DEADLINE).until(() -> EngineThreads.live().isEmpty());
  }

  private EventPipeline pipeline(List<ProcessorBinding> handlers, StorageBackend backend) {
    return pipeline(handlers, backend, "");
  }

  private EventPipeline pipeline(
      List<ProcessorBinding> handlers, StorageBackend backend, String extra) {
    EngineSettings settings =
        new EngineSettings(
            ConfigFactory.parseString(
                    extra
                        + "\neventstream.ring.size=64\n"
                        + "eventstream.ring.record-queue-size=16\n"
                        + "eventstream.ring.tick-interval=10ms\n"
                        + "eventstream.dedup.max-keys=4096\n"
                        + "eventstream.topics.priorities { alarms = CRITICAL }\n")
                .withFallback(ConfigFactory.defaultReference())
                .resolve());
    EventPipeline pipeline =
        new EventPipeline(settings, metrics, clock, handlers, List.of(backend));
    pipelines.add(pipeline);
    return pipeline;
  }

  private static byte[] payload(long id) {
    return ("payload-" + id).getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void handlersOfOneRouteRunInOrderAndOneThrowingDoesNotSkipTheNext() throws Exception {
    CollectingBackend backend = new CollectingBackend("collect");
    List<String> calls = new CopyOnWriteArrayList<>();
    ProcessorHandler first =
        (event, sink) -> {
          calls.add("first-" + event.eventId());
          throw new IllegalStateException("first always fails");
        };
    ProcessorHandler second = (event, sink) -> calls.add("second-" + event.eventId());
    EventPipeline pipeline =
        pipeline(
            List.of(
                new ProcessorBinding(Route.REALTIME, "first", ConfigFactory.empty(), first),
                new ProcessorBinding(Route.REALTIME, "second", ConfigFactory.empty(), second)),
            backend);
    pipeline.start();
    RecordingAckTarget connection = new RecordingAckTarget(backend::committedEvents);
    FramePublisher frames = new FramePublisher(pipeline.publisher(), connection, true, NOW_MILLIS);
    frames.event(Priority.HIGH, "alarms", 1, payload(1));
    frames.event(Priority.HIGH, "alarms", 2, payload(2));

    await().atMost(DEADLINE).until(() -> connection.lastAck() == 2);
    assertThat(calls).containsExactly("first-1", "second-1", "first-2", "second-2");
    assertThat(metrics.processorHandlerErrors("realtime", "first").getLongValue()).isEqualTo(2);
    assertThat(metrics.processorHandlerErrors("realtime", "second").getLongValue()).isZero();
    assertThat(metrics.handlerErrors("processor").getLongValue()).isEqualTo(2);
    assertThat(backend.eventIds()).containsExactly(1L, 2L);
  }

  @Test
  void handlersStartBeforeTheRingAndStopAfterItDrained() throws Exception {
    CollectingBackend backend = new CollectingBackend("collect");
    List<String> calls = new CopyOnWriteArrayList<>();
    AtomicReference<HandlerContext> context = new AtomicReference<>();
    ProcessorHandler lifecycle =
        new ProcessorHandler() {
          @Override
          public void start(HandlerContext c) {
            context.set(c);
            calls.add("start");
          }

          @Override
          public void onEvent(EventView event, RecordSink sink) {
            calls.add("event");
          }

          @Override
          public void onFlush(long nowMillis, RecordSink sink) {
            if (!calls.contains("flush")) {
              calls.add("flush");
            }
          }

          @Override
          public void stop() {
            // Every stage thread has ended by now: the ring has drained.
            calls.add("stop:" + backend.eventIds().size() + ":" + EngineThreads.live().size());
          }
        };
    EventPipeline pipeline =
        pipeline(
            List.of(
                new ProcessorBinding(
                    Route.BATCH, "probe", ConfigFactory.parseString("threshold = 3"), lifecycle)),
            backend);
    pipeline.start();
    assertThat(context.get().name()).isEqualTo("probe");
    assertThat(context.get().route()).isEqualTo(Route.BATCH);
    assertThat(context.get().config().getInt("threshold")).isEqualTo(3);
    assertThat(context.get().maxTopicIds()).isEqualTo(settingsMaxTopics() + 1);
    assertThat(context.get().clock().millis()).isEqualTo(NOW_MILLIS);
    RecordingAckTarget connection = new RecordingAckTarget(backend::committedEvents);
    FramePublisher frames = new FramePublisher(pipeline.publisher(), connection, true, NOW_MILLIS);
    frames.event(Priority.BATCH, "metrics/cpu", 1, payload(1));
    await().atMost(DEADLINE).until(() -> connection.lastAck() == 1);

    pipeline.stop();
    pipeline.stop();

    assertThat(calls).containsExactly("start", "event", "flush", "stop:1:0");
  }

  @Test
  void aHandlerFailingToStartStopsTheStartedOnesAndNamesItself() {
    List<String> calls = new CopyOnWriteArrayList<>();
    ProcessorHandler good =
        new ProcessorHandler() {
          @Override
          public void start(HandlerContext c) {
            calls.add("start good");
          }

          @Override
          public void onEvent(EventView event, RecordSink sink) {}

          @Override
          public void stop() {
            calls.add("stop good");
          }
        };
    ProcessorHandler bad =
        new ProcessorHandler() {
          @Override
          public void start(HandlerContext c) {
            throw new IllegalArgumentException("no threshold");
          }

          @Override
          public void onEvent(EventView event, RecordSink sink) {}

          @Override
          public void stop() {
            calls.add("stop bad");
          }
        };
    EventPipeline pipeline =
        pipeline(
            List.of(
                new ProcessorBinding(Route.REALTIME, "good", ConfigFactory.empty(), good),
                new ProcessorBinding(Route.TRANSACTIONAL, "bad", ConfigFactory.empty(), bad)),
            new CollectingBackend("collect"));

    assertThatThrownBy(pipeline::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("transactional handler 'bad' failed to start: no threshold");
    assertThat(calls).containsExactly("start good", "stop good");
    assertThat(pipeline.state()).isEqualTo(EventPipeline.State.STOPPED);
    assertThat(EngineThreads.live()).isEmpty();
  }

  private static int settingsMaxTopics() {
    return new EngineSettings(ConfigFactory.defaultReference().resolve()).maxTopics();
  }

  @Test
  void stopFlushesEveryOpenStateOfAHandlerWithSeveralPerTopic() throws Exception {
    // 33 topic ids, 8 records per flush slot: 3 states per id need 3 times the slots of one.
    int[] open = {33 * 3};
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

          @Override
          public int maxOpenStatesPerTopic() {
            return 3;
          }
        };
    CollectingBackend stored = new CollectingBackend("memory");
    EventPipeline pipeline =
        pipeline(
            List.of(ProcessorBinding.of(Route.BATCH, windows)),
            stored,
            "eventstream.topics.max = 32");
    pipeline.start();
    pipeline.stop();

    assertThat(open[0]).isZero();
    assertThat(stored.records()).hasSize(99);
  }
}
