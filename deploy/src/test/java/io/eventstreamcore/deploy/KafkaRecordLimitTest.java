package io.eventstreamcore.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.ingest.client.EventStreamClient;
import io.eventstreamcore.ingest.client.EventStreamClient.ErrorFrame;
import io.eventstreamcore.storage.testing.KafkaTestCluster;
import io.eventstreamcore.storage.testing.KafkaTopicReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * With kafka storage, a payload too large for a record is rejected at ingest with ERROR 3 (the
 * connection goes on): the producer would refuse the record on every retry and stall storage for
 * good. The largest payload taken fits even as a dead letter, its JSON carrying it in base64 with
 * the longest topic taken escaped.
 */
class KafkaRecordLimitTest {
  private static final String EVENTS = "limit-events";
  private static final String RECORDS = "limit-records";
  // What a record of 64 KiB holds: (65,536 - 1,024 - 6 x 512 - 8 x 4,096) / 4 x 3.
  private static final int MAX_PAYLOAD = 21_504;
  private static final Pattern EVENT_ID = Pattern.compile("\"event_id\":(\\d+)");
  @RegisterExtension static final KafkaTestCluster KAFKA = new KafkaTestCluster();

  @Test
  void payloadsARecordCannotHoldAreRejectedAndTheLargestTakenIsStoredAsADeadLetter()
      throws Exception {
    // Control characters: JSON escapes each byte to six.
    String longestTopic = "\u0001".repeat(4096);
    try (EventStreamService service =
            start(
                EVENTS,
                RECORDS,
                "{ class = \"io.eventstreamcore.deploy.DeadLetterHandler\", name = refuser }");
        EventStreamClient client = EventStreamClient.connect(service.ingestAddress())) {
      // LOW goes to the transactional processor, whose handler dead-letters 'X' payloads.
      client.send(Priority.LOW, longestTopic, 1, refused(MAX_PAYLOAD), true);
      client.send(Priority.LOW, "orders", 2, refused(MAX_PAYLOAD + 1), true);
      client.send(Priority.LOW, "orders", 3, refused(50_000), true);
      client.send(Priority.LOW, "\u0001".repeat(4097), 4, refused(10), true);
      client.send(Priority.LOW, "orders", 5, "fine".getBytes(StandardCharsets.UTF_8), true);
      client.flush();

      assertThat(client.awaitAck(5, Duration.ofSeconds(30))).isTrue();
      assertThat(client.errors())
          .extracting(ErrorFrame::frameNo, ErrorFrame::code)
          .containsExactly(tuple(2L, 3), tuple(3L, 3), tuple(4L, 2));
    }

    assertThat(KafkaTopicReader.readAll(KAFKA.bootstrapServers(), EVENTS))
        .extracting(r -> ByteBuffer.wrap(r.key()).getLong(), r -> r.value().length)
        .containsExactly(tuple(1L, MAX_PAYLOAD), tuple(5L, 4));
    ConsumerRecord<byte[], byte[]> deadLetter =
        KafkaTopicReader.readAll(KAFKA.bootstrapServers(), RECORDS).get(0);
    assertThat(new String(deadLetter.value(), StandardCharsets.UTF_8))
        .startsWith("{\"kind\":\"DEAD_LETTER\"")
        .contains("\"event_id\":1,");
  }

  /**
   * A handler's derived event beyond what a record holds is refused as its call (the handler gave
   * up: a dead letter), where the producer would refuse the record on every retry. The largest
   * taken is stored, with the longest name, escaped.
   */
  @Test
  void derivedEventsARecordCannotHoldAreRefusedAsFailedHandlerCalls() throws Exception {
    String name = "\\u0001".repeat(512); // HOCON escapes: 512 control characters
    try (EventStreamService service =
            start(
                "derived-events",
                "derived-records",
                "{ class = \"io.eventstreamcore.deploy.RepeatingHandler\", name = \""
                    + name
                    + "\", config.times = 4 }");
        EventStreamClient client = EventStreamClient.connect(service.ingestAddress())) {
      client.send(Priority.LOW, "orders", 1, refused(MAX_PAYLOAD / 4), true);
      client.send(Priority.LOW, "orders", 2, refused(MAX_PAYLOAD / 4 + 1), true);
      // Four times this is beyond a record of 64 KiB whatever the margins.
      client.send(Priority.LOW, "orders", 3, refused(20_000), true);
      client.send(Priority.LOW, "orders", 4, "fine".getBytes(StandardCharsets.UTF_8), true);
      client.flush();

      assertThat(client.awaitAck(4, Duration.ofSeconds(30))).isTrue();
      assertThat(client.errors()).isEmpty();
    }

    assertThat(KafkaTopicReader.readAll(KAFKA.bootstrapServers(), "derived-records"))
        .extracting(
            r -> new String(r.headers().lastHeader("kind").value(), StandardCharsets.UTF_8),
            r -> eventId(r.value()))
        .containsExactly(
            tuple("DERIVED_EVENT", 1L),
            tuple("DEAD_LETTER", 2L),
            tuple("DEAD_LETTER", 3L),
            tuple("DERIVED_EVENT", 4L));
  }

  /**
   * The service storing in Kafka only, in records of at most 64 KiB, with {@code handler} the
   * transactional processor's one handler (LOW events go to it).
   */
  private static EventStreamService start(String eventsTopic, String recordsTopic, String handler)
      throws Exception {
    return EventStreamService.start(
        TestConfigs.withOverrides(
            "eventstream.storage.backends = [kafka]\n"
                + "eventstream.storage.kafka {\n"
                + "  bootstrap-servers = \""
                + KAFKA.bootstrapServers()
                + "\"\n  events-topic = "
                + eventsTopic
                + "\n  records-topic = "
                + recordsTopic
                + "\n  producer { \"max.request.size\" = 65536 }\n"
                + "}\n"
                + "eventstream.processors.transactional.handlers = [ "
                + handler
                + " ]\n"));
  }

  private static long eventId(byte[] json) {
    Matcher m = EVENT_ID.matcher(new String(json, StandardCharsets.UTF_8));
    assertThat(m.find()).isTrue();
    return Long.parseLong(m.group(1));
  }

  /** A payload of {@code length} bytes that the dead-letter handler refuses. */
  private static byte[] refused(int length) {
    byte[] payload = new byte[length];
    Arrays.fill(payload, (byte) 'X');
    return payload;
  }
}
