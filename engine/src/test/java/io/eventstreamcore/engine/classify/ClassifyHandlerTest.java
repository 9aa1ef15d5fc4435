package io.eventstreamcore.engine.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.lmax.disruptor.Sequence;
import io.eventstreamcore.engine.event.ErrorCode;
import io.eventstreamcore.engine.event.EventSlot;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.event.Route;
import io.eventstreamcore.engine.event.SlotKind;
import io.eventstreamcore.engine.metrics.EngineMetrics;
import io.eventstreamcore.engine.ring.OverloadPolicy;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class ClassifyHandlerTest {
  private static final long WINDOW_MILLIS = 60_000;

  private EngineMetrics metrics;
  private ClassifyHandler handler;
  private long sequence;

  @BeforeEach
  void setUp() {
    Map<String, Priority> table = new LinkedHashMap<>();
    for (Priority p : Priority.values()) {
      table.put("listed/" + p.name(), p);
    }
    metrics = new EngineMetrics();
    handler =
        new ClassifyHandler(
            new TopicIndex(table, 64), new DedupWindow(WINDOW_MILLIS, 1024), metrics);
  }

  private EventSlot classify(String topic, Priority framePriority, long eventId, long millis) {
    EventSlot slot = new EventSlot(16);
    fill(slot, topic, framePriority, eventId, millis);
    handler.onEvent(slot, sequence++, true);
    return slot;
  }

  private static void fill(
      EventSlot slot, String topic, Priority framePriority, long eventId, long millis) {
    slot.beginFrame(null, 1, false);
    slot.header(framePriority, eventId, 0);
    byte[] t = topic.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(t, 0, slot.topicBuffer(t.length), 0, t.length);
    slot.payloadBuffer(1)[0] = 1;
    slot.received(millis, 0);
  }

  @Test
  void aSlotThatFailsToClassifyIsRejectedAndDoesNotKeepTheLastEventsRoute() {
    // A batch overload decision that fails (any failure inside classify: a bug, an out-of-memory).
    OverloadPolicy[] policies = new OverloadPolicy[Route.values().length];
    Sequence[] progress = new Sequence[Route.values().length];
    for (Route route : Route.values()) {
      policies[route.ordinal()] = new OverloadPolicy.Backpressure();
      progress[route.ordinal()] = new Sequence();
    }
    policies[Route.BATCH.ordinal()] = new OverloadPolicy.DropNewest(100);
    boolean[] broken = {true};
    progress[Route.BATCH.ordinal()] =
        new Sequence() {
          @Override
          public long get() {
            if (broken[0]) {
              throw new IllegalStateException("broken");
            }
            return super.get();
          }
        };
    handler =
        new ClassifyHandler(
            new TopicIndex(Map.of("alarms", Priority.CRITICAL), 64),
            new DedupWindow(WINDOW_MILLIS, 1024),
            new ArrivalOverload(policies, progress, -1),
            metrics);
    EventSlot slot = classify("alarms", Priority.CRITICAL, 1, 1_000);
    assertThat(slot.route()).isEqualTo(Route.REALTIME);

    fill(slot, "bulk", Priority.BATCH, 2, 1_000); // the slot reused
    assertThatThrownBy(() -> handler.onEvent(slot, sequence++, true))
        .hasMessage("broken"); // for the stage's exception handler to count

    assertThat(slot.kind()).isEqualTo(SlotKind.REJECTED); // not an event for any stage
    assertThat(slot.error()).isEqualTo(ErrorCode.NOT_HANDLED);
    assertThat(slot.error().code()).isEqualTo(6); // the client sends it again,
    assertThat(slot.closeAfter()).isTrue(); // on its next connection
    assertThat(metrics.framesRejected(ErrorCode.NOT_HANDLED).get()).isEqualTo(1);

    // The resend, with the same id, is that event, not a duplicate acknowledged and never stored.
    broken[0] = false;
    fill(slot, "bulk", Priority.BATCH, 2, 1_000);
    handler.onEvent(slot, sequence++, true);
    assertThat(slot.kind()).isEqualTo(SlotKind.EVENT);
    assertThat(slot.duplicate()).isFalse();
    assertThat(slot.route()).isEqualTo(Route.BATCH);
  }

  @Test
  void beyondTheTopicBoundProcessorsSeeTheSharedTopicAndStorageTheOneSent() {
    handler =
        new ClassifyHandler(
            new TopicIndex(Map.of(), 1), new DedupWindow(WINDOW_MILLIS, 1024), metrics);
    EventSlot slot = classify("device/1", Priority.LOW, 1, 1_000);
    assertThat(slot.topic()).isEqualTo("device/1");
    assertThat(slot.sentTopic()).isSameAs(slot.topic()); // interned: no allocation

    fill(slot, "device/2", Priority.LOW, 2, 1_000);
    handler.onEvent(slot, sequence++, true);
    assertThat(slot.topic()).isEqualTo(TopicIndex.OVERFLOW_TOPIC);
    assertThat(slot.sentTopic()).isEqualTo("device/2");

    fill(slot, "device/1", Priority.LOW, 3, 1_000); // the slot reused for a known topic
    handler.onEvent(slot, sequence++, true);
    assertThat(slot.sentTopic()).isEqualTo("device/1");
  }

  @ParameterizedTest(name = "frame {0}, table {1} -> {2} on {3}")
  @CsvSource({
    // A listed topic can only raise the frame's priority.
    "BATCH,    HIGH,     HIGH,     REALTIME",
    "BATCH,    BATCH,    BATCH,    BATCH",
    "LOW,      BATCH,    LOW,      TRANSACTIONAL",
    "LOW,      MEDIUM,   MEDIUM,   TRANSACTIONAL",
    "MEDIUM,   CRITICAL, CRITICAL, REALTIME",
    "HIGH,     MEDIUM,   HIGH,     REALTIME",
    "CRITICAL, LOW,      CRITICAL, REALTIME",
    "CRITICAL, BATCH,    CRITICAL, REALTIME",
    "HIGH,     BATCH,    HIGH,     REALTIME",
    // An unlisted topic is capped at MEDIUM.
    "BATCH,    ,         BATCH,    BATCH",
    "LOW,      ,         LOW,      TRANSACTIONAL",
    "MEDIUM,   ,         MEDIUM,   TRANSACTIONAL",
    "HIGH,     ,         MEDIUM,   TRANSACTIONAL",
    "CRITICAL, ,         MEDIUM,   TRANSACTIONAL",
  })
  void appliesTheTopicTableAndRoutesByEffectivePriority(
      Priority frame, Priority listed, Priority expected, Route route) {
    String topic = listed == null ? "unlisted" : "listed/" + listed.name();

    EventSlot slot = classify(topic, frame, 0, 1_000);

    assertThat(slot.priority()).isEqualTo(expected);
    assertThat(slot.route()).isEqualTo(route);
    assertThat(slot.framePriority()).isEqualTo(frame);
    assertThat(slot.topic()).isEqualTo(topic);
    assertThat(slot.duplicate()).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Priority.class)
  void routesEachPriorityToItsProcessor(Priority priority) {
    EventSlot slot = classify("listed/" + priority.name(), priority, 0, 1_000);

    Route expected =
        switch (priority) {
          case HIGH, CRITICAL -> Route.REALTIME;
          case MEDIUM, LOW -> Route.TRANSACTIONAL;
          case BATCH -> Route.BATCH;
        };
    assertThat(slot.priority()).isEqualTo(priority);
    assertThat(slot.route()).isEqualTo(expected);
  }

  @Test
  void setsTheTopicNameAndDenseId() {
    EventSlot listed = classify("listed/LOW", Priority.LOW, 0, 1);
    EventSlot first = classify("new/one", Priority.LOW, 0, 1);
    EventSlot second = classify("new/two", Priority.LOW, 0, 1);
    EventSlot firstAgain = classify("new/one", Priority.LOW, 0, 1);

    assertThat(listed.topicId()).isEqualTo(Priority.LOW.ordinal());
    int tableSize = Priority.values().length;
    assertThat(first.topicId()).isEqualTo(tableSize);
    assertThat(second.topicId()).isEqualTo(tableSize + 1);
    assertThat(firstAgain.topicId()).isEqualTo(tableSize);
    assertThat(firstAgain.topic()).isSameAs(first.topic()).isEqualTo("new/one");
  }

  @Test
  void flagsAndCountsDuplicatesWithinTheWindow() {
    EventSlot original = classify("orders", Priority.MEDIUM, 1001, 10_000);
    EventSlot duplicate = classify("orders", Priority.MEDIUM, 1001, 10_001);
    // Dedup is by event id alone: another topic or priority with the same id is still a duplicate.
    EventSlot sameIdOtherTopic = classify("listed/HIGH", Priority.CRITICAL, 1001, 10_002);
    EventSlot other = classify("orders", Priority.MEDIUM, 1002, 10_003);

    assertThat(original.duplicate()).isFalse();
    assertThat(duplicate.duplicate()).isTrue();
    assertThat(sameIdOtherTopic.duplicate()).isTrue();
    assertThat(other.duplicate()).isFalse();
    assertThat(metrics.eventsDuplicate().getLongValue()).isEqualTo(2);
    // Duplicates are still classified and routed.
    assertThat(sameIdOtherTopic.route()).isEqualTo(Route.REALTIME);
  }

  @Test
  void usesTheReceivedTimeForTheWindow() {
    classify("orders", Priority.LOW, 77, 10_000);

    EventSlot afterWindow = classify("orders", Priority.LOW, 77, 10_000 + WINDOW_MILLIS);

    assertThat(afterWindow.duplicate()).isFalse();
    assertThat(metrics.eventsDuplicate().getLongValue()).isZero();
  }

  @Test
  void idsForgottenBeforeTheWindowEndsAreCounted() throws IOException {
    // Generations of one id: the fourth id makes the window forget the first.
    handler =
        new ClassifyHandler(
            new TopicIndex(Map.of(), 64), new DedupWindow(WINDOW_MILLIS, 2), metrics);
    for (long id = 1; id <= 3; id++) {
      classify("orders", Priority.LOW, id, 10_000);
    }
    assertThat(metrics.dedupForgottenEarly()).isZero();

    classify("orders", Priority.LOW, 4, 10_000);
    classify("orders", Priority.LOW, 5, 10_000);

    assertThat(metrics.dedupForgottenEarly()).isEqualTo(2);
    ByteArrayOutputStream scrape = new ByteArrayOutputStream();
    new PrometheusTextFormatWriter(false).write(scrape, metrics.registry().scrape());
    assertThat(scrape.toString(StandardCharsets.UTF_8))
        .contains("eventstream_dedup_forgotten_early_total 2.0");
    assertThat(classify("orders", Priority.LOW, 1, 10_001).duplicate()).isFalse();
    assertThat(classify("orders", Priority.LOW, 5, 10_001).duplicate()).isTrue();
  }

  @Test
  void eventsWithoutAnIdAreNeverDuplicates() {
    for (int i = 0; i < 5; i++) {
      assertThat(classify("orders", Priority.LOW, 0, 10_000).duplicate()).isFalse();
    }
    assertThat(metrics.eventsDuplicate().getLongValue()).isZero();
  }

  @Test
  void aReusedSlotLosesItsPreviousDuplicateFlag() {
    EventSlot slot = new EventSlot(16);
    classify("orders", Priority.LOW, 5, 1);
    fill(slot, "orders", Priority.LOW, 5, 2);
    handler.onEvent(slot, sequence++, true);
    assertThat(slot.duplicate()).isTrue();

    fill(slot, "orders", Priority.LOW, 6, 3);
    handler.onEvent(slot, sequence++, true);

    assertThat(slot.duplicate()).isFalse();
  }

  @Test
  void leavesControlAndRejectedSlotsAlone() {
    EventSlot tick = new EventSlot(16);
    tick.beginControl(SlotKind.TICK, 5, 5);
    handler.onEvent(tick, sequence++, true);
    assertThat(tick.topic()).isNull();

    EventSlot rejected = new EventSlot(16);
    fill(rejected, "orders", Priority.CRITICAL, 9, 1);
    rejected.reject(ErrorCode.BAD_TOPIC, false);
    handler.onEvent(rejected, sequence++, true);
    assertThat(rejected.topic()).isNull();

    // A rejected frame's id was not recorded: the same id later is new.
    assertThat(classify("orders", Priority.LOW, 9, 2).duplicate()).isFalse();
  }
}
