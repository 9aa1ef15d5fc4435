package io.eventstreamcore.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.ingest.client.EventStreamClient;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (Debian's package) scrapes a running service: the target is up, the counters it
 * stores match the traffic sent, the shipped alert rules load, and every query of the shipped
 * Grafana dashboard evaluates.
 */
class PrometheusScrapeTest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final Pattern SCALAR = Pattern.compile("\"value\":\\[[^,]+,\"([^\"]+)\"\\]");

  private EventStreamService service;
  private Process prometheus;

  @AfterEach
  void stop() throws Exception {
    if (prometheus != null) {
      prometheus.destroy();
      if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
        prometheus.destroyForcibly().waitFor();
      }
    }
    if (service != null) {
      service.close();
    }
  }

  @Test
  void prometheusScrapesTheServiceAndSeesWhatWasSent(@TempDir Path dir) throws Exception {
    Path binary = PrometheusTools.require("prometheus");
    service =
        EventStreamService.start(
            TestConfigs.withOverrides("eventstream.storage.backends = [memory]"));
    int port = FixedPort.free(); // Prometheus cannot report an ephemeral port it chose
    prometheus = startPrometheus(binary, dir, port);
    String api = "http://127.0.0.1:" + port;
    await("prometheus ready")
        .atMost(DEADLINE)
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(() -> AdminHttp.get(api + "/-/ready").statusCode() == 200);

    int events = 2_000;
    int invalid = 7;
    try (EventStreamClient client = EventStreamClient.connect(service.ingestAddress())) {
      for (int i = 1; i <= events; i++) {
        client.send(Priority.HIGH, "orders", i, new byte[] {(byte) i}, i == events);
      }
      for (int i = 0; i < invalid; i++) {
        client.sendRaw(new byte[] {7, 0, 1, 'x'}); // priority 7: rejected with ERROR 1
      }
      client.send(Priority.LOW, "orders", events + 1, new byte[0], true);
      client.flush();
      assertThat(client.awaitAck(events + invalid + 1, DEADLINE)).isTrue();
    }

    await("scraped counters")
        .atMost(DEADLINE)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              assertThat(query(api, "up{job=\"eventstream\"}")).isEqualTo(1.0);
              assertThat(query(api, "eventstream_frames_received_total"))
                  .isEqualTo(events + invalid + 1.0);
              assertThat(query(api, "sum(eventstream_frames_rejected_total)")).isEqualTo(invalid);
              assertThat(query(api, "eventstream_events_stored_total{backend=\"memory\"}"))
                  .isEqualTo(events + 1.0);
              assertThat(query(api, "eventstream_storage_up{backend=\"memory\"}")).isEqualTo(1.0);
            });

    String rules = AdminHttp.get(api + "/api/v1/rules").body();
    assertThat(rules).contains("\"status\":\"success\"", "EventStreamStorageDown");
    assertThat(rules).doesNotContain("\"health\":\"err\"");
    for (String expression : dashboardExpressions()) {
      HttpResponse<String> response =
          AdminHttp.get(api + "/api/v1/query?query=" + encode(expression));
      assertThat(response.statusCode()).as(expression + ": " + response.body()).isEqualTo(200);
      assertThat(response.body()).as(expression).contains("\"status\":\"success\"");
      // Valid is not enough: a "sum by" over a label the metric lacks draws one unlabelled line.
      Matcher grouped = GROUPED.matcher(expression);
      if (grouped.find()) {
        for (String label : grouped.group(1).split(",\\s*")) {
          if (!label.equals("le")) {
            String series = grouped.group(2) + "{" + label + "=~\".+\"}";
            assertThat(query(api, "count(" + series + ")")).as(expression).isPositive();
          }
        }
      }
    }
  }

  @Test
  void promtoolAcceptsTheExposition() throws Exception {
    service =
        EventStreamService.start(
            TestConfigs.withOverrides("eventstream.storage.backends = [memory]"));
    String body = AdminHttp.get(service, "/metrics").body();
    // promtool also accepts empty input: make sure there is something to check.
    assertThat(body).contains("eventstream_frames_received_total", "jvm_memory_used_bytes");
    PrometheusTools.Run run = PrometheusTools.promtool(body, "check", "metrics");
    assertThat(run.exitCode()).as(run.output()).isZero();
  }

  private Process startPrometheus(Path binary, Path dir, int port) throws IOException {
    Files.copy(PrometheusTools.RULES_DIR.resolve("alerts.yml"), dir.resolve("alerts.yml"));
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "global:",
            "  scrape_interval: 1s",
            "  evaluation_interval: 1s",
            "rule_files: [alerts.yml]",
            "scrape_configs:",
            "  - job_name: eventstream",
            "    static_configs:",
            "      - targets: ['127.0.0.1:" + service.adminAddress().getPort() + "']",
            ""));
    return new ProcessBuilder(
            binary.toString(),
            "--config.file=" + config,
            "--storage.tsdb.path=" + dir.resolve("tsdb"),
            "--web.listen-address=127.0.0.1:" + port)
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("prometheus.log").toFile())
        .start();
  }

  private static final Pattern GROUPED =
      Pattern.compile("by \\(([^)]*)\\) \\(.*?\\b(eventstream_[a-z_]+)");

  /** Queries of the shipped dashboard, with Grafana's variables replaced by plain values. */
  private static List<String> dashboardExpressions() throws IOException {
    String json = Files.readString(Path.of("grafana", "eventstream-dashboard.json"));
    Matcher m = Pattern.compile("\"expr\": \"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
    List<String> expressions = new ArrayList<>();
    while (m.find()) {
      expressions.add(
          m.group(1)
              .replace("\\\"", "\"")
              .replace("$__rate_interval", "1m")
              .replace("$instance", ".*"));
    }
    assertThat(expressions).hasSizeGreaterThan(10);
    return expressions;
  }

  private double query(String api, String expression) throws Exception {
    String body = AdminHttp.get(api + "/api/v1/query?query=" + encode(expression)).body();
    Matcher m = SCALAR.matcher(body);
    assertThat(m.find()).as(expression + " -> " + body).isTrue();
    return Double.parseDouble(m.group(1));
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
