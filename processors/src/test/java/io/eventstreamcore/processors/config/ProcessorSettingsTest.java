package io.eventstreamcore.processors.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProcessorSettingsTest {

  private static Config with(String overrides) {
    return ConfigFactory.parseString(overrides)
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }

  @Test
  void defaultsComeFromTheReferenceConfiguration() {
    ProcessorSettings settings = new ProcessorSettings(ConfigFactory.defaultReference());

    assertThat(settings.batch().window()).isEqualTo(Duration.ofSeconds(5));
    assertThat(settings.alertRules()).hasSize(2);
  }

  @Test
  void aRuleWithBothConditionsNamesItsIndex() {
    assertThatThrownBy(
            () ->
                new ProcessorSettings(
                    with(
                        "eventstream.processors.realtime.rules = [{ name = x,"
                            + " payload-bytes-over = 1, first-byte-over = 2 }]")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("eventstream.processors.realtime.rules[0]");
  }

  @Test
  void namesRecordsWouldCarryMustBeStorable() {
    String tooLong = "n".repeat(513);
    assertThatThrownBy(
            () ->
                new ProcessorSettings(
                    with(
                        "eventstream.processors.realtime.rules = [{ name = "
                            + tooLong
                            + ", payload-bytes-over = 1 }]")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("eventstream.processors.realtime.rules[0].name");
    assertThatThrownBy(
            () ->
                new ProcessorSettings(
                    with(
                        "eventstream.processors.batch.handlers = [{ handler = windows,"
                            + " name = \"a\\u0000b\" }]")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("U+0000");
  }

  @Test
  void aRuleWithoutAConditionNamesItsIndex() {
    assertThatThrownBy(
            () ->
                new ProcessorSettings(
                    with(
                        "eventstream.processors.realtime.rules = [{ name = ok,"
                            + " payload-bytes-over = 1 }, { name = x }]")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("eventstream.processors.realtime.rules[1]");
  }

  @Test
  void aNegativeThresholdIsRejected() {
    assertThatThrownBy(
            () ->
                new ProcessorSettings(
                    with(
                        "eventstream.processors.realtime.rules = [{ name = x,"
                            + " first-byte-over = -1 }]")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("eventstream.processors.realtime.rules[0]");
  }

  @Test
  void aSubMillisecondBatchWindowNamesTheKey() {
    assertThatThrownBy(
            () -> new ProcessorSettings(with("eventstream.processors.batch.window = 0s")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("eventstream.processors.batch.window");
  }

  @Test
  void severityDefaultsToWarningAndIsUpperCased() {
    ProcessorSettings settings =
        new ProcessorSettings(
            with(
                "eventstream.processors.realtime.rules = [{ name = a, payload-bytes-over = 1 },"
                    + " { name = b, payload-bytes-over = 1, severity = critical }]"));

    assertThat(settings.alertRules().get(0).severity()).isEqualTo("WARNING");
    assertThat(settings.alertRules().get(1).severity()).isEqualTo("CRITICAL");
  }

  private static void assertBad(String rules, String key, String... inMessage) {
    assertThatThrownBy(
            () -> new ProcessorSettings(with("eventstream.processors.realtime.rules = " + rules)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(key)
        .satisfies(
            e -> {
              for (String part : inMessage) {
                assertThat(e.getMessage()).contains(part);
              }
            });
  }

  @Test
  void everyBadRuleIsReportedWithItsKeyAndValue() {
    String rules = "eventstream.processors.realtime.rules[0]";
    assertBad("[{ name = x, payload-size-over = 1 }]", rules + ".payload-size-over", "1");
    assertBad("[{ name = x, json-field = t, op = \"=>\", value = 1 }]", rules + ".op", "=>");
    assertBad("[{ name = x, json-field = t, value = 1 }]", rules, "needs op");
    assertBad("[{ name = x, json-field = t, op = \">\" }]", rules, "needs value");
    assertBad("[{ name = x, json-field = t, op = \">\", value = warm }]", rules + ".value", "warm");
    assertBad(
        "[{ name = x, json-field = \"a\\\\b\", op = \">\", value = 1 }]", rules + ".json-field");
    assertBad(
        "[{ name = x, topic = \"sensor/[12]\", payload-bytes-over = 1 }]",
        rules + ".topic",
        "sensor/[12]");
    assertBad("[{ name = x, topic = \"a\\\\\", payload-bytes-over = 1 }]", rules + ".topic");
    assertBad("[{ name = x, topic = \"\", payload-bytes-over = 1 }]", rules + ".topic");
    assertBad(
        "[{ name = x, payload-bytes-over = 1, severity = urgent }]", rules + ".severity", "URGENT");
    assertBad("[{ topic = a, payload-bytes-over = 1 }]", rules, "needs a name");
    assertBad("[{ name = x, payload-byte = 2, op = \">\", value = 256 }]", rules + ".value", "256");
    assertBad(
        "[{ name = x, payload-byte = -1, op = \">\", value = 1 }]", rules + ".payload-byte", "-1");
    assertBad(
        "[{ name = x, payload-byte = 1.5, op = \">\", value = 1 }]",
        rules + ".payload-byte",
        "1.5");
    assertBad("[{ name = x, payload-bytes-under = 0 }]", rules + ".payload-bytes-under", "0");
    assertBad("[{ name = x, payload-bytes-over = 1, op = \">\" }]", rules + ".op", "only for");
    assertBad(
        "[{ name = x, payload-bytes-over = 1 }, { name = x, payload-bytes-over = 2 }]",
        "eventstream.processors.realtime.rules[1].name",
        "earlier rule");
  }

  @Test
  void everyConditionIsReadFromItsKeys() {
    ProcessorSettings settings =
        new ProcessorSettings(
            with(
                "eventstream.processors.realtime.rules = ["
                    + "{ name = a, topic = \"sensor/*\", payload-bytes-under = 2 },"
                    + "{ name = b, payload-byte = 3, op = \"<=\", value = 7 },"
                    + "{ name = c, json-field = temperature, op = \"!=\", value = -2.5 },"
                    + "{ name = d, first-byte-over = 255 }]"));

    assertThat(settings.alertRules())
        .extracting(Object::toString)
        .containsExactly(
            "a(sensor/* payload-bytes < 2 -> WARNING)",
            "b(* payload-byte[3] <= 7 -> WARNING)",
            "c(* json-field temperature != -2.5 -> WARNING)",
            "d(* payload-byte[0] > 255 -> WARNING)");
  }

  @Test
  void theRealtimeSlaDefaultsTo5msAndMustBePositive() {
    assertThat(new ProcessorSettings(ConfigFactory.defaultReference()).realtimeSla())
        .isEqualTo(Duration.ofMillis(5));
    assertThatThrownBy(
            () -> new ProcessorSettings(with("eventstream.processors.realtime.sla = 0s")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("eventstream.processors.realtime.sla");
  }

  @Test
  void theReadmeExampleLoads() {
    ProcessorSettings settings =
        new ProcessorSettings(
            with(
                "eventstream.processors.realtime.rules = [\n"
                    + "  { name = large-payload, topic = \"*\", payload-bytes-over = 1024,"
                    + " severity = WARNING }\n"
                    + "  { name = hot, topic = \"sensor/*\", json-field = temperature, op = \">\","
                    + " value = 30.5, severity = CRITICAL }\n"
                    + "  { name = tiny, topic = \"*/heartbeat\", payload-bytes-under = 2,"
                    + " severity = INFO }\n"
                    + "  { name = door-fault, topic = \"door/?\", payload-byte = 3, op = \"==\","
                    + " value = 255 }\n"
                    + "]"));

    assertThat(settings.alertRules())
        .extracting(Object::toString)
        .containsExactly(
            "large-payload(* payload-bytes > 1024 -> WARNING)",
            "hot(sensor/* json-field temperature > 30.5 -> CRITICAL)",
            "tiny(*/heartbeat payload-bytes < 2 -> INFO)",
            "door-fault(door/? payload-byte[3] == 255 -> WARNING)");
  }

  @Test
  void aBadOperatorIsReportedAsTheReadmeSays() {
    assertThatThrownBy(
            () ->
                new ProcessorSettings(
                    with(
                        "eventstream.processors.realtime.rules = [{ name = x, json-field = t,"
                            + " op = \"=>\", value = 1 }]")))
        .hasMessageContaining(
            "Invalid value at 'eventstream.processors.realtime.rules[0].op':"
                + " '=>' is not one of >, >=, <, <=, ==, !=");
  }
}
