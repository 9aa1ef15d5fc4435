package io.eventstreamcore.engine.classify;

import static org.assertj.core.api.Assertions.assertThat;

import com.lmax.disruptor.Sequence;
import io.eventstreamcore.engine.event.EventSlot;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.event.Route;
import io.eventstreamcore.engine.metrics.EngineMetrics;
import io.eventstreamcore.engine.ring.OverloadPolicy;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Classify's overload decisions, with each processor's progress set by the test: drop-newest sheds
 * arrivals while its processor is too far behind, and HIGH is routed as MEDIUM while realtime is.
 */
class ArrivalOverloadTest {
  private final EngineMetrics metrics = new EngineMetrics();
  private final Sequence realtime = new Sequence(-1);
  private final Sequence transactional = new Sequence(-1);
  private final Sequence batch = new Sequence(-1);

  private ClassifyHandler classify(OverloadPolicy transactionalPolicy, long downgradeAbove) {
    ArrivalOverload overload =
        new ArrivalOverload(
            new OverloadPolicy[] {
              new OverloadPolicy.Backpressure(),
              transactionalPolicy,
              new OverloadPolicy.Backpressure()
            },
            new Sequence[] {realtime, transactional, batch},
            downgradeAbove);
    return new ClassifyHandler(
        new TopicIndex(Map.of("alarms", Priority.CRITICAL, "sensors", Priority.HIGH), 16),
        new DedupWindow(60_000, 1024),
        overload,
        metrics);
  }

  private static EventSlot event(Priority priority, String topic, long eventId) {
    EventSlot slot = new EventSlot(16);
    slot.beginFrame(null, 1, false);
    slot.header(priority, eventId, 0);
    byte[] t = topic.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(t, 0, slot.topicBuffer(t.length), 0, t.length);
    slot.payloadBuffer(1)[0] = 1;
    slot.received(1_000, 0);
    return slot;
  }

  @Test
  void dropNewestShedsArrivalsOnlyWhileItsProcessorIsMoreThanTheBoundBehind() {
    ClassifyHandler handler = classify(new OverloadPolicy.DropNewest(8), -1);
    transactional.set(91); // finished slot 91

    EventSlot within = event(Priority.LOW, "orders", 1);
    handler.onEvent(within, 99, true); // 8 behind: kept
    EventSlot beyond = event(Priority.LOW, "orders", 2);
    handler.onEvent(beyond, 100, true); // 9 behind: shed
    EventSlot otherKind = event(Priority.BATCH, "metrics", 3);
    handler.onEvent(otherKind, 101, true); // batch is far behind too, but backpressures

    assertThat(within.isShed()).isFalse();
    assertThat(beyond.isShed()).isTrue();
    assertThat(beyond.route()).isEqualTo(Route.TRANSACTIONAL);
    assertThat(otherKind.isShed()).isFalse();
  }

  @Test
  void aDuplicateIsNeverShed() {
    ClassifyHandler handler = classify(new OverloadPolicy.DropNewest(1), -1);
    handler.onEvent(event(Priority.LOW, "orders", 5), 0, true);
    EventSlot again = event(Priority.LOW, "orders", 5);

    handler.onEvent(again, 50, true);

    assertThat(again.duplicate()).isTrue();
    assertThat(again.isShed()).isFalse();
  }

  @Test
  void highIsDowngradedToMediumWhileRealtimeIsBehindAndCriticalNever() {
    ClassifyHandler handler = classify(new OverloadPolicy.Backpressure(), 4);
    realtime.set(10);

    EventSlot onTime = event(Priority.HIGH, "sensors", 1);
    handler.onEvent(onTime, 14, true); // 4 behind: not over the bound
    EventSlot downgraded = event(Priority.HIGH, "sensors", 2);
    handler.onEvent(downgraded, 15, true); // 5 behind
    EventSlot critical = event(Priority.CRITICAL, "alarms", 3);
    handler.onEvent(critical, 16, true);
    EventSlot resent = event(Priority.HIGH, "sensors", 2); // a duplicate: routed nowhere
    handler.onEvent(resent, 17, true);

    assertThat(onTime.priority()).isEqualTo(Priority.HIGH);
    assertThat(onTime.route()).isEqualTo(Route.REALTIME);
    assertThat(downgraded.priority()).isEqualTo(Priority.MEDIUM);
    assertThat(downgraded.framePriority()).isEqualTo(Priority.HIGH);
    assertThat(downgraded.route()).isEqualTo(Route.TRANSACTIONAL);
    assertThat(critical.route()).isEqualTo(Route.REALTIME);
    assertThat(metrics.priorityDowngrades().getLongValue()).isEqualTo(1);
  }

  @Test
  void withTheDowngradeOffHighStaysHighHoweverFarBehind() {
    ClassifyHandler handler = classify(new OverloadPolicy.Backpressure(), -1);
    EventSlot high = event(Priority.HIGH, "sensors", 1);

    handler.onEvent(high, 1_000_000, true);

    assertThat(high.route()).isEqualTo(Route.REALTIME);
    assertThat(metrics.priorityDowngrades().getLongValue()).isZero();
  }
}
