package io.eventstreamcore.engine.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.eventstreamcore.engine.event.EventLimits;
import io.eventstreamcore.engine.event.EventSlot;
import io.eventstreamcore.engine.event.EventView;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.event.Route;
import io.eventstreamcore.engine.event.SlotKind;
import io.eventstreamcore.engine.metrics.EngineMetrics;
import io.eventstreamcore.engine.record.DeadLetterReason;
import io.eventstreamcore.engine.record.Record;
import io.eventstreamcore.engine.record.RecordKind;
import io.eventstreamcore.engine.spi.ProcessorHandler;
import io.eventstreamcore.engine.spi.RecordSink;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One processor stage driven slot by slot on the test thread: retries with their backoffs (an
 * injected pause records them instead of sleeping), the records of failed calls discarded, the dead
 * letters of handlers that gave up, and the overload shedding decided at the stage.
 */
class ProcessorStageTest {
  private static final long MS = 1_000_000L;

  private final EngineMetrics metrics = new EngineMetrics();
  private final RecordQueue records =
      new RecordQueue(64, 1, () -> false, () -> {}, EventLimits.PROTOCOL);
  private final List<Long> pauses = new ArrayList<>();
  private final List<String> calls = new ArrayList<>();
  private final EventSlot slot = new EventSlot(64);
  private long claimed;
  private long sequence;
  private boolean haltDuringPause;

  private ProcessorStage stage(RetryPolicy retry, OverloadPolicy overload, ProcessorHandler... hs) {
    List<ProcessorStage.Member> members = new ArrayList<>();
    for (int i = 0; i < hs.length; i++) {
      members.add(
          new ProcessorStage.Member(
              "h" + i, hs[i], metrics.processorHandlerErrors("transactional", "h" + i)));
    }
    return new ProcessorStage(
        Route.TRANSACTIONAL,
        members,
        records,
        retry,
        overload,
        () -> claimed,
        nanos -> {
          pauses.add(nanos);
          return !haltDuringPause;
        },
        metrics);
  }

  /** A handler that throws on the first {@code failures} calls for each id in {@code failing}. */
  private ProcessorHandler failing(String name, Map<Long, Integer> failing) {
    return (event, sink) -> {
      calls.add(name + ":" + event.eventId());
      // Emitted before it throws: a failed call's records must not reach storage.
      sink.emit().alert(name, "INFO", event.topic(), 0, event.eventId(), 0);
      int left = failing.getOrDefault(event.eventId(), 0);
      if (left > 0) {
        failing.put(event.eventId(), left - 1);
        throw new IllegalStateException("fails " + left + " more time(s)");
      }
    };
  }

  /** Offers event {@code id} to the stage as the next slot; returns its records. */
  private List<Record> offer(ProcessorStage stage, long id) {
    byte[] topic = "orders".getBytes(StandardCharsets.UTF_8);
    byte[] payload = ("payload-" + id).getBytes(StandardCharsets.UTF_8);
    slot.beginFrame(null, id, true);
    slot.header(Priority.LOW, id, 0);
    slot.received(1_000, 0);
    System.arraycopy(topic, 0, slot.topicBuffer(topic.length), 0, topic.length);
    System.arraycopy(payload, 0, slot.payloadBuffer(payload.length), 0, payload.length);
    slot.classify("orders", 1, Priority.LOW, false);
    return run(stage);
  }

  private List<Record> run(ProcessorStage stage) {
    long from = records.produced();
    stage.onEvent(slot, sequence++, true);
    List<Record> emitted = new ArrayList<>();
    for (long p = from; p < slot.recordsEnd(Route.TRANSACTIONAL); p++) {
      emitted.add(records.get(p));
    }
    records.consumed(0, slot.recordsEnd(Route.TRANSACTIONAL));
    return emitted;
  }

  private long deadLetters(DeadLetterReason reason) {
    return metrics.deadLetters(reason).getLongValue();
  }

