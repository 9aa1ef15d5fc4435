package io.eventstreamcore.engine.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.event.Route;
import io.eventstreamcore.engine.ring.OverloadPolicy;
import io.eventstreamcore.engine.ring.RetryPolicy;
import io.eventstreamcore.engine.ring.RingTopology;
import io.eventstreamcore.engine.ring.WaitStrategyChoice;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EngineSettingsTest {

  private static Config with(String overrides) {
    return ConfigFactory.parseString(overrides)
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }

  @Test
  void defaultsComeFromTheReferenceConfiguration() {
    EngineSettings settings = new EngineSettings(ConfigFactory.defaultReference());

    assertThat(settings.ringSize()).isEqualTo(65_536);
    assertThat(settings.waitStrategy()).isEqualTo(WaitStrategyChoice.PARKING);
    assertThat(settings.topology()).isEqualTo(RingTopology.AUTO);
    assertThat(settings.slotPayloadBytes()).isEqualTo(128);
    assertThat(settings.recordQueueSize()).isEqualTo(8192);
    assertThat(settings.tickInterval()).isEqualTo(Duration.ofMillis(100));
    assertThat(settings.shutdownTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(settings.dedupWindow()).isEqualTo(Duration.ofHours(1));
    assertThat(settings.dedupMaxKeys()).isEqualTo(1_000_000);
    assertThat(settings.dedupRebuild()).isTrue();
    assertThat(settings.maxTopics()).isEqualTo(65_536);
    assertThat(settings.topicPriorities()).isEmpty();
    assertThat(settings.route(Route.TRANSACTIONAL).retry())
        .isEqualTo(new RetryPolicy(3, 10_000_000, 100_000_000));
    assertThat(settings.route(Route.REALTIME).retry().attempts()).isEqualTo(1);
    for (Route route : Route.values()) {
      assertThat(settings.route(route).overload()).isEqualTo(new OverloadPolicy.Backpressure());
    }
    assertThat(settings.downgradeHighAboveBacklog()).isEqualTo(-1);
  }

  @Test
  void readsEachKindsRetryAndOverloadAndTheDowngrade() {
    EngineSettings settings =
        new EngineSettings(
            with(
                "eventstream.processors.batch.retry { attempts = 5, backoff = 2ms }\n"
                    + "eventstream.processors.batch.overload { policy = drop-oldest,"
                    + " max-backlog = 100 }\n"
                    + "eventstream.processors.realtime.overload.policy = drop-newest\n"
                    + "eventstream.processors.realtime.downgrade-high.enabled = true"));

    assertThat(settings.route(Route.BATCH).retry())
        .isEqualTo(new RetryPolicy(5, 2_000_000, 100_000_000));
    assertThat(settings.route(Route.BATCH).overload())
        .isEqualTo(new OverloadPolicy.DropOldest(100));
    assertThat(settings.route(Route.REALTIME).overload())
        .isEqualTo(new OverloadPolicy.DropNewest(16_384));
    assertThat(settings.downgradeHighAboveBacklog()).isEqualTo(8192);
  }

  @Test
  void badRetryAndOverloadValuesNameTheirKey() {
    assertThatThrownBy(
            () -> new EngineSettings(with("eventstream.processors.batch.retry.attempts = 0")))
        .hasMessageContaining("eventstream.processors.batch.retry.attempts")
        .hasMessageContaining("'0'");
    assertThatThrownBy(
            () ->
                new EngineSettings(
                    with("eventstream.processors.transactional.retry.max-backoff = 1ms")))
        .hasMessageContaining("eventstream.processors.transactional.retry.max-backoff");
    assertThatThrownBy(
            () ->
                new EngineSettings(
                    with("eventstream.processors.realtime.overload.policy = drop-random")))
        .hasMessageContaining("eventstream.processors.realtime.overload.policy")
        .hasMessageContaining("drop-random")
        .hasMessageContaining("drop-oldest");
    assertThatThrownBy(
            () -> new EngineSettings(with("eventstream.processors.batch.overload.max-backlog = 0")))
        .hasMessageContaining("eventstream.processors.batch.overload.max-backlog");
    assertThatThrownBy(
            () ->
                new EngineSettings(
                    with("eventstream.processors.realtime.downgrade-high.above-backlog = -3")))
        .hasMessageContaining("eventstream.processors.realtime.downgrade-high.above-backlog");
  }

  @Test
  void aBacklogBoundTheRingNeverReachesIsRefusedWhereAPolicyWouldUseIt() {
    String ring = "eventstream.ring.size = 1024\n";
    // A processor is at most 1,023 slots behind: a bound of 1,023 would never be exceeded.
    assertThatThrownBy(
            () ->
                new EngineSettings(
                    with(
                        ring
                            + "eventstream.processors.batch.overload"
                            + " { policy = drop-oldest, max-backlog = 1023 }")))
        .hasMessageContaining("eventstream.processors.batch.overload.max-backlog")
        .hasMessageContaining("'1023'")
        .hasMessageContaining("eventstream.ring.size");
    assertThatThrownBy(
            () ->
                new EngineSettings(
                    with(
                        ring
                            + "eventstream.processors.realtime.downgrade-high"
                            + " { enabled = true, above-backlog = 4096 }")))
        .hasMessageContaining("eventstream.processors.realtime.downgrade-high.above-backlog");
    EngineSettings within =
        new EngineSettings(
            with(
                ring
                    + "eventstream.processors.transactional.overload"
                    + " { policy = drop-newest, max-backlog = 1022 }"));
    assertThat(within.route(Route.TRANSACTIONAL).overload().configName()).isEqualTo("drop-newest");
    // Backpressure and a disabled downgrade use no bound: the defaults (16,384) stay valid.
    assertThat(new EngineSettings(with(ring)).ringSize()).isEqualTo(1024);
  }

  @Test
  void readsOverridesAndTheTopicTable() {
    EngineSettings settings =
        new EngineSettings(
            with(
                "eventstream.ring { size = 1024, wait-strategy = lite-blocking }\n"
                    + "eventstream.dedup { window = 5m, rebuild = false }\n"
                    + "eventstream.topics.priorities {\n"
                    + "  \"sensor/temperature\" = critical\n"
                    + "  \"metrics\" = BATCH\n"
                    + "  \"orders\" = Medium\n"
                    + "}"));

    assertThat(settings.ringSize()).isEqualTo(1024);
    assertThat(settings.waitStrategy()).isEqualTo(WaitStrategyChoice.LITE_BLOCKING);
    assertThat(settings.dedupWindow()).isEqualTo(Duration.ofMinutes(5));
    assertThat(settings.dedupRebuild()).isFalse();
    assertThat(settings.topicPriorities())
        .containsOnly(
            Map.entry("sensor/temperature", Priority.CRITICAL),
            Map.entry("metrics", Priority.BATCH),
            Map.entry("orders", Priority.MEDIUM));
    assertThatThrownBy(() -> settings.topicPriorities().put("x", Priority.LOW))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void theTopicTableIsSortedByTopic() {
    EngineSettings settings =
        new EngineSettings(
            with(
                "eventstream.topics.priorities {\n"
                    + "  \"sensor/temperature\" = CRITICAL\n"
                    + "  \"metrics\" = BATCH\n"
                    + "  \"orders\" = MEDIUM\n"
                    + "}"));

    assertThat(settings.topicPriorities().keySet())
        .containsExactly("metrics", "orders", "sensor/temperature");
  }

  @Test
  void everyWaitStrategyNameIsAccepted() {
    for (WaitStrategyChoice choice : WaitStrategyChoice.values()) {
      EngineSettings settings =
          new EngineSettings(with("eventstream.ring.wait-strategy = " + choice.configName()));
      assertThat(settings.waitStrategy()).isEqualTo(choice);
      assertThat(choice.create()).isNotNull();
    }
  }

  @Test
  void sizesBeyondWhatCanBePreallocatedNameTheKey() {
    assertThatThrownBy(() -> new EngineSettings(with("eventstream.topics.max = 1073741824")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("eventstream.topics.max");
    assertThatThrownBy(() -> new EngineSettings(with("eventstream.ring.size = 1073741824")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("eventstream.ring.size");
  }

  @Test
  void aRingSizeThatIsNotAPowerOfTwoNamesTheKey() {
    assertThatThrownBy(() -> new EngineSettings(with("eventstream.ring.size = 1000")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("eventstream.ring.size")
        .hasMessageContaining("1000");
  }

  @Test
  void aNonPositiveRingSizeNamesTheKey() {
    assertThatThrownBy(() -> new EngineSettings(with("eventstream.ring.size = 0")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("eventstream.ring.size");
  }

  @Test
  void aRecordQueueSizeThatIsNotAPowerOfTwoNamesTheKey() {
    assertThatThrownBy(() -> new EngineSettings(with("eventstream.ring.record-queue-size = 100")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("eventstream.ring.record-queue-size");
  }

  @Test
  void aRecordQueueTooSmallToLeaveHandlersRoomBesideADeadLetterIsRefused() {
    assertThatThrownBy(() -> new EngineSettings(with("eventstream.ring.record-queue-size = 2")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("eventstream.ring.record-queue-size")
        .hasMessageContaining("at least 4");
    assertThat(
            new EngineSettings(with("eventstream.ring.record-queue-size = 4"))
                .handlerRecordsPerEvent())
        .isEqualTo(1);
  }

  @Test
  void everyTopologyNameIsAcceptedAndAutoIsSplitOnTwoCoresOrFewer() {
    for (RingTopology choice : RingTopology.values()) {
      EngineSettings settings =
          new EngineSettings(with("eventstream.ring.topology = " + choice.configName()));
      assertThat(settings.topology()).isEqualTo(choice);
    }
    assertThat(RingTopology.AUTO.resolve(1, 1)).isEqualTo(RingTopology.SPLIT);
    assertThat(RingTopology.AUTO.resolve(2, 1)).isEqualTo(RingTopology.SPLIT);
    assertThat(RingTopology.AUTO.resolve(2, 3)).isEqualTo(RingTopology.SPLIT);
    assertThat(RingTopology.AUTO.resolve(3, 1)).isEqualTo(RingTopology.PARALLEL);
    assertThat(RingTopology.PARALLEL.resolve(1, 1)).isEqualTo(RingTopology.PARALLEL);
    assertThat(RingTopology.COMPACT.resolve(64, 1)).isEqualTo(RingTopology.COMPACT);
    assertThat(RingTopology.SINGLE.resolve(64, 1)).isEqualTo(RingTopology.SINGLE);
    assertThat(RingTopology.SINGLE.resolve(2, 2)).isEqualTo(RingTopology.COMPACT);
    assertThat(RingTopology.SPLIT.resolve(2, 2)).isEqualTo(RingTopology.SPLIT);
  }

  @Test
  void anUnknownTopologyNamesTheKeyAndTheChoices() {
    assertThatThrownBy(() -> new EngineSettings(with("eventstream.ring.topology = serial")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("eventstream.ring.topology")
        .hasMessageContaining("serial")
        .hasMessageContaining("compact");
  }

  @Test
  void anUnknownWaitStrategyNamesTheKeyAndTheChoices() {
    assertThatThrownBy(() -> new EngineSettings(with("eventstream.ring.wait-strategy = spin-fast")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("eventstream.ring.wait-strategy")
        .hasMessageContaining("spin-fast")
        .hasMessageContaining("busy-spin");
  }

  @Test
  void aBadTopicPriorityNamesTheKeyAndTheValue() {
    assertThatThrownBy(
            () ->
                new EngineSettings(
                    with("eventstream.topics.priorities { \"sensor/temperature\" = URGENT }")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("eventstream.topics.priorities")
        .hasMessageContaining("sensor/temperature")
        .hasMessageContaining("URGENT");
  }

  @Test
  void aTopicTableLargerThanTheTopicBoundNamesTheKey() {
    assertThatThrownBy(
            () ->
                new EngineSettings(
                    with("eventstream.topics { max = 1, priorities { a = LOW, b = HIGH } }")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("eventstream.topics.max");
  }

  @Test
  void nonPositiveDurationsAndBoundsNameTheirKeys() {
    assertThatThrownBy(() -> new EngineSettings(with("eventstream.dedup.window = 0s")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("eventstream.dedup.window");
    assertThatThrownBy(() -> new EngineSettings(with("eventstream.ring.tick-interval = 0ms")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("eventstream.ring.tick-interval");
    assertThatThrownBy(() -> new EngineSettings(with("eventstream.dedup.max-keys = -1")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("eventstream.dedup.max-keys");
    assertThatThrownBy(() -> new EngineSettings(with("eventstream.dedup.max-keys = 100000000")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("eventstream.dedup.max-keys");
  }
}
