package io.eventstreamcore.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.ingest.client.EventStreamClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code /status} over HTTP: valid JSON whose counts follow the traffic a client sent. */
class AdminStatusTest {
  @Test
  void statusReportsConfigurationRingConnectionsAndCounts() throws Exception {
    try (EventStreamService service =
        EventStreamService.start(
            TestConfigs.withOverrides(
                "eventstream.storage.backends = [memory]\n"
                    + "eventstream.ring.size = 1024\n"
                    + "eventstream.ring.wait-strategy = blocking\n"
                    + "eventstream.topics.priorities { alarms = CRITICAL }"))) {
      try (EventStreamClient client = EventStreamClient.connect(service.ingestAddress())) {
        client.send(Priority.CRITICAL, "alarms", 1, new byte[] {1}, false);
        client.send(Priority.LOW, "logs", 2, new byte[] {2}, false);
        client.send(Priority.LOW, "logs", 2, new byte[] {2}, false); // duplicate of id 2
        client.sendRaw(new byte[] {6, 0, 1, 'x'}); // priority 6: rejected
        client.send(Priority.BATCH, "metrics", 3, new byte[] {3}, true);
        client.flush();
        assertThat(client.awaitAck(5, Duration.ofSeconds(10))).isTrue();

        HttpResponse<String> response = AdminHttp.get(service, "/status");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type"))
            .hasValue("application/json; charset=utf-8");
        JsonNode status = new ObjectMapper().readTree(response.body());

        assertThat(status.get("version").asText()).isNotBlank();
        assertThat(status.get("uptime_seconds").asDouble()).isPositive();
        assertThat(status.get("ready").asBoolean()).isTrue();
        JsonNode config = status.get("config");
        assertThat(config.get("ring_size").asInt()).isEqualTo(1024);
        assertThat(config.get("wait_strategy").asText()).isEqualTo("blocking");
        assertThat(config.get("ingest").asText())
            .isEqualTo("127.0.0.1:" + service.ingestAddress().getPort());
        assertThat(config.get("backends").get(0).asText()).isEqualTo("memory");
        assertThat(status.at("/ring/size").asInt()).isEqualTo(1024);
        assertThat(status.at("/ring/used").asLong()).isBetween(0L, 1024L);
        assertThat(status.get("connections").asInt()).isEqualTo(1);
        assertThat(status.at("/frames/received").asLong()).isEqualTo(5);
        assertThat(status.at("/frames/rejected").asLong()).isEqualTo(1);
        assertThat(status.at("/frames/duplicates").asLong()).isEqualTo(1);
        assertThat(status.at("/processors/realtime/processed").asLong()).isEqualTo(1);
        assertThat(status.at("/processors/transactional/processed").asLong()).isEqualTo(1);
        assertThat(status.at("/processors/batch/processed").asLong()).isEqualTo(1);
        JsonNode memory = status.at("/backends/memory");
        assertThat(memory.get("durable").asBoolean()).isTrue();
        assertThat(memory.get("up").asBoolean()).isTrue();
        assertThat(memory.get("stored").asLong()).isEqualTo(3);
        assertThat(memory.get("errors").asLong()).isZero();
      }
    }
  }
}
