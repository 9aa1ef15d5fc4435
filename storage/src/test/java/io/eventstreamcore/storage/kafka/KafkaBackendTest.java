package io.eventstreamcore.storage.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.eventstreamcore.engine.event.EventSlot;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.record.DeadLetterReason;
import io.eventstreamcore.engine.record.Record;
import io.eventstreamcore.storage.TestEvents;
import io.eventstreamcore.storage.testing.KafkaTestCluster;
import io.eventstreamcore.storage.testing.KafkaTopicReader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The kafka backend against a real in-process KRaft broker, read back with a real consumer. */
class KafkaBackendTest {
  @RegisterExtension static final KafkaTestCluster KAFKA = new KafkaTestCluster();

  private static KafkaSettings settings(String bootstrap, String overrides) {
    return new KafkaSettings(
        ConfigFactory.parseString(overrides)
            .withFallback(
                ConfigFactory.parseString(
                    KafkaSettings.PATH + ".bootstrap-servers = \"" + bootstrap + "\""))
            .withFallback(ConfigFactory.defaultReference())
            .resolve()
            .getConfig(KafkaSettings.PATH));
  }

  private static KafkaBackend backend(String overrides) {
    return new KafkaBackend("kafka", settings(KAFKA.bootstrapServers(), overrides), true);
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  private static long longHeader(ConsumerRecord<byte[], byte[]> r, String name) {
    byte[] value = r.headers().lastHeader(name).value();
    assertThat(value).hasSize(8);
    return ByteBuffer.wrap(value).getLong();
  }

  @Test
  void eventsCarryKeyPayloadHeadersAndTimestampInOneTopic() throws Exception {
    TestEvents.Expected first =
        TestEvents.event(
            "orders/eu", Priority.HIGH, 42, 1_700_000_000_123L, TestEvents.payload(300, 1));
    TestEvents.Expected noId =
        TestEvents.event(
            "metrics", Priority.BATCH, 0, 1_700_000_000_456L, TestEvents.payload(5, 9));
    TestEvents.Expected empty =
        TestEvents.event("metrics", Priority.LOW, 7, 1_700_000_000_789L, new byte[0]);
    try (KafkaBackend backend =
        backend("eventstream.storage.kafka { events-topic = single-events, compression = lz4 }")) {
      backend.append(first.slot());
      backend.append(noId.slot());
      backend.commit();
      backend.append(empty.slot());
      backend.commit();
    }

    List<ConsumerRecord<byte[], byte[]>> read =
        KafkaTopicReader.readAll(KAFKA.bootstrapServers(), "single-events");
    assertThat(read).hasSize(3);
    ConsumerRecord<byte[], byte[]> r = read.get(0);
    assertThat(r.key()).isEqualTo(ByteBuffer.allocate(8).putLong(42).array());
    assertThat(HexFormat.of().formatHex(r.value())).isEqualTo(first.payloadHex());
    assertThat(r.timestamp()).isEqualTo(first.receivedMillis());
    assertThat(r.timestampType()).isEqualTo(TimestampType.CREATE_TIME);
    assertThat(header(r, "topic")).isEqualTo("orders/eu");
    // The effective priority (the slot's frame priority is BATCH), and the route it implies.
    assertThat(header(r, "priority")).isEqualTo("HIGH");
    assertThat(header(r, "route")).isEqualTo("realtime");
    assertThat(longHeader(r, "client_time_us")).isEqualTo(first.clientTimeMicros());
    assertThat(longHeader(r, "received_ms")).isEqualTo(first.receivedMillis());

    ConsumerRecord<byte[], byte[]> keyedByTopic = read.get(1);
    assertThat(new String(keyedByTopic.key(), StandardCharsets.UTF_8)).isEqualTo("metrics");
    assertThat(header(keyedByTopic, "priority")).isEqualTo("BATCH");
    assertThat(header(keyedByTopic, "route")).isEqualTo("batch");
    assertThat(longHeader(keyedByTopic, "client_time_us")).isZero();
    assertThat(HexFormat.of().formatHex(keyedByTopic.value())).isEqualTo(noId.payloadHex());

    ConsumerRecord<byte[], byte[]> emptyPayload = read.get(2);
    assertThat(emptyPayload.value()).isEmpty();
    assertThat(header(emptyPayload, "route")).isEqualTo("transactional");
  }

  @Test
  void aProducerThatCanSendNoMoreIsReplacedAndNothingKeptIsLost() throws Exception {
    List<Producer<byte[], byte[]>> made = new CopyOnWriteArrayList<>();
    try (KafkaBackend backend = watched("replaced", made)) {
      backend.append(TestEvents.event("orders", Priority.LOW, 1, 10, new byte[] {1}).slot());
      backend.commit();
      backend.append(TestEvents.event("orders", Priority.LOW, 2, 20, new byte[] {2}).slot());
      // Every send of the producer now throws, as in Kafka's fatal error state (an authentication
      // failure, say); event 2 was sent through it and perhaps not yet acknowledged.
      made.get(0).close(Duration.ZERO);
      TestEvents.Expected third = TestEvents.event("orders", Priority.LOW, 3, 30, new byte[] {3});
      assertThatThrownBy(() -> backend.append(third.slot())).isInstanceOf(IOException.class);
      backend.append(third.slot()); // as the writer appends it again
      backend.commit(); // event 2 sent again through the new producer, unless the old one had it
    }
    assertThat(made).hasSize(2);
    assertThat(KafkaTopicReader.readAll(KAFKA.bootstrapServers(), "replaced"))
        .extracting(r -> ByteBuffer.wrap(r.key()).getLong())
        .containsOnly(1L, 2L, 3L); // event 2 twice if the broker had it before the close
  }

  @Test
  void aClosedBackendBuildsNoNewProducer() throws Exception {
    List<Producer<byte[], byte[]>> made = new CopyOnWriteArrayList<>();
    KafkaBackend backend = watched("closed", made);
    backend.close();
    // A writer that a stop waited out, still appending.
    TestEvents.Expected event = TestEvents.event("orders", Priority.LOW, 1, 10, new byte[] {1});
    assertThatThrownBy(() -> backend.append(event.slot())).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> backend.append(event.slot())).isInstanceOf(IOException.class);
    assertThat(made).hasSize(1);
  }

