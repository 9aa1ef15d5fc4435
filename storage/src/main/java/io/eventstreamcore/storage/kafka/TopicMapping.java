package io.eventstreamcore.storage.kafka;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Maps event topics to Kafka topics: all to one ({@link Mode#SINGLE}), or each to the prefix plus
 * the event topic made legal for Kafka ({@link Mode#PER_TOPIC}).
 *
 * <p>Kafka topic names hold 1 to 249 of {@code [a-zA-Z0-9._-]}. An event topic with other
 * characters has them replaced by {@code _}; since that could make two event topics share one Kafka
 * topic ({@code a/b} and {@code a:b}), a name that had to change also gets {@code -} and the CRC32
 * of the original topic in hex appended, and is cut to fit before that suffix. So does an event
 * topic with a {@code .}, which becomes {@code _}: Kafka refuses to create a topic whose name
 * differs from an existing one's only in {@code .} against {@code _} ({@code orders.eu} and {@code
 * orders_eu}), and such a refusal would fail every commit. And so does an event topic whose plain
 * name would be the records topic (or differ from it only so), or begin with {@code __} like
 * Kafka's internal topics ({@code __consumer_offsets} refuses appends, which would also fail every
 * commit).
 *
 * <p>Used by the backend's writer thread only. The cache is bounded by the number of event topics,
 * which the engine bounds.
 */
final class TopicMapping {
  /** How event topics map to Kafka topics. */
  enum Mode {
    SINGLE,
    PER_TOPIC
  }

  static final int MAX_TOPIC_LENGTH = 249;
  private static final int SUFFIX_LENGTH = 9; // '-' and 8 hex digits

  private final Mode mode;
  private final String eventsTopic;
  private final String prefix;
  private final String recordsTopic;
  // Event topics are interned by the engine, so lookups hash a string whose hash is cached.
  private final Map<String, String> cache = new HashMap<>();

  TopicMapping(Mode mode, String eventsTopic, String prefix, String recordsTopic) {
    this.mode = mode;
    this.eventsTopic = eventsTopic;
    this.prefix = prefix;
    this.recordsTopic = recordsTopic;
  }

  /** The Kafka topic for events of {@code eventTopic}. */
  String kafkaTopic(String eventTopic) {
    if (mode == Mode.SINGLE) {
      return eventsTopic;
    }
    String mapped = cache.get(eventTopic);
    if (mapped == null) {
      mapped = perTopic(prefix, eventTopic);
      // Kafka takes names differing only in '.' against '_' for the same.
      if (mapped.replace('.', '_').equals(recordsTopic.replace('.', '_'))
          || mapped.startsWith("__")) {
        mapped = hashed(prefix, eventTopic);
      }
      cache.put(eventTopic, mapped);
    }
    return mapped;
  }

  /** The Kafka topic for {@code eventTopic} under {@code prefix}, legal and collision-resistant. */
  static String perTopic(String prefix, String eventTopic) {
    String plain = prefix + eventTopic;
    if (isLegal(plain) && eventTopic.indexOf('.') < 0) {
      return plain;
    }
    return hashed(prefix, eventTopic);
  }

  /** {@code eventTopic} under {@code prefix} made legal, with its CRC32 appended. */
  private static String hashed(String prefix, String eventTopic) {
    String sanitised = prefix + sanitise(eventTopic).replace('.', '_');
    CRC32 crc = new CRC32();
    crc.update(eventTopic.getBytes(StandardCharsets.UTF_8));
    String suffix = String.format("-%08x", crc.getValue());
    int keep = Math.min(sanitised.length(), MAX_TOPIC_LENGTH - SUFFIX_LENGTH);
    return sanitised.substring(0, keep) + suffix;
  }

  /** {@code name} with every character Kafka does not allow in a topic replaced by {@code _}. */
  static String sanitise(String name) {
    StringBuilder b = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char ch = name.charAt(i);
      b.append(isLegalChar(ch) ? ch : '_');
    }
    return b.toString();
  }

  /** True when Kafka accepts {@code name} as a topic. */
  static boolean isLegal(String name) {
    if (name.isEmpty()
        || name.length() > MAX_TOPIC_LENGTH
        || name.equals(".")
        || name.equals("..")) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      if (!isLegalChar(name.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isLegalChar(char ch) {
    return (ch >= 'a' && ch <= 'z')
        || (ch >= 'A' && ch <= 'Z')
        || (ch >= '0' && ch <= '9')
        || ch == '.'
        || ch == '_'
        || ch == '-';
  }
}
