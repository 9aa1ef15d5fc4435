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

  private static AlertRule anyPayload(String topic) {
    return new AlertRule("any", topic, AlertCondition.payloadBytes(CompareOp.GT, 0), "INFO");
  }

  @Test
  void aNullTopicMatchesEveryTopicLikeTheWildcard() {
    AlertRule rule = anyPayload(null);

    assertThat(rule.evaluate(on("a", payload(2, 0)))).isEqualTo(2);
    assertThat(rule.evaluate(on("b/c", payload(2, 0)))).isEqualTo(2);
    assertThat(rule.topic().matchesEverything()).isTrue();
  }

  @Test
  void anExactTopicMatchesOnlyItself() {
    AlertRule rule = anyPayload(SENSOR);

    assertThat(rule.evaluate(on("sensor/humidity", payload(1, 0)))).isNaN();
    assertThat(rule.evaluate(on(SENSOR + "/2", payload(1, 0)))).isNaN();
    assertThat(rule.evaluate(on("sensor", payload(1, 0)))).isNaN();
    assertThat(rule.evaluate(on(SENSOR, payload(1, 0)))).isEqualTo(1);
  }

  @Test
  void aGlobTopicMatchesByPattern() {
    AlertRule sensors = anyPayload("sensor/*");
    AlertRule temperatures = anyPayload("*/temperature");

    assertThat(sensors.evaluate(on(SENSOR, payload(1, 0)))).isEqualTo(1);
    assertThat(sensors.evaluate(on("sensor/", payload(1, 0)))).isEqualTo(1);
    assertThat(sensors.evaluate(on("sensors/x", payload(1, 0)))).isNaN();
    assertThat(temperatures.evaluate(on("room/1/temperature", payload(1, 0)))).isEqualTo(1);
    assertThat(temperatures.evaluate(on("temperature", payload(1, 0)))).isNaN();
  }

  @Test
  void theTopicIsCheckedBeforeTheCondition() {
    AlertRule rule =
        new AlertRule("hot", SENSOR, AlertCondition.payloadByte(0, CompareOp.GT, 100), "CRITICAL");

    assertThat(rule.evaluate(on("orders", payload(1, 200)))).isNaN();
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

    assertThat(large.evaluate(on("orders", payload(1024, 0)))).isNaN();
    assertThat(large.evaluate(on("orders", payload(1025, 0)))).isEqualTo(1025);
    assertThat(large.evaluate(on(SENSOR, payload(1025, 0)))).isEqualTo(1025);
    assertThat(hot.evaluate(on(SENSOR, payload(1, 100)))).isNaN();
    assertThat(hot.evaluate(on(SENSOR, payload(1, 101)))).isEqualTo(101);
    assertThat(hot.evaluate(on(SENSOR, payload(1, 250)))).isEqualTo(250);
    assertThat(hot.evaluate(on(SENSOR, payload(0, 0)))).isNaN();
    assertThat(hot.evaluate(on("orders", payload(1, 250)))).isNaN();
  }
}
