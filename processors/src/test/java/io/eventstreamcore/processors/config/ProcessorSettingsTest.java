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

    assertThat(settings.batchWindow()).isEqualTo(Duration.ofSeconds(5));
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
}
