package io.eventstreamcore.processors.realtime;

import static io.eventstreamcore.processors.TestEvents.event;
import static io.eventstreamcore.processors.TestEvents.payload;
import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.eventstreamcore.engine.event.EventSlot;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.processors.config.ProcessorSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlertRuleTest {
  private static final String SENSOR = "sensor/temperature";

  private static EventSlot on(String topic, byte[] payload) {
    return event(topic, 0, Priority.HIGH, 1, 1_000, payload);
  }

  @Test
  void payloadSizeRuleMatchesOnlyStrictlyOverTheThreshold() {
    AlertRule rule =
        new AlertRule("big", "*", AlertRule.Condition.PAYLOAD_BYTES_OVER, 1024, "WARNING");

    assertThat(rule.evaluate(on("orders", payload(1024, 0)))).isEqualTo(-1);
    assertThat(rule.evaluate(on("orders", payload(1025, 0)))).isEqualTo(1025);
    assertThat(rule.evaluate(on("any/other", payload(4000, 0)))).isEqualTo(4000);
    assertThat(rule.evaluate(on("orders", payload(0, 0)))).isEqualTo(-1);
  }

  @Test
  void aNullTopicMatchesEveryTopicLikeTheWildcard() {
    AlertRule rule = new AlertRule("big", null, AlertRule.Condition.PAYLOAD_BYTES_OVER, 1, "LOW");

    assertThat(rule.evaluate(on("a", payload(2, 0)))).isEqualTo(2);
    assertThat(rule.evaluate(on("b/c", payload(2, 0)))).isEqualTo(2);
  }

  @Test
  void firstByteRuleReadsTheByteUnsigned() {
    AlertRule rule =
        new AlertRule("hot", SENSOR, AlertRule.Condition.FIRST_BYTE_OVER, 100, "CRITICAL");

    assertThat(rule.evaluate(on(SENSOR, payload(1, 100)))).isEqualTo(-1);
    assertThat(rule.evaluate(on(SENSOR, payload(1, 101)))).isEqualTo(101);
    assertThat(rule.evaluate(on(SENSOR, payload(3, 127)))).isEqualTo(127);
    // Bytes 128..255 are negative as Java bytes; the rule compares them unsigned.
    assertThat(rule.evaluate(on(SENSOR, payload(1, 0x80)))).isEqualTo(128);
    assertThat(rule.evaluate(on(SENSOR, payload(1, 200)))).isEqualTo(200);
    assertThat(rule.evaluate(on(SENSOR, payload(1, 0xff)))).isEqualTo(255);
    assertThat(rule.evaluate(on(SENSOR, payload(1, 0)))).isEqualTo(-1);
  }

  @Test
  void firstByteRuleNeverMatchesAnEmptyPayload() {
    AlertRule rule = new AlertRule("any", SENSOR, AlertRule.Condition.FIRST_BYTE_OVER, 0, "LOW");

    assertThat(rule.evaluate(on(SENSOR, payload(0, 0)))).isEqualTo(-1);
    assertThat(rule.evaluate(on(SENSOR, payload(1, 1)))).isEqualTo(1);
  }

  @Test
  void aTopicRuleMatchesItsTopicExactly() {
    AlertRule rule =
        new AlertRule("hot", SENSOR, AlertRule.Condition.FIRST_BYTE_OVER, 100, "CRITICAL");

    assertThat(rule.evaluate(on("sensor/humidity", payload(1, 200)))).isEqualTo(-1);
    assertThat(rule.evaluate(on(SENSOR + "/2", payload(1, 200)))).isEqualTo(-1);
    assertThat(rule.evaluate(on("sensor", payload(1, 200)))).isEqualTo(-1);
    assertThat(rule.evaluate(on(SENSOR, payload(1, 200)))).isEqualTo(200);
  }

  @Test
  void theDefaultRulesAreLargePayloadAndHighTemperature() {
    List<AlertRule> rules = new ProcessorSettings(ConfigFactory.defaultReference()).alertRules();

    assertThat(rules)
        .extracting(AlertRule::name)
        .containsExactly("large-payload", "high-temperature");
    assertThat(rules).extracting(AlertRule::severity).containsExactly("WARNING", "CRITICAL");
    AlertRule large = rules.get(0);
    AlertRule hot = rules.get(1);

    assertThat(large.evaluate(on("orders", payload(1024, 0)))).isEqualTo(-1);
    assertThat(large.evaluate(on("orders", payload(1025, 0)))).isEqualTo(1025);
    assertThat(large.evaluate(on(SENSOR, payload(1025, 0)))).isEqualTo(1025);
    assertThat(hot.evaluate(on(SENSOR, payload(1, 100)))).isEqualTo(-1);
    assertThat(hot.evaluate(on(SENSOR, payload(1, 101)))).isEqualTo(101);
    assertThat(hot.evaluate(on(SENSOR, payload(1, 250)))).isEqualTo(250);
    assertThat(hot.evaluate(on("orders", payload(1, 250)))).isEqualTo(-1);
  }
}