  @Test
  void aHandlerThatRecoversIsRetriedWithDoublingBackoffAndOnlyItsLastCallCounts() {
    Map<Long, Integer> failing = new HashMap<>(Map.of(2L, 2));
    ProcessorStage stage =
        stage(
            new RetryPolicy(4, 10 * MS, 15 * MS),
            new OverloadPolicy.Backpressure(),
            failing("tx", failing));

    List<Record> first = offer(stage, 1);
    List<Record> second = offer(stage, 2);
    List<Record> third = offer(stage, 3);

    // Order kept: the retries of 2 happen before 3 is seen.
    assertThat(calls).containsExactly("tx:1", "tx:2", "tx:2", "tx:2", "tx:3");
    assertThat(pauses).containsExactly(10 * MS, 15 * MS);
    // One alert per event: those of the two failed calls were discarded.
    assertThat(first).extracting(Record::eventId).containsExactly(1L);
    assertThat(second)
        .extracting(Record::kind, Record::eventId)
        .containsExactly(tuple(RecordKind.ALERT, 2L));
    assertThat(third).extracting(Record::eventId).containsExactly(3L);
    assertThat(metrics.processorRetries(Route.TRANSACTIONAL).getLongValue()).isEqualTo(2);
    assertThat(metrics.processorHandlerErrors("transactional", "h0").getLongValue()).isEqualTo(2);
    assertThat(deadLetters(DeadLetterReason.HANDLER_GAVE_UP)).isZero();
    assertThat(metrics.eventsProcessed(Route.TRANSACTIONAL).getLongValue()).isEqualTo(3);
  }

  @Test
  void aHandlerFailingEveryAttemptGivesUpToADeadLetterAndTheNextHandlerStillSeesTheEvent() {
    Map<Long, Integer> failing = new HashMap<>(Map.of(7L, Integer.MAX_VALUE));
    ProcessorStage stage =
        stage(
            new RetryPolicy(3, 10 * MS, 100 * MS),
            new OverloadPolicy.Backpressure(),
            failing("a", failing),
            failing("b", new HashMap<>()));

    List<Record> emitted = offer(stage, 7);

    assertThat(calls).containsExactly("a:7", "a:7", "a:7", "b:7");
    assertThat(pauses).containsExactly(10 * MS, 20 * MS);
    assertThat(emitted)
        .extracting(Record::kind)
        .containsExactly(RecordKind.ALERT, RecordKind.DEAD_LETTER);
    Record dead = emitted.get(1);
    assertThat(dead.reason()).isEqualTo(DeadLetterReason.HANDLER_GAVE_UP);
    assertThat(dead.eventId()).isEqualTo(7);
    assertThat(dead.topic()).isEqualTo("orders");
    byte[] payload = new byte[dead.payloadLength()];
    dead.copyPayload(0, payload, 0, payload.length);
    assertThat(new String(payload, StandardCharsets.UTF_8)).isEqualTo("payload-7");
    assertThat(deadLetters(DeadLetterReason.HANDLER_GAVE_UP)).isEqualTo(1);
    assertThat(metrics.processorRetries(Route.TRANSACTIONAL).getLongValue()).isEqualTo(2);
    assertThat(metrics.eventsProcessed(Route.TRANSACTIONAL).getLongValue()).isZero();
  }

  @Test
  void anErrorThrownByAHandlerIsAFailedCallLikeAnExceptionRetriedThenADeadLetter() {
    ProcessorHandler asserting =
        (event, sink) -> {
          calls.add("a:" + event.eventId());
          sink.emit().alert("a", "INFO", event.topic(), 0, event.eventId(), 0);
          throw new AssertionError("user code's assertion");
        };
    ProcessorStage stage =
        stage(new RetryPolicy(2, 10 * MS, 10 * MS), new OverloadPolicy.Backpressure(), asserting);

    List<Record> emitted = offer(stage, 4);

    assertThat(calls).containsExactly("a:4", "a:4");
    assertThat(emitted)
        .extracting(Record::kind, Record::reason)
        .containsExactly(tuple(RecordKind.DEAD_LETTER, DeadLetterReason.HANDLER_GAVE_UP));
    assertThat(metrics.processorHandlerErrors("transactional", "h0").getLongValue()).isEqualTo(2);
  }

  @Test
  void aTickThatThrowsLeavesNoRecordNotEvenOneItTookAndNeverFilled() {
    ProcessorHandler ticking =
        new ProcessorHandler() {
          @Override
          public void onEvent(EventView event, RecordSink sink) {}

          @Override
          public void onTick(long nowMillis, RecordSink sink) {
            sink.emit().alert("tick", "INFO", "orders", nowMillis, 1, 0);
            sink.emit(); // taken, a reused record, and then the values to fill it with fail
            throw new IllegalStateException("failed before filling the record it took");
          }
        };
    ProcessorStage stage = stage(RetryPolicy.NONE, new OverloadPolicy.Backpressure(), ticking);
    slot.beginControl(SlotKind.TICK, 2_000, 0);

    List<Record> emitted = run(stage);

    assertThat(emitted).isEmpty();
    assertThat(metrics.processorHandlerErrors("transactional", "h0").getLongValue()).isEqualTo(1);
  }

