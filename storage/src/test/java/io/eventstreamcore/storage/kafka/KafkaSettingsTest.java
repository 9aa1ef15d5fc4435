package io.eventstreamcore.storage.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.eventstreamcore.engine.spi.StorageBackend;
import io.eventstreamcore.storage.StorageBackends;
import io.eventstreamcore.storage.config.StorageSettings;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class KafkaSettingsTest {
  private static final String BOOTSTRAP =
      KafkaSettings.PATH + ".bootstrap-servers = \"127.0.0.1:9092\"\n";

  private static KafkaSettings with(String overrides) {
    return new KafkaSettings(
        ConfigFactory.parseString(overrides)
            .withFallback(ConfigFactory.defaultReference())
            .resolve()
            .getConfig(KafkaSettings.PATH));
  }

  @Test
  void defaultsAreSingleTopicLz4AndABoundedCommit() {
    KafkaSettings s = with(BOOTSTRAP);
    assertThat(s.bootstrapServers()).isEqualTo("127.0.0.1:9092");
    assertThat(s.topicMapping()).isEqualTo(TopicMapping.Mode.SINGLE);
    assertThat(s.eventsTopic()).isEqualTo("eventstream-events");
    assertThat(s.recordsTopic()).isEqualTo("eventstream-records");
    assertThat(s.compression()).isEqualTo("lz4");
    assertThat(s.commitTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.producer()).isEmpty();
  }

  @Test
  void bootstrapServersAreRequired() {
    assertThatThrownBy(() -> with(""))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("eventstream.storage.kafka.bootstrap-servers")
        .hasMessageContaining("EVENTSTREAM_KAFKA_BOOTSTRAP");
  }

  @Test
  void kafkaSettingsAreReadOnlyWhenKafkaIsConfigured() throws Exception {
    // Another backend opens although kafka's block is unset and even invalid.
    StorageSettings storage =
        new StorageSettings(
            ConfigFactory.parseString(
                    "eventstream.storage { backends = [memory], kafka.compression = bogus }")
                .withFallback(ConfigFactory.defaultReference())
                .resolve());
    for (StorageBackend backend : StorageBackends.open(storage)) {
      assertThat(backend.name()).isEqualTo("memory");
      backend.close();
    }

    // Checked with the rest of the settings once configured, before anything opens.
    assertThatThrownBy(
            () ->
                new StorageSettings(
                    ConfigFactory.parseString("eventstream.storage.backends = [kafka]")
                        .withFallback(ConfigFactory.defaultReference())
                        .resolve()))
        .hasMessageContaining("eventstream.storage.kafka.bootstrap-servers");
  }

  @Test
  void badValuesNameTheirKey() {
    assertThatThrownBy(() -> with(BOOTSTRAP + KafkaSettings.PATH + ".topic-mapping = many"))
        .hasMessageContaining("eventstream.storage.kafka.topic-mapping")
        .hasMessageContaining("'many'");
    assertThatThrownBy(() -> with(BOOTSTRAP + KafkaSettings.PATH + ".compression = brotli"))
        .hasMessageContaining("eventstream.storage.kafka.compression");
    assertThatThrownBy(() -> with(BOOTSTRAP + KafkaSettings.PATH + ".events-topic = \"a/b\""))
        .hasMessageContaining("eventstream.storage.kafka.events-topic");
    assertThatThrownBy(() -> with(BOOTSTRAP + KafkaSettings.PATH + ".topic-prefix = \"a b\""))
        .hasMessageContaining("eventstream.storage.kafka.topic-prefix");
    assertThatThrownBy(() -> with(BOOTSTRAP + KafkaSettings.PATH + ".commit-timeout = 0s"))
        .hasMessageContaining("eventstream.storage.kafka.commit-timeout");
  }

  @Test
  void producerPropertiesPassThroughButTheGuaranteesAreFixed() {
    KafkaSettings s =
        with(
            BOOTSTRAP
                + KafkaSettings.PATH
                + ".producer { \"max.request.size\" = 2097152, linger.ms = 20 }");
    assertThat(s.producer()).containsEntry("max.request.size", "2097152");
    Map<String, Object> producer = s.producerConfig("eventstream-kafka");
    assertThat(producer)
        .containsEntry(ProducerConfig.LINGER_MS_CONFIG, "20")
        .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
        .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
        .containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4")
        .containsEntry(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000L);

    assertThatThrownBy(() -> with(BOOTSTRAP + KafkaSettings.PATH + ".producer.acks = 1"))
        .hasMessageContaining("eventstream.storage.kafka.producer.acks");
    assertThatThrownBy(
            () -> with(BOOTSTRAP + KafkaSettings.PATH + ".producer.enable.idempotence = false"))
        .hasMessageContaining("eventstream.storage.kafka.producer.enable.idempotence");
  }

  @Test
  void producerSettingsTheProducerWouldRefuseAtStartAreRefusedByTheCheck() {
    String producer = BOOTSTRAP + KafkaSettings.PATH + ".producer.";
    assertThatThrownBy(() -> with(producer + "linger.ms = soon"))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("eventstream.storage.kafka.producer")
        .hasMessageContaining("linger.ms");
    assertThatThrownBy(() -> with(producer + "\"max.in.flight.requests.per.connection\" = 10"))
        .hasMessageContaining("max.in.flight.requests.per.connection")
        .hasMessageContaining("at most 5");
    assertThatThrownBy(() -> with(producer + "retries = 0"))
        .hasMessageContaining("eventstream.storage.kafka.producer.retries");
    assertThatThrownBy(() -> with(producer + "\"request.timeout.ms\" = 400000"))
        .hasMessageContaining("eventstream.storage.kafka.delivery-timeout");
    assertThat(with(producer + "\"max.in.flight.requests.per.connection\" = 5").producer())
        .containsEntry("max.in.flight.requests.per.connection", "5");
  }
}
