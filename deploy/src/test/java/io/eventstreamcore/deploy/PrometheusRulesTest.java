package io.eventstreamcore.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The shipped Prometheus configuration and alert rules, checked and unit-tested by promtool. */
class PrometheusRulesTest {
  @Test
  void alertRulesAreValid() throws Exception {
    PrometheusTools.Run run =
        PrometheusTools.promtool(
            null, "check", "rules", PrometheusTools.RULES_DIR.resolve("alerts.yml").toString());
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output()).contains("SUCCESS: 10 rules found");
  }

  @Test
  void alertRulesPassTheirUnitTests() throws Exception {
    PrometheusTools.Run run =
        PrometheusTools.promtool(
            null, "test", "rules", PrometheusTools.RULES_DIR.resolve("alerts_test.yml").toString());
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output()).contains("SUCCESS");
  }

  @Test
  void scrapeConfigurationIsValid() throws Exception {
    PrometheusTools.Run run =
        PrometheusTools.promtool(
            null,
            "check",
            "config",
            PrometheusTools.RULES_DIR.resolve("prometheus.yml").toString());
    assertThat(run.exitCode()).as(run.output()).isZero();
  }
}
