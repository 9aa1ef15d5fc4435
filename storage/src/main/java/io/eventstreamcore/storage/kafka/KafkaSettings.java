package io.eventstreamcore.storage.kafka;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import io.eventstreamcore.engine.config.DurationText;
import io.eventstreamcore.engine.config.EngineSettings;
import io.eventstreamcore.engine.event.EventLimits;
import io.eventstreamcore.engine.record.Record;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Settings of the kafka backend, read once from {@code eventstream.storage.kafka} and checked. Read
 * only when {@code kafka} is among the configured backends, so its required bootstrap servers need
 * not be set otherwise.
 */
public final class KafkaSettings {
  /** Path of the block in the root configuration. */
  public static final String PATH = "eventstream.storage.kafka";

  /** Compression codecs the producer knows. */
  static final List<String> COMPRESSIONS = List.of("none", "gzip", "snappy", "lz4", "zstd");

  /**
   * Producer properties the backend's guarantees rest on, so they may not be overridden: without
   * acks=all and idempotence an ACK would not mean what the README promises.
   */
  private static final List<String> FIXED_PROPERTIES =
      List.of(
          "bootstrap.servers",
          "acks",
          "enable.idempotence",
          "key.serializer",
          "value.serializer",
          "transactional.id");

  /** Longest event topic the backend takes: a record carries it in its key and headers. */
  static final int MAX_TOPIC_BYTES = 4096;

  /**
   * Room in a record for all but its topic and payload: JSON fields, headers, batch framing, and a
   * derived event's name, escaped (at most 6 bytes per character).
   */
  private static final int RECORD_OVERHEAD_BYTES = 1024 + 6 * Record.MAX_NAME_CHARS;

  /** The producer's default {@code max.request.size}, 1 MiB. */
  private static final int DEFAULT_MAX_REQUEST_BYTES = 1 << 20;

  private final String bootstrapServers;
  private final TopicMapping.Mode topicMapping;
  private final String eventsTopic;
  private final String topicPrefix;
  private final String recordsTopic;
  private final String compression;
  private final Duration commitTimeout;
  private final Duration deliveryTimeout;
  private final Duration linger;
  private final int batchBytes;
  private final Map<String, String> producer;
  private final EventLimits eventLimits;

  /** Reads and validates the block {@code eventstream.storage.kafka}. */
  public KafkaSettings(Config kafka) {
    Config c = kafka;
    bootstrapServers = c.getString("bootstrap-servers").trim();
    if (bootstrapServers.isEmpty()) {
      throw EngineSettings.bad(
          PATH + ".bootstrap-servers",
          bootstrapServers,
          "is required by the kafka backend: host:port[,host:port...]"
              + " (or set EVENTSTREAM_KAFKA_BOOTSTRAP)");
    }
    String mapping = c.getString("topic-mapping");
    topicMapping =
        switch (mapping) {
          case "single" -> TopicMapping.Mode.SINGLE;
          case "per-topic" -> TopicMapping.Mode.PER_TOPIC;
          default ->
              throw EngineSettings.bad(
                  PATH + ".topic-mapping", mapping, "must be single or per-topic");
        };
    eventsTopic = legalTopic(c, "events-topic");
    topicPrefix = c.getString("topic-prefix");
    if (!TopicMapping.sanitise(topicPrefix).equals(topicPrefix) || topicPrefix.length() > 200) {
      throw EngineSettings.bad(
          PATH + ".topic-prefix",
          topicPrefix,
          "may hold only ASCII letters, digits, '.', '_' and '-', at most 200 of them");
    }
    recordsTopic = legalTopic(c, "records-topic");
    compression = c.getString("compression").toLowerCase(Locale.ROOT);
    if (!COMPRESSIONS.contains(compression)) {
      throw EngineSettings.bad(
          PATH + ".compression", compression, "must be one of " + COMPRESSIONS);
    }
    commitTimeout = positive(c, "commit-timeout");
    deliveryTimeout = positive(c, "delivery-timeout");
    linger = c.getDuration("linger");
    if (linger.isNegative() || linger.toMillis() > Integer.MAX_VALUE) {
      throw EngineSettings.bad(PATH + ".linger", linger, "must be 0 or more");
    }
    long batch = c.getBytes("batch-bytes");
    if (batch <= 0 || batch > Integer.MAX_VALUE) {
      throw EngineSettings.bad(PATH + ".batch-bytes", batch, "must be positive and below 2 GiB");
    }
    batchBytes = (int) batch;
    producer = producerProperties(c.getConfig("producer"));
    eventLimits = eventLimits(producer);
    checkProducer(producerConfig("eventstream-check"), producer);
  }

