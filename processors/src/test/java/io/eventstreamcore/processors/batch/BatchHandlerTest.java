package io.eventstreamcore.processors.batch;

import static io.eventstreamcore.processors.TestEvents.event;
import static io.eventstreamcore.processors.TestEvents.payload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.eventstreamcore.engine.event.EventView;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.metrics.EngineMetrics;
import io.eventstreamcore.engine.record.DeadLetterReason;
import io.eventstreamcore.engine.record.RecordKind;
import io.eventstreamcore.engine.spi.StoredRecord;
import io.eventstreamcore.processors.ArrayRecordSink;
import io.eventstreamcore.processors.config.BatchSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BatchHandlerTest {
  private static final long WINDOW = 5_000;
  private static final long START = 1_700_000_000_000L; // a multiple of the window
  private static final int TOPIC_IDS = 8;

  private EngineMetrics metrics;
  private BatchHandler handler;
  private ArrayRecordSink sink;

  @BeforeEach
  void setUp() {
    metrics = new EngineMetrics();
    handler = handler(BatchSettings.TimeBasis.PROCESSING, 0, 0);
    sink = new ArrayRecordSink(8);
  }

  private BatchHandler handler(BatchSettings.TimeBasis time, long latenessMillis, long maxEvents) {
    return new BatchHandler(
        BatchSettings.of(
            Duration.ofMillis(WINDOW), time, Duration.ofMillis(latenessMillis), maxEvents),
        TOPIC_IDS,
        metrics.windowsClosed(),
        metrics.batchLateEvents());
  }

  private void onEvent(String topic, int topicId, long millis, long eventId, int payloadBytes) {
    handler.onEvent(
        event(topic, topicId, Priority.BATCH, eventId, millis, payload(payloadBytes, 1)), sink);
  }

  private void onEvent(long millis) {
    onEvent("metrics", 0, millis, 0, 10);
  }

  /** The records emitted, as windows with only the fields {@link #window} gives. */
  private List<StoredRecord> windows() {
    return sink.records().stream()
        .map(
            r ->
                StoredRecord.window(
                    r.topic(),
                    r.startMillis(),
                    r.endMillis(),
                    r.count(),
                    r.payloadBytes(),
                    r.minEventId(),
                    r.maxEventId()))
        .toList();
  }

  private static StoredRecord window(
      String topic, long start, long count, long bytes, long minId, long maxId) {
    return StoredRecord.window(topic, start, start + WINDOW, count, bytes, minId, maxId);
  }

  @Test
  void windowsOfManyTopicsSurviveThePerTopicArraysGrowing() {
    int topicIds = 300; // past the first 64 and every doubling, then capped at 300
    handler =
        new BatchHandler(
            BatchSettings.of(
                Duration.ofMillis(WINDOW), BatchSettings.TimeBasis.PROCESSING, Duration.ZERO, 0),
            topicIds,
            metrics.windowsClosed(),
            metrics.batchLateEvents());
    List<StoredRecord> expected = new ArrayList<>();
    for (int t = 0; t < topicIds; t++) {
      onEvent("topic-" + t, t, START + 1, t + 1, 10);
    }
    for (int t = topicIds - 1; t >= 0; t--) {
      if (t % 7 == 0) {
        onEvent("topic-" + t, t, START + 2, t + 1_000, 5);
        expected.add(window("topic-" + t, START, 2, 15, t + 1, t + 1_000));
      } else {
        expected.add(window("topic-" + t, START, 1, 10, t + 1, t + 1));
      }
    }
    assertThat(handler.openWindows()).isEqualTo(topicIds);

    sink = new ArrayRecordSink(topicIds);
    handler.onFlush(START + 3, sink);

    assertThat(windows()).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void windowsAreAlignedToMultiplesOfTheWindowSinceTheEpoch() {
    onEvent(START + 1_234);

    handler.onFlush(START + 2_000, sink);

    assertThat(windows()).containsExactly(window("metrics", START, 1, 10, 0, 0));
  }

  @Test
  void anEventAtTheLastMillisecondOfAWindowStaysInIt() {
    onEvent(START);
    onEvent(START + WINDOW - 1);

    assertThat(sink.records()).isEmpty();
    assertThat(handler.openWindows()).isEqualTo(1);
  }

  @Test
  void anEventAtTheWindowEndClosesThePreviousWindowAndOpensTheNext() {
    onEvent(START + 100);
    onEvent(START + WINDOW - 1);

    onEvent(START + WINDOW);

    assertThat(windows()).containsExactly(window("metrics", START, 2, 20, 0, 0));
    assertThat(metrics.windowsClosed().getLongValue()).isEqualTo(1);
    assertThat(handler.openWindows()).isEqualTo(1);
    sink.clear();
    handler.onFlush(START + WINDOW, sink);
    assertThat(windows()).containsExactly(window("metrics", START + WINDOW, 1, 10, 0, 0));
  }

  @Test
  void anEventWindowsLaterClosesTheOldWindowAtItsOwnEnd() {
    onEvent(START + 10);

    onEvent(START + 3 * WINDOW + 42);

    assertThat(windows()).containsExactly(window("metrics", START, 1, 10, 0, 0));
    sink.clear();
    handler.onFlush(START + 3 * WINDOW + 50, sink);
    assertThat(windows()).containsExactly(window("metrics", START + 3 * WINDOW, 1, 10, 0, 0));
  }

  @Test
  void anEventStampedInsideAWindowATickAlreadyClosedJoinsTheNextWindow() {
    onEvent(START + 500);
    handler.onTick(START + WINDOW, sink);
    sink.clear();

    // Read by another I/O thread a moment before the tick, published after it.
    onEvent(START + WINDOW - 1);
    handler.onFlush(START + WINDOW + 1, sink);

    assertThat(windows()).containsExactly(window("metrics", START + WINDOW, 1, 10, 0, 0));
  }

  @Test
  void aTickClosesWindowsOnlyOnceTheirEndHasCome() {
    onEvent(START + 500);

    handler.onTick(START + WINDOW - 1, sink);
    assertThat(sink.records()).isEmpty();

    handler.onTick(START + WINDOW, sink);
    assertThat(windows()).containsExactly(window("metrics", START, 1, 10, 0, 0));
    assertThat(handler.openWindows()).isZero();

    sink.clear();
    handler.onTick(START + 10 * WINDOW, sink);
    assertThat(sink.records()).isEmpty();
    assertThat(metrics.windowsClosed().getLongValue()).isEqualTo(1);
  }

  @Test
  void aTickClosesEachTopicsWindowOnItsOwnSchedule() {
    onEvent("a", 1, START + 1, 0, 1);
    onEvent("b", 2, START + WINDOW + 1, 0, 2);
    onEvent("c", 3, START + 2, 0, 3);
    onEvent("d", 4, START + 2 * WINDOW + 1, 0, 4);

    handler.onTick(START + 2 * WINDOW - 1, sink);

    assertThat(windows())
        .containsExactlyInAnyOrder(window("a", START, 1, 1, 0, 0), window("c", START, 1, 3, 0, 0));
    assertThat(handler.openWindows()).isEqualTo(2);
    sink.clear();
    handler.onTick(START + 2 * WINDOW, sink);
    assertThat(windows()).containsExactly(window("b", START + WINDOW, 1, 2, 0, 0));
    sink.clear();
    handler.onFlush(START + 2 * WINDOW, sink);
    assertThat(windows()).containsExactly(window("d", START + 2 * WINDOW, 1, 4, 0, 0));
  }

  @Test
  void aTickWithoutRoomLeavesTheWindowsForTheNextTick() {
    onEvent("a", 1, START, 0, 1);
    onEvent("b", 2, START, 0, 1);
    onEvent("c", 3, START, 0, 1);
    ArrayRecordSink tight = new ArrayRecordSink(2);

    handler.onTick(START + WINDOW, tight);

    assertThat(tight.records()).hasSize(2);
    assertThat(handler.openWindows()).isEqualTo(1);
    tight.clear();
    handler.onTick(START + WINDOW + 100, tight);
    assertThat(tight.records()).hasSize(1);
    assertThat(handler.openWindows()).isZero();
    assertThat(metrics.windowsClosed().getLongValue()).isEqualTo(3);
  }

  @Test
  void anEventWithoutRoomForTheRecordsItMayCloseChangesNothingAndItsRetryCountsItOnce() {
    handler = handler(BatchSettings.TimeBasis.PROCESSING, 0, 2);
    onEvent("t", 1, START + 1, 1, 10);
    EventView second = event("t", 1, Priority.BATCH, 2, START + 2, payload(10, 1));

    // Other batch handlers took the room: this event would close the window at max-events.
    assertThatThrownBy(() -> handler.onEvent(second, new ArrayRecordSink(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("put the windows handler first");
    handler.onEvent(second, sink); // the engine's retry, with room

    assertThat(windows()).containsExactly(window("t", START, 2, 20, 1, 2));
    assertThat(handler.openWindows()).isZero();
  }

  @Test
  void flushAtStopClosesEveryOpenWindowOnce() {
    onEvent("a", 1, START + 1, 11, 100);
    onEvent("b", 2, START + 2, 22, 200);
    onEvent("a", 1, START + 3, 12, 50);

    handler.onFlush(START + 4, sink);

    assertThat(windows())
        .containsExactlyInAnyOrder(
            window("a", START, 2, 150, 11, 12), window("b", START, 1, 200, 22, 22));
    assertThat(handler.openWindows()).isZero();
    sink.clear();
    handler.onFlush(START + 5, sink);
    assertThat(sink.records()).isEmpty();
    assertThat(metrics.windowsClosed().getLongValue()).isEqualTo(2);
  }

  @Test
  void countsEventsAndPayloadBytesAndKeepsTheNonZeroIdRange() {
    onEvent("t", 5, START + 1, 0, 3);
    onEvent("t", 5, START + 2, 50, 0);
    onEvent("t", 5, START + 3, 7, 1000);
    onEvent("t", 5, START + 4, 0, 7);
    onEvent("t", 5, START + 5, 300, 11);
    onEvent("t", 5, START + 6, 8, 1);

    handler.onFlush(START + 7, sink);

    assertThat(windows()).containsExactly(window("t", START, 6, 1022, 7, 300));
  }

  @Test
  void aWindowWithoutIdsHasAnEmptyIdRange() {
    onEvent("t", 5, START + 1, 0, 3);
    onEvent("t", 5, START + 2, 0, 4);

    handler.onFlush(START + 3, sink);

    assertThat(windows()).containsExactly(window("t", START, 2, 7, 0, 0));
  }

  @Test
  void aNewWindowStartsWithFreshAggregates() {
    onEvent("t", 5, START + 1, 900, 30);
    onEvent("t", 5, START + WINDOW + 1, 5, 4);

    sink.clear();
    handler.onFlush(START + WINDOW + 2, sink);

    assertThat(windows()).containsExactly(window("t", START + WINDOW, 1, 4, 5, 5));
  }

  @Test
  void theOverflowTopicIdIsUsable() {
    // The engine sizes the handler for maxTopics + 1 ids: the last one is the shared overflow.
    onEvent("_overflow", TOPIC_IDS - 1, START, 1, 1);

    handler.onFlush(START, sink);

    assertThat(windows()).containsExactly(window("_overflow", START, 1, 1, 1, 1));
  }

  @Test
  void theIdRangeOrdersIdsAsUnsigned64BitNumbers() {
    long largest = -1L; // 2^64 - 1 on the wire
    long aboveSignBit = Long.MIN_VALUE; // 2^63 on the wire
    onEvent("t", 5, START + 1, 5, 1);
    onEvent("t", 5, START + 2, largest, 1);
    onEvent("t", 5, START + 3, aboveSignBit, 1);

    handler.onFlush(START + 4, sink);

    List<StoredRecord> records = sink.records();
    assertThat(records).hasSize(1);
    assertThat(Long.toUnsignedString(records.get(0).minEventId())).isEqualTo("5");
    assertThat(Long.toUnsignedString(records.get(0).maxEventId()))
        .isEqualTo(Long.toUnsignedString(largest));
  }

  // --- aggregates -------------------------------------------------------------------------------

  @Test
  void aWindowRecordsItsPayloadSizesAndItsEarliestAndLatestTime() {
    onEvent("t", 5, START + 10, 1, 5);
    onEvent("t", 5, START + 3, 2, 1); // read by another I/O thread a moment earlier
    onEvent("t", 5, START + 20, 3, 9);

    handler.onFlush(START + 30, sink);

    assertThat(sink.records())
        .containsExactly(
            StoredRecord.window("t", START, START + WINDOW, 3, 15, 1, 3)
                .withPayloadSizes(1, 9)
                .withEventTimes(START + 3, START + 20));
    assertThat(sink.records().get(0).meanPayloadBytes()).isEqualTo(5.0);
  }

  @Test
  void anEmptyPayloadIsTheSmallestSize() {
    onEvent("t", 5, START + 1, 0, 0);
    onEvent("t", 5, START + 2, 0, 7);

    handler.onFlush(START + 3, sink);

    assertThat(sink.records().get(0).minPayloadBytes()).isZero();
    assertThat(sink.records().get(0).maxPayloadBytes()).isEqualTo(7);
  }

  // --- size bound -------------------------------------------------------------------------------

  @Test
  void aWindowReachingMaxEventsClosesAtOnceAndTheIntervalGoesOnInANewOne() {
    handler = handler(BatchSettings.TimeBasis.PROCESSING, 0, 3);
    for (int i = 1; i <= 7; i++) {
      onEvent("t", 5, START + i, i, 1);
      if (i == 3 || i == 6) {
        assertThat(handler.openWindows()).as("closed by the event that filled it").isZero();
      }
    }

    handler.onFlush(START + 8, sink);

    assertThat(windows())
        .containsExactly(
            window("t", START, 3, 3, 1, 3),
            window("t", START, 3, 3, 4, 6),
            window("t", START, 1, 1, 7, 7));
    assertThat(sink.records())
        .extracting(StoredRecord::firstMillis, StoredRecord::lastMillis)
        .containsExactly(
            tuple(START + 1, START + 3), tuple(START + 4, START + 6), tuple(START + 7, START + 7));
    assertThat(metrics.windowsClosed().getLongValue()).isEqualTo(3);
  }

  // --- event time -------------------------------------------------------------------------------

  /** An event with client time {@code timeMillis}, read at {@code receivedMillis}. */
  private void onEventAt(long timeMillis, long receivedMillis, long eventId) {
    handler.onEvent(
        event(
            "sensor",
            3,
            Priority.BATCH,
            eventId,
            timeMillis * 1000 + 999, // sub-millisecond part dropped
            receivedMillis,
            payload(4, 1)),
        sink);
  }

  private List<StoredRecord> deadLetters() {
    return sink.records().stream().filter(r -> r.kind() == RecordKind.DEAD_LETTER).toList();
  }

  private List<StoredRecord> windowRecords() {
    return windows().stream().filter(r -> r.kind() == RecordKind.WINDOW).toList();
  }

  private static StoredRecord sensor(long start, long count, long minId, long maxId) {
    return window("sensor", start, count, count * 4, minId, maxId);
  }

  @Test
  void byEventTimeTheClientTimePlacesTheEventNotWhenItArrived() {
    handler = handler(BatchSettings.TimeBasis.EVENT, 0, 0);
    long received = START + 3 * WINDOW + 17; // the producer's clock is behind, or it buffered

    onEventAt(START + 100, received, 1);
    onEventAt(START + 200, received + 1, 2);
    handler.onFlush(received + 2, sink);

    assertThat(sink.records())
        .containsExactly(
            StoredRecord.window("sensor", START, START + WINDOW, 2, 8, 1, 2)
                .withPayloadSizes(4, 4)
                .withEventTimes(START + 100, START + 200));
  }

  @Test
  void byEventTimeAnEventWithoutAClientTimeUsesItsReceivedTime() {
    handler = handler(BatchSettings.TimeBasis.EVENT, 0, 0);

    onEvent("sensor", 3, START + WINDOW + 5, 9, 4);
    handler.onFlush(START + WINDOW + 6, sink);

    assertThat(windows()).containsExactly(sensor(START + WINDOW, 1, 9, 9));
  }

  @Test
  void byEventTimeAnEventExactlyAtTheEndBelongsToTheNextWindow() {
    handler = handler(BatchSettings.TimeBasis.EVENT, 0, 0);
    onEventAt(START + WINDOW - 1, START, 1);
    assertThat(sink.records()).isEmpty();

    onEventAt(START + WINDOW, START + 1, 2);

    assertThat(windows()).containsExactly(sensor(START, 1, 1, 1));
    sink.clear();
    handler.onFlush(START + 2, sink);
    assertThat(windows()).containsExactly(sensor(START + WINDOW, 1, 2, 2));
  }

  @Test
  void withoutLatenessAnEventForAClosedWindowIsALateDeadLetter() {
    handler = handler(BatchSettings.TimeBasis.EVENT, 0, 0);
    onEventAt(START + 10, START, 1);
    onEventAt(START + WINDOW, START + 1, 2); // closes [START, START + WINDOW)
    sink.clear();

    onEventAt(START + WINDOW - 1, START + 2, 3);

    assertThat(sink.records()).hasSize(1);
    StoredRecord dead = sink.records().get(0);
    assertThat(dead.kind()).isEqualTo(RecordKind.DEAD_LETTER);
    assertThat(dead.reason()).isEqualTo(DeadLetterReason.LATE);
    assertThat(dead.eventId()).isEqualTo(3);
    assertThat(dead.clientTimeMicros()).isEqualTo((START + WINDOW - 1) * 1000 + 999);
    assertThat(metrics.batchLateEvents().getLongValue()).isEqualTo(1);
    assertThat(handler.openWindows()).isEqualTo(1);
  }

  @Test
  void anEventWithinTheAllowedLatenessJoinsItsWindowAndBeyondItIsLate() {
    handler = handler(BatchSettings.TimeBasis.EVENT, 2_000, 0);

    onEventAt(START + 4_000, START, 1); // on time
    onEventAt(START + 6_000, START + 1, 2); // watermark START + 4_000: [START, +5_000) stays open
    assertThat(handler.openWindows()).isEqualTo(2);
    onEventAt(START + 4_500, START + 2, 3); // late by 1.5 s: within the lateness, joins
    assertThat(sink.records()).isEmpty();

    onEventAt(START + 7_000, START + 3, 4); // watermark START + 5_000: the first window closes
    assertThat(windowRecords()).containsExactly(sensor(START, 2, 1, 3));
    sink.clear();

    onEventAt(START + 4_900, START + 4, 5); // its window closed: beyond the lateness
    assertThat(deadLetters())
        .extracting(StoredRecord::reason, StoredRecord::eventId)
        .containsExactly(tuple(DeadLetterReason.LATE, 5L));
    assertThat(metrics.batchLateEvents().getLongValue()).isEqualTo(1);

    sink.clear();
    handler.onFlush(START + 5, sink);
    assertThat(windows()).containsExactly(sensor(START + WINDOW, 2, 2, 4));
    assertThat(metrics.batchLateEvents().getLongValue()).isEqualTo(1);
  }

  @Test
  void aJumpOfTheNewestEventTimeClosesEveryPassedWindowOldestFirst() {
    handler = handler(BatchSettings.TimeBasis.EVENT, 7_000, 0); // 3 windows per topic
    onEventAt(START + 1, START, 1);
    onEventAt(START + WINDOW + 1, START, 2);
    onEventAt(START + 2 * WINDOW + 1, START, 3);
    assertThat(handler.openWindows()).isEqualTo(3);

    onEventAt(START + 10 * WINDOW, START, 4);

    assertThat(windows())
        .containsExactly(
            sensor(START, 1, 1, 1),
            sensor(START + WINDOW, 1, 2, 2),
            sensor(START + 2 * WINDOW, 1, 3, 3));
    assertThat(handler.openWindows()).isEqualTo(1);
  }

  @Test
  void anIdleTopicsWindowsCloseOnTicksOnceProcessingTimeCarriesItsEventTimePastEndPlusLateness() {
    handler = handler(BatchSettings.TimeBasis.EVENT, 1_000, 0);
    long received = START + 50_000; // the producer's clock is 50 s behind the server's
    onEventAt(START + 1_000, received, 1);

    // Event time now taken as START + 1_000 + 3_999 - lateness 1_000: before the end.
    handler.onTick(received + 4_999, sink);
    assertThat(sink.records()).isEmpty();

    handler.onTick(received + 5_000, sink); // START + 5_000 - 1_000 + 1_000 = the end + lateness
    assertThat(windows()).containsExactly(sensor(START, 1, 1, 1));
    sink.clear();

    // Its window has closed: an event for it is late, as if a newer event had closed it.
    onEventAt(START + 2_000, received + 5_001, 2);
    assertThat(deadLetters()).hasSize(1);
    assertThat(handler.openWindows()).isZero();
  }

  @Test
  void afterAnEventFarInTheFutureLaterEventsAreOnTimeOnceTheirTimesPassIt() {
    handler = handler(BatchSettings.TimeBasis.EVENT, 2_000, 0);
    sink = new ArrayRecordSink(128);
    long minute = 60_000;
    onEventAt(START + 60 * minute, START, 1); // a producer's clock an hour ahead, once

    // Then events on time by the server's clock, one a minute: late while before the outlier.
    for (int k = 1; k <= 60; k++) {
      onEventAt(START + k * minute, START + k * minute, 1 + k);
    }
    assertThat(deadLetters()).hasSize(60);
    sink.clear();

    for (int k = 61; k <= 70; k++) {
      onEventAt(START + k * minute, START + k * minute, 1 + k);
    }

    // Before, the topic's processing time ran on from the outlier's arrival: late for good.
    assertThat(deadLetters()).isEmpty();
    assertThat(windowRecords()).hasSize(10); // the outlier's window, then one a minute
  }

  @Test
  void aBusyTopicDoesNotCloseAnIdleTopicsWindows() {
    handler = handler(BatchSettings.TimeBasis.EVENT, 0, 0);
    onEventAt(START + 1, START, 1);

    handler.onEvent(
        event("other", 4, Priority.BATCH, 2, (START + 9 * WINDOW) * 1000, START, payload(1, 1)),
        sink);

    assertThat(sink.records()).isEmpty();
    assertThat(handler.openWindows()).isEqualTo(2);
  }

  @Test
  void flushAtStopClosesEveryOpenEventTimeWindowOldestFirst() {
    handler = handler(BatchSettings.TimeBasis.EVENT, 9_000, 0);
    onEventAt(START + 2 * WINDOW + 1, START, 3);
    onEventAt(START + 1, START, 1);
    onEventAt(START + WINDOW + 1, START, 2);

    handler.onFlush(START + 1, sink);

    assertThat(windows())
        .containsExactly(
            sensor(START, 1, 1, 1),
            sensor(START + WINDOW, 1, 2, 2),
            sensor(START + 2 * WINDOW, 1, 3, 3));
    assertThat(handler.openWindows()).isZero();
    sink.clear();
    handler.onFlush(START + 2, sink);
    assertThat(sink.records()).isEmpty();
  }

  @Test
  void byProcessingTimeTheClientTimeIsIgnored() {
    onEventAt(START - 10 * WINDOW, START + 1, 1);

    handler.onFlush(START + 2, sink);

    assertThat(windows()).containsExactly(sensor(START, 1, 1, 1));
    assertThat(metrics.batchLateEvents().getLongValue()).isZero();
  }
}
