package io.eventstreamcore.processors.batch;

import static io.eventstreamcore.processors.TestEvents.event;
import static io.eventstreamcore.processors.TestEvents.payload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.metrics.EngineMetrics;
import io.eventstreamcore.engine.spi.StoredRecord;
import io.eventstreamcore.processors.ArrayRecordSink;
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
    handler = new BatchHandler(WINDOW, TOPIC_IDS, metrics.windowsClosed());
    sink = new ArrayRecordSink(8);
  }

  private void onEvent(String topic, int topicId, long millis, long eventId, int payloadBytes) {
    handler.onEvent(
        event(topic, topicId, Priority.BATCH, eventId, millis, payload(payloadBytes, 1)), sink);
  }

  private void onEvent(long millis) {
    onEvent("metrics", 0, millis, 0, 10);
  }

  private static StoredRecord window(
      String topic, long start, long count, long bytes, long minId, long maxId) {
    return StoredRecord.window(topic, start, start + WINDOW, count, bytes, minId, maxId);
  }

  @Test
  void windowsAreAlignedToMultiplesOfTheWindowSinceTheEpoch() {
    onEvent(START + 1_234);

    handler.onFlush(START + 2_000, sink);

    assertThat(sink.records()).containsExactly(window("metrics", START, 1, 10, 0, 0));
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

    assertThat(sink.records()).containsExactly(window("metrics", START, 2, 20, 0, 0));
    assertThat(metrics.windowsClosed().getLongValue()).isEqualTo(1);
    assertThat(handler.openWindows()).isEqualTo(1);
    sink.clear();
    handler.onFlush(START + WINDOW, sink);
    assertThat(sink.records()).containsExactly(window("metrics", START + WINDOW, 1, 10, 0, 0));
  }

  @Test
  void anEventWindowsLaterClosesTheOldWindowAtItsOwnEnd() {
    onEvent(START + 10);

    onEvent(START + 3 * WINDOW + 42);

    assertThat(sink.records()).containsExactly(window("metrics", START, 1, 10, 0, 0));
    sink.clear();
    handler.onFlush(START + 3 * WINDOW + 50, sink);
    assertThat(sink.records()).containsExactly(window("metrics", START + 3 * WINDOW, 1, 10, 0, 0));
  }

  @Test
  void anEventStampedInsideAWindowATickAlreadyClosedJoinsTheNextWindow() {
    onEvent(START + 500);
    handler.onTick(START + WINDOW, sink);
    sink.clear();

    // Read by another I/O thread a moment before the tick, published after it.
    onEvent(START + WINDOW - 1);
    handler.onFlush(START + WINDOW + 1, sink);

    assertThat(sink.records()).containsExactly(window("metrics", START + WINDOW, 1, 10, 0, 0));
  }

  @Test
  void aTickClosesWindowsOnlyOnceTheirEndHasCome() {
    onEvent(START + 500);

    handler.onTick(START + WINDOW - 1, sink);
    assertThat(sink.records()).isEmpty();

    handler.onTick(START + WINDOW, sink);
    assertThat(sink.records()).containsExactly(window("metrics", START, 1, 10, 0, 0));
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

    assertThat(sink.records())
        .containsExactlyInAnyOrder(window("a", START, 1, 1, 0, 0), window("c", START, 1, 3, 0, 0));
    assertThat(handler.openWindows()).isEqualTo(2);
    sink.clear();
    handler.onTick(START + 2 * WINDOW, sink);
    assertThat(sink.records()).containsExactly(window("b", START + WINDOW, 1, 2, 0, 0));
    sink.clear();
    handler.onFlush(START + 2 * WINDOW, sink);
    assertThat(sink.records()).containsExactly(window("d", START + 2 * WINDOW, 1, 4, 0, 0));
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
  void flushAtStopClosesEveryOpenWindowOnce() {
    onEvent("a", 1, START + 1, 11, 100);
    onEvent("b", 2, START + 2, 22, 200);
    onEvent("a", 1, START + 3, 12, 50);

    handler.onFlush(START + 4, sink);

    assertThat(sink.records())
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

    assertThat(sink.records()).containsExactly(window("t", START, 6, 1022, 7, 300));
  }

  @Test
  void aWindowWithoutIdsHasAnEmptyIdRange() {
    onEvent("t", 5, START + 1, 0, 3);
    onEvent("t", 5, START + 2, 0, 4);

    handler.onFlush(START + 3, sink);

    assertThat(sink.records()).containsExactly(window("t", START, 2, 7, 0, 0));
  }

  @Test
  void aNewWindowStartsWithFreshAggregates() {
    onEvent("t", 5, START + 1, 900, 30);
    onEvent("t", 5, START + WINDOW + 1, 5, 4);

    sink.clear();
    handler.onFlush(START + WINDOW + 2, sink);

    assertThat(sink.records()).containsExactly(window("t", START + WINDOW, 1, 4, 5, 5));
  }

  @Test
  void theOverflowTopicIdIsUsable() {
    // The engine sizes the handler for maxTopics + 1 ids: the last one is the shared overflow.
    onEvent("_overflow", TOPIC_IDS - 1, START, 1, 1);

    handler.onFlush(START, sink);

    assertThat(sink.records()).containsExactly(window("_overflow", START, 1, 1, 1, 1));
  }

  @Test
  void rejectsANonPositiveWindow() {
    assertThatThrownBy(() -> new BatchHandler(0, 1, metrics.windowsClosed()))
        .isInstanceOf(IllegalArgumentException.class);
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
}
