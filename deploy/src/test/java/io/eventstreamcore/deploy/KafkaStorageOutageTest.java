package io.eventstreamcore.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.ingest.client.EventStreamClient;
import io.eventstreamcore.storage.kafka.KafkaBackend;
import io.eventstreamcore.storage.testing.KafkaTestCluster;
import io.eventstreamcore.storage.testing.KafkaTopicReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import kafka.server.BrokerServer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The service with kafka storage through a broker outage: the broker of an in-process KRaft cluster
 * is stopped mid-stream and started again on the same port. While it is down commits fail,
 * eventstream_storage_up is 0, the service is not ready and no ACK comes; once it is back every
 * event is acknowledged and every acknowledged event is in Kafka under its key.
 */
class KafkaStorageOutageTest {
  private static final String TOPIC = "outage-events";
  private static final int PER_PHASE = 300;
  @RegisterExtension static final KafkaTestCluster KAFKA = new KafkaTestCluster();

  @Test
  void acknowledgedEventsSurviveABrokerOutageAndAcksResumeAfterIt() throws Exception {
    // A delivery timeout shorter than the outage: sends fail for good while the broker is down and
    // must be sent again from the backend's copies.
    EventStreamService service =
        EventStreamService.start(
            TestConfigs.withOverrides(
                "eventstream.storage.backends = [kafka]\n"
                    + "eventstream.storage.kafka {\n"
                    + "  bootstrap-servers = \""
                    + KAFKA.bootstrapServers()
                    + "\"\n"
                    + "  events-topic = "
                    + TOPIC
                    + "\n"
                    + "  commit-timeout = 500ms\n"
                    + "  delivery-timeout = 2s\n"
                    + "}\n"));
    BrokerServer broker = KAFKA.kit().brokers().values().iterator().next();
    try (EventStreamClient client = EventStreamClient.connect(service.ingestAddress())) {
      long before = send(client, 1);
      assertThat(client.awaitAck(before, Duration.ofSeconds(30))).isTrue();
      assertThat(readiness(service)).isEqualTo(200);
      assertThat(storageUp(service)).isEqualTo(1.0);

      broker.shutdown();
      long during = send(client, PER_PHASE + 1);
      KafkaBackend kafka = (KafkaBackend) service.backend("kafka");
      await().atMost(Duration.ofSeconds(30)).until(() -> readiness(service) == 503);
      assertThat(storageUp(service)).isZero();
      // Some send failed for good (delivery timeout) and was sent again from its copy.
      await().atMost(Duration.ofSeconds(30)).until(() -> kafka.resent() > 0);
      // Everything sent after the broker stopped is unacknowledged: no broker, no ACK.
      assertThat(client.lastAck()).isEqualTo(before);

      broker.startup();
      assertThat(client.awaitAck(during, Duration.ofSeconds(60))).isTrue();
      await().atMost(Duration.ofSeconds(30)).until(() -> readiness(service) == 200);
      assertThat(storageUp(service)).isEqualTo(1.0);
      assertThat(client.errors()).isEmpty();
    } finally {
      service.close();
    }

    Set<Long> expected = new TreeSet<>();
    for (long id = 1; id <= 2 * PER_PHASE; id++) {
      expected.add(id);
    }
    Map<Long, String> stored = readEvents(KAFKA.bootstrapServers());
    // A resend may have duplicated an event in Kafka; by key, each one is there, unchanged.
    assertThat(stored.keySet()).containsExactlyInAnyOrderElementsOf(expected);
    stored.forEach((id, payload) -> assertThat(payload).isEqualTo("event-" + id));
  }

  /** Sends {@link #PER_PHASE} events with ids from {@code firstId}; returns the last frame no. */
  private static long send(EventStreamClient client, long firstId) throws Exception {
    long frame = 0;
    for (long id = firstId; id < firstId + PER_PHASE; id++) {
      byte[] payload = ("event-" + id).getBytes(StandardCharsets.UTF_8);
      frame = client.send(Priority.MEDIUM, "orders", id, payload, true);
    }
    client.flush();
    return frame;
  }

  private static int readiness(EventStreamService service) throws Exception {
    return AdminHttp.get(service, "/health/ready").statusCode();
  }

  private static double storageUp(EventStreamService service) throws Exception {
    return AdminHttp.metric(service, "eventstream_storage_up{backend=\"kafka\"}");
  }

  /** Every event of the topic by key (the event id), with its payload as text. */
  private static Map<Long, String> readEvents(String bootstrap) {
    Map<Long, String> events = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : KafkaTopicReader.readAll(bootstrap, TOPIC)) {
      events.put(ByteBuffer.wrap(r.key()).getLong(), new String(r.value(), StandardCharsets.UTF_8));
    }
    return events;
  }
}
