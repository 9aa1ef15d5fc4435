package io.eventstreamcore.processors.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.eventstreamcore.engine.config.EngineSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BatchSettingsTest {
  private static Config with(String overrides) {
    return ConfigFactory.parseString(overrides)
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }

  private static BatchSettings batch(String overrides) {
    return new ProcessorSettings(with(overrides)).batch();
  }

  private static void assertRejected(String overrides, String key, String value) {
    assertThatThrownBy(() -> batch(overrides))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("eventstream.processors.batch." + key)
        .hasMessageContaining(value);
  }

  @Test
  void defaultsAreProcessingTimeWithoutLatenessOrSizeBound() {
    BatchSettings batch = batch("");

    assertThat(batch.window()).isEqualTo(Duration.ofSeconds(5));
    assertThat(batch.time()).isEqualTo(BatchSettings.TimeBasis.PROCESSING);
    assertThat(batch.allowedLateness()).isZero();
    assertThat(batch.maxEvents()).isZero();
    assertThat(batch.windowsPerTopic()).isEqualTo(1);
    assertThat(batch.maxRecordsPerEvent()).isEqualTo(2);
  }

  @Test
  void eventTimeWithLatenessKeepsEnoughWindowsOpenPerTopic() {
    BatchSettings batch =
        batch(
            "eventstream.processors.batch { time = event, allowed-lateness = 12s,"
                + " max-events = 1000 }");

    assertThat(batch.time()).isEqualTo(BatchSettings.TimeBasis.EVENT);
    assertThat(batch.allowedLateness()).isEqualTo(Duration.ofSeconds(12));
    assertThat(batch.maxEvents()).isEqualTo(1000);
    assertThat(batch.windowsPerTopic()).isEqualTo(4); // ceil(12 / 5) + 1
    assertThat(batch.maxRecordsPerEvent()).isEqualTo(5);
    assertThat(
            batch("eventstream.processors.batch { time = EVENT, allowed-lateness = 10s }")
                .windowsPerTopic())
        .isEqualTo(3);
  }

  @Test
  void badValuesNameTheirKey() {
    assertRejected("eventstream.processors.batch.time = wall", "time", "'wall'");
    assertRejected("eventstream.processors.batch.max-events = -1", "max-events", "'-1'");
    assertRejected("eventstream.processors.batch.max-events = many", "max-events", "many");
    assertRejected(
        "eventstream.processors.batch { time = event, allowed-lateness = -1s }",
        "allowed-lateness",
        "negative");
  }

  @Test
  void eventTimeWithoutLatenessIsCautionedAboutAtStart() {
    assertThat(batch("eventstream.processors.batch.time = event").caution())
        .contains("eventstream.processors.batch.", "allowed-lateness = 0s", "late at window ends");
    assertThat(
            batch("eventstream.processors.batch { time = event, allowed-lateness = 2s }").caution())
        .isNull();
    assertThat(batch("eventstream.processors.batch.time = processing").caution()).isNull();
  }

  @Test
  void latenessIsOnlyForEventTime() {
    assertRejected(
        "eventstream.processors.batch.allowed-lateness = 1s",
        "allowed-lateness",
        "only for time = event");
  }

  @Test
  void latenessKeepingTooManyWindowsOpenIsRejected() {
    assertRejected(
        "eventstream.processors.batch { window = 1s, time = event, allowed-lateness = 1h }",
        "allowed-lateness",
        "3601 windows");
  }

  @Test
  void anEventMayNotNeedMoreRecordsThanTheRecordQueueAllowsPerEvent() {
    BatchSettings batch =
        batch("eventstream.processors.batch { time = event, allowed-lateness = 20s }");
    EngineSettings small = new EngineSettings(with("eventstream.ring.record-queue-size = 8"));

    assertThatThrownBy(() -> batch.checkRecordBound(small))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("eventstream.processors.batch.allowed-lateness")
        .hasMessageContaining("up to 6")
        .hasMessageContaining("eventstream.ring.record-queue-size = 8");
    batch.checkRecordBound(new EngineSettings(with("eventstream.ring.record-queue-size = 16")));
  }
}