  @Test
  void aPipelineHaltingDuringABackoffEndsTheRetriesWithADeadLetter() {
    haltDuringPause = true; // the stop's deadline passed while the handler's retry waited
    ProcessorStage stage =
        stage(
            new RetryPolicy(5, 10 * MS, 100 * MS),
            new OverloadPolicy.Backpressure(),
            failing("tx", new HashMap<>(Map.of(1L, 9))));

    offer(stage, 1);

    assertThat(calls).containsExactly("tx:1");
    assertThat(pauses).containsExactly(10 * MS);
    assertThat(deadLetters(DeadLetterReason.HANDLER_GAVE_UP)).isEqualTo(1);
  }

  @Test
  void withoutRetriesAFailingHandlerGivesUpAtOnce() {
    ProcessorStage stage =
        stage(
            RetryPolicy.NONE,
            new OverloadPolicy.Backpressure(),
            failing("a", new HashMap<>(Map.of(1L, 1))));

    List<Record> emitted = offer(stage, 1);

    assertThat(calls).containsExactly("a:1");
    assertThat(pauses).isEmpty();
    assertThat(emitted)
        .extracting(Record::reason)
        .containsExactly(DeadLetterReason.HANDLER_GAVE_UP);
  }

  @Test
  void anEventWhoseHandlersUsedAllTheirRoomStillGetsItsDeadLetter() {
    ProcessorHandler filling =
        (event, sink) -> {
          while (sink.remainingForEvent() > 0) {
            sink.emit().alert("fill", "INFO", event.topic(), 0, event.eventId(), 0);
          }
        };
    ProcessorStage stage =
        stage(
            RetryPolicy.NONE,
            new OverloadPolicy.Backpressure(),
            filling,
            failing("b", new HashMap<>(Map.of(5L, 1))));

    List<Record> emitted = offer(stage, 5);

    // Half the queue of 64, less the record kept for the dead letter; b's emit threw (no room).
    assertThat(emitted).hasSize(32);
    assertThat(emitted.subList(0, 31)).extracting(Record::kind).containsOnly(RecordKind.ALERT);
    assertThat(emitted.get(31).kind()).isEqualTo(RecordKind.DEAD_LETTER);
    assertThat(emitted.get(31).reason()).isEqualTo(DeadLetterReason.HANDLER_GAVE_UP);
    assertThat(deadLetters(DeadLetterReason.HANDLER_GAVE_UP)).isEqualTo(1);
  }

  @Test
  void dropOldestShedsTheEventsItReachesWhileTooManyNewerOnesWait() {
    ProcessorStage stage =
        stage(RetryPolicy.NONE, new OverloadPolicy.DropOldest(4), failing("tx", new HashMap<>()));

    claimed = sequence + 5; // five newer slots claimed behind this one: over the bound
    List<Record> shed = offer(stage, 1);
    claimed = sequence + 4; // exactly at the bound: handled
    List<Record> handled = offer(stage, 2);

    assertThat(calls).containsExactly("tx:2");
    assertThat(shed)
        .extracting(Record::kind, Record::reason)
        .containsExactly(tuple(RecordKind.DEAD_LETTER, DeadLetterReason.OVERLOAD));
    assertThat(handled).extracting(Record::kind).containsExactly(RecordKind.ALERT);
    assertThat(metrics.overloadShed(Route.TRANSACTIONAL).getLongValue()).isEqualTo(1);
    assertThat(deadLetters(DeadLetterReason.OVERLOAD)).isEqualTo(1);
  }

  @Test
  void anEventClassifyShedIsADeadLetterWithoutAHandlerCall() {
    ProcessorStage stage =
        stage(RetryPolicy.NONE, new OverloadPolicy.Backpressure(), failing("tx", new HashMap<>()));
    byte[] topic = "orders".getBytes(StandardCharsets.UTF_8);
    slot.beginFrame(null, 1, true);
    slot.header(Priority.LOW, 9, 0);
    System.arraycopy(topic, 0, slot.topicBuffer(topic.length), 0, topic.length);
    slot.payloadBuffer(0);
    slot.classify("orders", 1, Priority.LOW, false);
    slot.shed();

    List<Record> emitted = run(stage);

    assertThat(calls).isEmpty();
    assertThat(emitted).extracting(Record::reason).containsExactly(DeadLetterReason.OVERLOAD);
    assertThat(stage.progress().get()).isEqualTo(sequence - 1);
  }

  @Test
  void backoffDoublesUpToItsCap() {
    RetryPolicy retry = new RetryPolicy(6, 10 * MS, 50 * MS);
    assertThat(
            List.of(
                retry.backoffNanos(1),
                retry.backoffNanos(2),
                retry.backoffNanos(3),
                retry.backoffNanos(4),
                retry.backoffNanos(5)))
        .containsExactly(10 * MS, 20 * MS, 40 * MS, 50 * MS, 50 * MS);
  }
}