  /**
   * The producer configuration: the backend's defaults, then the pass-through properties, then what
   * its guarantees rest on.
   */
  Map<String, Object> producerConfig(String clientId) {
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
    p.put(ProducerConfig.LINGER_MS_CONFIG, (int) linger.toMillis());
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, batchBytes);
    long deliveryMillis = deliveryTimeout.toMillis();
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) deliveryMillis);
    // The producer requires delivery.timeout >= linger + request.timeout.
    long requestMillis = Math.max(1, Math.min(30_000, deliveryMillis - linger.toMillis()));
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) requestMillis);
    // send() blocks while a topic's metadata is unknown or the buffer is full; during an outage it
    // must give up like a commit does, so the writer retries with backoff instead of hanging.
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, commitTimeout.toMillis());
    p.putAll(producer);
    // Fixed, whatever the pass-through says (rejected above).
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    return p;
  }

  /**
   * Refuses now what the producer would refuse when the backend opens (so {@code config check}
   * finds it too): a value of the wrong type or out of range, and what the idempotent producer
   * forbids. Parsed without building a producer, which would start a thread and connect.
   */
  private static void checkProducer(Map<String, Object> config, Map<String, String> passThrough) {
    Map<String, Object> complete = new HashMap<>(config);
    // Given to the producer as instances by the backend.
    complete.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    complete.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    Map<String, Object> parsed;
    try {
      parsed = ProducerConfig.configDef().parse(complete);
    } catch (org.apache.kafka.common.config.ConfigException e) {
      // The keys only: their values may be secrets (sasl.jaas.config, ssl passwords).
      throw EngineSettings.bad(PATH + ".producer", passThrough.keySet(), e.getMessage());
    }
    if (number(parsed, ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION) > 5) {
      throw EngineSettings.bad(
          PATH + ".producer." + ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
          parsed.get(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION),
          "must be at most 5: the producer is idempotent");
    }
    if (number(parsed, ProducerConfig.RETRIES_CONFIG) < 1) {
      throw EngineSettings.bad(
          PATH + ".producer." + ProducerConfig.RETRIES_CONFIG,
          parsed.get(ProducerConfig.RETRIES_CONFIG),
          "must be at least 1: the producer is idempotent");
    }
    long needed =
        number(parsed, ProducerConfig.LINGER_MS_CONFIG)
            + number(parsed, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG);
    if (number(parsed, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG) < needed) {
      throw EngineSettings.bad(
          PATH + ".delivery-timeout",
          parsed.get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG) + " ms",
          "must be at least linger plus the producer's request.timeout.ms: " + needed + " ms");
    }
  }

  private static long number(Map<String, Object> parsed, String key) {
    return ((Number) parsed.get(key)).longValue();
  }

  /**
   * The largest record is a dead letter or a derived event: its JSON carries the payload in base64
   * (4 bytes per 3) and the topic escaped (at most 6 bytes per byte), and its key and header the
   * topic again. The producer refuses a record over its {@code max.request.size}, on every retry.
   */
  private static EventLimits eventLimits(Map<String, String> producer) {
    String key = "max.request.size";
    String value = producer.getOrDefault(key, String.valueOf(DEFAULT_MAX_REQUEST_BYTES));
    long maxRequest;
    try {
      maxRequest = Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw EngineSettings.bad(PATH + ".producer." + key, value, "must be a number of bytes");
    }
    long room = maxRequest - RECORD_OVERHEAD_BYTES - 8L * MAX_TOPIC_BYTES;
    if (room < 4 || maxRequest > Integer.MAX_VALUE) {
      throw EngineSettings.bad(
          PATH + ".producer." + key,
          value,
          "must be between "
              + (RECORD_OVERHEAD_BYTES + 8 * MAX_TOPIC_BYTES + 4)
              + " and "
              + Integer.MAX_VALUE
              + " bytes: a record holds an event's topic, up to "
              + MAX_TOPIC_BYTES
              + " bytes, and its payload");
    }
    return new EventLimits(MAX_TOPIC_BYTES, true, (int) (room / 4 * 3));
  }

  /**
   * What one record holds of an event, within the producer's {@code max.request.size}; the broker's
   * {@code message.max.bytes} must be at least as large (it is by their defaults).
   */
  public EventLimits eventLimits() {
    return eventLimits;
  }

  private static String legalTopic(Config c, String key) {
    String topic = c.getString(key);
    if (!TopicMapping.isLegal(topic)) {
      throw EngineSettings.bad(
          PATH + "." + key,
          topic,
          "is not a legal Kafka topic: 1-249 of ASCII letters, digits, '.', '_' and '-',"
              + " not '.' or '..'");
    }
    return topic;
  }

  private static Duration positive(Config c, String key) {
    Duration value = c.getDuration(key);
    if (value.isNegative() || value.isZero() || value.toMillis() > Integer.MAX_VALUE) {
      throw EngineSettings.bad(PATH + "." + key, value, "must be positive");
    }
    return value;
  }

  /**
   * Flattens the pass-through block to producer property names: {@code linger.ms = 5} and {@code
   * "linger.ms" = 5} both name the property {@code linger.ms}.
   */
  private static Map<String, String> producerProperties(Config block) {
    Map<String, String> properties = new LinkedHashMap<>();
    for (Map.Entry<String, ConfigValue> entry : block.entrySet()) {
      String name = String.join(".", ConfigUtil.splitPath(entry.getKey()));
      if (FIXED_PROPERTIES.contains(name)) {
        throw EngineSettings.bad(
            PATH + ".producer." + name,
            entry.getValue().unwrapped(),
            "is fixed by the kafka backend (acks=all, idempotence, byte-array serialisers,"
                + " bootstrap-servers from its own key)");
      }
      Object raw = entry.getValue().unwrapped();
      if (raw instanceof List<?> list) {
        StringBuilder joined = new StringBuilder();
        for (Iterator<?> it = list.iterator(); it.hasNext(); ) {
          joined.append(it.next());
          if (it.hasNext()) {
            joined.append(',');
          }
        }
        properties.put(name, joined.toString());
      } else {
        properties.put(name, String.valueOf(raw));
      }
    }
    return Map.copyOf(properties);
  }

  /** The brokers the producer bootstraps from, {@code host:port[,host:port...]}. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** Whether all events go to one Kafka topic or each event topic to its own. */
  public TopicMapping.Mode topicMapping() {
    return topicMapping;
  }

  /** The Kafka topic of all events in {@code single} mapping. */
  public String eventsTopic() {
    return eventsTopic;
  }

  /** Prefix of the per-event-topic Kafka topics in {@code per-topic} mapping. */
  public String topicPrefix() {
    return topicPrefix;
  }

  /** The Kafka topic of alerts and window summaries. */
  public String recordsTopic() {
    return recordsTopic;
  }

  /** The producer's {@code compression.type}. */
  public String compression() {
    return compression;
  }

  /** Longest a commit waits for the broker's acknowledgements before it fails. */
  public Duration commitTimeout() {
    return commitTimeout;
  }

  /** The producer's {@code delivery.timeout.ms}: how long it retries one send by itself. */
  public Duration deliveryTimeout() {
    return deliveryTimeout;
  }

  /** The producer's {@code linger.ms}. */
  public Duration linger() {
    return linger;
  }

  /** The producer's {@code batch.size}. */
  public int batchBytes() {
    return batchBytes;
  }

  /** Extra producer properties, passed through; they override the backend's defaults. */
  public Map<String, String> producer() {
    return producer;
  }

  @Override
  public String toString() {
    return "kafka.bootstrap-servers="
        + bootstrapServers
        + " topic-mapping="
        + (topicMapping == TopicMapping.Mode.SINGLE ? "single" : "per-topic")
        + " events-topic="
        + eventsTopic
        + " topic-prefix="
        + topicPrefix
        + " records-topic="
        + recordsTopic
        + " compression="
        + compression
        + " commit-timeout="
        + DurationText.of(commitTimeout)
        + " producer="
        + producer.keySet();
  }
}