  /** A backend on events topic {@code topic} whose producers are added to {@code made}. */
  private static KafkaBackend watched(String topic, List<Producer<byte[], byte[]>> made) {
    return new KafkaBackend(
        "kafka",
        settings(KAFKA.bootstrapServers(), "eventstream.storage.kafka.events-topic = " + topic),
        true,
        properties -> {
          Producer<byte[], byte[]> producer =
              new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer());
          made.add(producer);
          return producer;
        });
  }

  @Test
  void anEventTopicNamedLikeAnInternalTopicOrTheRecordsTopicIsStoredBesideThem() throws Exception {
    try (KafkaBackend backend =
        backend(
            "eventstream.storage.kafka { topic-mapping = per-topic, topic-prefix = \"\","
                + " records-topic = plain-records, commit-timeout = 10s }")) {
      backend.append(
          TestEvents.event("__consumer_offsets", Priority.LOW, 1, 10, new byte[] {1}).slot());
      backend.append(TestEvents.event("plain-records", Priority.LOW, 2, 20, new byte[] {2}).slot());
      backend.commit(); // Kafka refuses appends to __consumer_offsets, at every commit
    }
    TopicMapping mapping =
        new TopicMapping(TopicMapping.Mode.PER_TOPIC, "unused", "", "plain-records");
    assertThat(
            KafkaTopicReader.readAll(
                KAFKA.bootstrapServers(), mapping.kafkaTopic("__consumer_offsets")))
        .extracting(r -> ByteBuffer.wrap(r.key()).getLong())
        .containsExactly(1L);
    assertThat(
            KafkaTopicReader.readAll(KAFKA.bootstrapServers(), mapping.kafkaTopic("plain-records")))
        .extracting(r -> ByteBuffer.wrap(r.key()).getLong())
        .containsExactly(2L);
  }

  @Test
  void eventTopicsDifferingOnlyInDotAndUnderscoreAreBothStored() throws Exception {
    try (KafkaBackend backend =
        backend(
            "eventstream.storage.kafka { topic-mapping = per-topic, topic-prefix = \"dots.\","
                + " commit-timeout = 10s }")) {
      backend.append(
          TestEvents.event("orders.eu", Priority.LOW, 1, 10, TestEvents.payload(4, 0)).slot());
      backend.append(
          TestEvents.event("orders_eu", Priority.LOW, 2, 20, TestEvents.payload(4, 1)).slot());
      backend.commit(); // Kafka refused the second topic, once named dots.orders.eu, for good
    }
    assertThat(
            KafkaTopicReader.readAll(
                KAFKA.bootstrapServers(), TopicMapping.perTopic("dots.", "orders.eu")))
        .extracting(r -> ByteBuffer.wrap(r.key()).getLong())
        .containsExactly(1L);
    assertThat(KafkaTopicReader.readAll(KAFKA.bootstrapServers(), "dots.orders_eu"))
        .extracting(r -> ByteBuffer.wrap(r.key()).getLong())
        .containsExactly(2L);
  }

  @Test
  void perTopicMappingGivesEachEventTopicItsOwnLegalKafkaTopic() throws Exception {
    try (KafkaBackend backend =
        backend(
            "eventstream.storage.kafka { topic-mapping = per-topic, topic-prefix = \"es.\","
                + " compression = gzip }")) {
      backend.append(
          TestEvents.event("clicks", Priority.LOW, 1, 10, TestEvents.payload(4, 0)).slot());
      backend.append(
          TestEvents.event("orders/eu", Priority.LOW, 2, 20, TestEvents.payload(4, 1)).slot());
      backend.append(
          TestEvents.event("clicks", Priority.LOW, 3, 30, TestEvents.payload(4, 2)).slot());
      // Beyond topics.max: one Kafka topic for all such topics, each record with its own topic.
      EventSlot beyond = TestEvents.event("device/9", Priority.LOW, 4, 40, new byte[0]).slot();
      beyond.classify("_overflow", 65_536, Priority.LOW, false);
      beyond.topicShared();
      backend.append(beyond);
      backend.commit();
    }
    String orders = TopicMapping.perTopic("es.", "orders/eu");
    assertThat(orders).startsWith("es.orders_eu-").matches("[a-zA-Z0-9._-]+");

    assertThat(KafkaTopicReader.readAll(KAFKA.bootstrapServers(), "es.clicks"))
        .extracting(r -> ByteBuffer.wrap(r.key()).getLong())
        .containsExactly(1L, 3L);
    List<ConsumerRecord<byte[], byte[]>> eu =
        KafkaTopicReader.readAll(KAFKA.bootstrapServers(), orders);
    assertThat(eu).extracting(r -> ByteBuffer.wrap(r.key()).getLong()).containsExactly(2L);
    assertThat(header(eu.get(0), "topic")).isEqualTo("orders/eu");
    List<ConsumerRecord<byte[], byte[]>> overflow =
        KafkaTopicReader.readAll(KAFKA.bootstrapServers(), "es._overflow");
    assertThat(overflow).extracting(r -> ByteBuffer.wrap(r.key()).getLong()).containsExactly(4L);
    assertThat(header(overflow.get(0), "topic")).isEqualTo("device/9");
  }

  @Test
  void recordsOfEveryKindGoToTheRecordsTopicAsJson() throws Exception {
    try (KafkaBackend backend =
        backend("eventstream.storage.kafka { records-topic = records-json, compression = none }")) {
      Record record = new Record();
      backend.append(record.alert("large \"payload\"", "WARNING", "orders/eu", 1_000L, 42, 2048.5));
      // Event ids are u64: the largest prints as 2^64 - 1, not -1.
      backend.append(record.window("metrics", 5_000L, 10_000L, 12, 3456, 7, -1L));
      backend.append(
          record
              .window("metrics", 10_000L, 15_000L, 4, 10, 0, 0)
              .payloadSizes(1, 4)
              .eventTimes(10_001L, 14_999L)
              .aggregate("sum:\"load\"", 7.5));
      backend.append(record.alert("nan", "INFO", "x", 2_000L, 1, Double.NaN));
      byte[] payload = "Xab".getBytes(StandardCharsets.UTF_8);
      backend.append(
          record.deadLetter(
              DeadLetterReason.HANDLER_GAVE_UP,
              TestEvents.event("orders", Priority.HIGH, 7, 3_000L, payload).slot()));
      backend.append(
          record
              .derived("\"celsius\"", "sensor/boiler", -8L, 4_000L, Priority.CRITICAL)
              .payload(payload, 1, 2));
      backend.commit();
    }
    List<ConsumerRecord<byte[], byte[]>> read =
        KafkaTopicReader.readAll(KAFKA.bootstrapServers(), "records-json");
    assertThat(read).hasSize(6);
    assertThat(read)
        .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
        .containsExactly(
            "{\"kind\":\"ALERT\",\"topic\":\"orders/eu\",\"rule\":\"large \\\"payload\\\"\","
                + "\"severity\":\"WARNING\",\"time_ms\":1000,\"event_id\":42,\"value\":2048.5}",
            "{\"kind\":\"WINDOW\",\"topic\":\"metrics\",\"start_ms\":5000,\"end_ms\":10000,"
                + "\"count\":12,\"payload_bytes\":3456,\"min_event_id\":7,"
                + "\"max_event_id\":18446744073709551615,"
                + "\"min_payload_bytes\":0,\"max_payload_bytes\":0,\"mean_payload_bytes\":288.0,"
                + "\"first_ms\":0,\"last_ms\":0,\"aggregate_name\":\"\",\"aggregate_value\":0.0}",
            "{\"kind\":\"WINDOW\",\"topic\":\"metrics\",\"start_ms\":10000,\"end_ms\":15000,"
                + "\"count\":4,\"payload_bytes\":10,\"min_event_id\":0,\"max_event_id\":0,"
                + "\"min_payload_bytes\":1,\"max_payload_bytes\":4,\"mean_payload_bytes\":2.5,"
                + "\"first_ms\":10001,\"last_ms\":14999,\"aggregate_name\":\"sum:\\\"load\\\"\","
                + "\"aggregate_value\":7.5}",
            "{\"kind\":\"ALERT\",\"topic\":\"x\",\"rule\":\"nan\",\"severity\":\"INFO\","
                + "\"time_ms\":2000,\"event_id\":1,\"value\":null}",
            "{\"kind\":\"DEAD_LETTER\",\"topic\":\"orders\",\"reason\":\"handler-gave-up\","
                + "\"priority\":\"HIGH\",\"event_id\":7,\"client_time_us\":21,"
                + "\"received_ms\":3000,\"payload\":\"WGFi\"}",
            "{\"kind\":\"DERIVED_EVENT\",\"topic\":\"sensor/boiler\","
                + "\"name\":\"\\\"celsius\\\"\",\"priority\":\"CRITICAL\","
                + "\"event_id\":18446744073709551608,"
                + "\"time_ms\":4000,\"payload\":\"YWI=\"}");
    assertThat(read)
        .extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
        .containsExactly("orders/eu", "metrics", "metrics", "x", "orders", "sensor/boiler");
    assertThat(read)
        .extracting(r -> header(r, "kind"))
        .containsExactly("ALERT", "WINDOW", "WINDOW", "ALERT", "DEAD_LETTER", "DERIVED_EVENT");
    assertThat(read)
        .extracting(r -> r.timestamp())
        .containsExactly(1_000L, 10_000L, 15_000L, 2_000L, 3_000L, 4_000L);
  }

  @Test
  void recordTimesANegativeOrFutureClientClockGaveAreSentAtTheTimeOfSending() throws Exception {
    long future = System.currentTimeMillis() + TimeUnit.DAYS.toMillis(1);
    long before = System.currentTimeMillis();
    try (KafkaBackend backend =
        backend(
            "eventstream.storage.kafka { records-topic = records-times, compression = none }")) {
      Record record = new Record();
      // An event time of 2^63 us or more (client_time_us is unsigned) reads as negative.
      backend.append(record.window("metrics", -10_000L, -5_000L, 1, 1, 1, 1));
      backend.append(record.alert("rule", "INFO", "metrics", future, 2, 1.0));
      backend.commit(); // before, the negative time was refused at append, on every retry
    }
    long after = System.currentTimeMillis();
    List<ConsumerRecord<byte[], byte[]>> read =
        KafkaTopicReader.readAll(KAFKA.bootstrapServers(), "records-times");
    assertThat(read)
        .extracting(ConsumerRecord::timestamp)
        .allSatisfy(t -> assertThat(t).isBetween(before, after));
    assertThat(new String(read.get(0).value(), StandardCharsets.UTF_8))
        .contains("\"end_ms\":-5000");
    assertThat(new String(read.get(1).value(), StandardCharsets.UTF_8))
        .contains("\"time_ms\":" + future);
  }

  @Test
  void withoutABrokerCommitFailsAfterTheCommitTimeoutInsteadOfBlocking() throws Exception {
    int closedPort;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = probe.getLocalPort();
    }
    KafkaSettings settings =
        settings("127.0.0.1:" + closedPort, "eventstream.storage.kafka.commit-timeout = 300ms");
    try (KafkaBackend backend = new KafkaBackend("kafka", settings, true)) {
      for (long id = 1; id <= 3; id++) {
        backend.append(TestEvents.event("t", Priority.LOW, id, 1, TestEvents.payload(1, 0)).slot());
      }
      // The producer fails the first send once the topic's metadata has not come for
      // max.block.ms (the commit timeout); the other two are only kept. The commit sends the
      // first again, which fails at once as well, and gives up without trying the other two.
      assertThatThrownBy(backend::commit)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("kafka send to eventstream-events failed");
      assertThat(backend.resent()).isEqualTo(1);
      // Called again with nothing appended in between: the same, from the kept copies.
      assertThatThrownBy(backend::commit).isInstanceOf(IOException.class);
      assertThat(backend.resent()).isEqualTo(2);
    }
  }
}
