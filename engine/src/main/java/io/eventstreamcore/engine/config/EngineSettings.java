package io.eventstreamcore.engine.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import io.eventstreamcore.engine.classify.DedupWindow;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.event.Route;
import io.eventstreamcore.engine.ring.RingTopology;
import io.eventstreamcore.engine.ring.WaitStrategyChoice;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The engine's settings, read once from {@code eventstream.ring}, {@code eventstream.dedup}, {@code
 * eventstream.topics} and each kind's {@code retry}, {@code overload} (and realtime's {@code
 * downgrade-high}) under {@code eventstream.processors}, checked, then immutable. A bad value fails
 * at start with its key.
 */
public final class EngineSettings {
  /** Upper bound of {@code topics.max}: per-topic state is preallocated for every id. */
  public static final int MAX_TOPICS = 1 << 22;

  /** Upper bound of {@code ring.size}: every slot is preallocated. */
  public static final int MAX_RING_SIZE = 1 << 24;

  private final int ringSize;
  private final WaitStrategyChoice waitStrategy;
  private final RingTopology topology;
  private final int slotPayloadBytes;
  private final int slotRetainedPayloadBytes;
  private final long maxLargePayloadBytes;
  private final int recordQueueSize;
  private final Duration tickInterval;
  private final Duration shutdownTimeout;
  private final Duration dedupWindow;
  private final int dedupMaxKeys;
  private final boolean dedupRebuild;
  private final int maxTopics;
  private final Map<String, Priority> topicPriorities;
  private final Map<Route, RouteSettings> routes = new EnumMap<>(Route.class);
  private final long downgradeHighAboveBacklog;

  /** Reads and validates the engine settings from the root configuration. */
  public EngineSettings(Config root) {
    Config ring = root.getConfig("eventstream.ring");
    ringSize = powerOfTwo(ring, "size", "eventstream.ring.size");
    if (ringSize > MAX_RING_SIZE) {
      throw bad("eventstream.ring.size", ringSize, "at most " + MAX_RING_SIZE);
    }
    waitStrategy = waitStrategy(ring.getString("wait-strategy"));
    topology = topology(ring.getString("topology"));
    slotPayloadBytes = positive(ring, "slot-payload-bytes", "eventstream.ring.slot-payload-bytes");
    long retained = ring.getBytes("slot-retained-payload-bytes");
    if (retained < slotPayloadBytes || retained > Integer.MAX_VALUE) {
      throw bad(
          "eventstream.ring.slot-retained-payload-bytes",
          retained,
          "must be at least slot-payload-bytes (" + slotPayloadBytes + ")");
    }
    slotRetainedPayloadBytes = (int) retained;
    maxLargePayloadBytes = ring.getBytes("max-large-payload-bytes");
    if (maxLargePayloadBytes <= 0) {
      throw bad(
          "eventstream.ring.max-large-payload-bytes", maxLargePayloadBytes, "must be positive");
    }
    recordQueueSize = powerOfTwo(ring, "record-queue-size", "eventstream.ring.record-queue-size");
    if (recordQueueSize < 4) {
      throw bad("eventstream.ring.record-queue-size", recordQueueSize, "must be at least 4");
    }
    tickInterval = positive(ring.getDuration("tick-interval"), "eventstream.ring.tick-interval");
    shutdownTimeout =
        positive(ring.getDuration("shutdown-timeout"), "eventstream.ring.shutdown-timeout");
    Config dedup = root.getConfig("eventstream.dedup");
    dedupWindow = positive(dedup.getDuration("window"), "eventstream.dedup.window");
    dedupMaxKeys = positive(dedup, "max-keys", "eventstream.dedup.max-keys");
    if (dedupMaxKeys > DedupWindow.MAX_KEYS) {
      throw bad("eventstream.dedup.max-keys", dedupMaxKeys, "at most " + DedupWindow.MAX_KEYS);
    }
    dedupRebuild = dedup.getBoolean("rebuild");
    Config topics = root.getConfig("eventstream.topics");
    maxTopics = positive(topics, "max", "eventstream.topics.max");
    if (maxTopics > MAX_TOPICS) {
      throw bad("eventstream.topics.max", maxTopics, "at most " + MAX_TOPICS);
    }
    topicPriorities = priorities(topics);
    if (topicPriorities.size() > maxTopics) {
      throw bad("eventstream.topics.max", maxTopics, "smaller than the topic table");
    }
    for (Route route : Route.values()) {
      routes.put(route, RouteSettings.read(root, route, ringSize));
    }
    downgradeHighAboveBacklog = downgrade(root, ringSize);
  }

  /**
   * Refuses a backlog bound that a ring of {@code ringSize} slots never exceeds: a policy with it
   * would never act (a processor is at most the ring, less the slot it is on, behind).
   */
  static void checkBacklogBound(String path, long bound, int ringSize) {
    if (bound > ringSize - 2L) {
      throw bad(
          path,
          bound,
          "must be below eventstream.ring.size - 1 ("
              + (ringSize - 1L)
              + "): no backlog is larger, so it would never apply");
    }
  }

  private static long downgrade(Config root, int ringSize) {
    String path = "eventstream.processors.realtime.downgrade-high";
    Config downgrade = root.getConfig(path);
    long above = downgrade.getLong("above-backlog");
    if (above < 1) {
      throw bad(path + ".above-backlog", above, "must be at least 1");
    }
    if (!downgrade.getBoolean("enabled")) {
      return -1;
    }
    checkBacklogBound(path + ".above-backlog", above, ringSize);
    return above;
  }

  private static WaitStrategyChoice waitStrategy(String name) {
    try {
      return WaitStrategyChoice.ofConfigName(name);
    } catch (IllegalArgumentException e) {
      throw new ConfigException.BadValue("eventstream.ring.wait-strategy", e.getMessage());
    }
  }

  private static RingTopology topology(String name) {
    try {
      return RingTopology.ofConfigName(name);
    } catch (IllegalArgumentException e) {
      throw new ConfigException.BadValue("eventstream.ring.topology", e.getMessage());
    }
  }

  private static Map<String, Priority> priorities(Config topics) {
    // HOCON objects keep no order: sort, so that topic ids are the same from run to run.
    Map<String, Priority> table = new TreeMap<>();
    for (Map.Entry<String, ConfigValue> e : topics.getObject("priorities").entrySet()) {
      String value = String.valueOf(e.getValue().unwrapped()).toUpperCase(Locale.ROOT);
      try {
        table.put(e.getKey(), Priority.valueOf(value));
      } catch (IllegalArgumentException ex) {
        throw bad(
            "eventstream.topics.priorities.\"" + e.getKey() + "\"",
            e.getValue().unwrapped(),
            "one of BATCH, LOW, MEDIUM, HIGH, CRITICAL");
      }
    }
    return Collections.unmodifiableMap(table);
  }

  private static int powerOfTwo(Config config, String key, String path) {
    int value = positive(config, key, path);
    if (Integer.bitCount(value) != 1) {
      throw bad(path, value, "must be a power of two, e.g. " + Integer.highestOneBit(value) * 2);
    }
    return value;
  }

  private static int positive(Config config, String key, String path) {
    int value = config.getInt(key);
    if (value <= 0) {
      throw bad(path, value, "must be positive");
    }
    return value;
  }

  private static Duration positive(Duration value, String path) {
    if (value.isNegative() || value.isZero()) {
      throw bad(path, value, "must be positive");
    }
    return value;
  }

  /** An error naming the bad key and value. */
  public static ConfigException bad(String path, Object value, String why) {
    return new ConfigException.BadValue(path, "'" + value + "' " + why);
  }

  public int ringSize() {
    return ringSize;
  }

  public WaitStrategyChoice waitStrategy() {
    return waitStrategy;
  }

  /** How handlers map onto threads; {@code auto} is resolved by the pipeline. */
  public RingTopology topology() {
    return topology;
  }

  public int slotPayloadBytes() {
    return slotPayloadBytes;
  }

  /** Largest payload buffer a slot keeps for reuse; larger payloads get one of their own. */
  public int slotRetainedPayloadBytes() {
    return slotRetainedPayloadBytes;
  }

  /** Bound on the bytes of payloads larger than a slot keeps, in the ring at once. */
  public long maxLargePayloadBytes() {
    return maxLargePayloadBytes;
  }

  public int recordQueueSize() {
    return recordQueueSize;
  }

  /**
   * The records the handlers of one kind may emit together for one event, tick or flush: half the
   * record queue, less the one kept for the event's dead letter.
   */
  public int handlerRecordsPerEvent() {
    return recordQueueSize / 2 - 1;
  }

  public Duration tickInterval() {
    return tickInterval;
  }

  public Duration shutdownTimeout() {
    return shutdownTimeout;
  }

  public Duration dedupWindow() {
    return dedupWindow;
  }

  public int dedupMaxKeys() {
    return dedupMaxKeys;
  }

  /** True when the dedup window is rebuilt from durable storage at start. */
  public boolean dedupRebuild() {
    return dedupRebuild;
  }

  public int maxTopics() {
    return maxTopics;
  }

  /** Topic table: topic to configured priority, sorted by topic. */
  public Map<String, Priority> topicPriorities() {
    return topicPriorities;
  }

  /** The retry and overload settings of processor kind {@code route}. */
  public RouteSettings route(Route route) {
    return routes.get(route);
  }

  /**
   * Realtime backlog (ring slots) above which classify routes HIGH events as MEDIUM, or -1 when
   * that downgrade is off.
   */
  public long downgradeHighAboveBacklog() {
    return downgradeHighAboveBacklog;
  }

  @Override
  public String toString() {
    return "ring.size="
        + ringSize
        + " ring.wait-strategy="
        + waitStrategy.configName()
        + " ring.topology="
        + topology.configName()
        + " dedup.window="
        + DurationText.of(dedupWindow)
        + " dedup.max-keys="
        + dedupMaxKeys
        + " dedup.rebuild="
        + dedupRebuild
        + " topics.max="
        + maxTopics
        + " topics.priorities="
        + topicPriorities.size()
        + " processors.realtime.downgrade-high="
        + (downgradeHighAboveBacklog < 0 ? "off" : "above " + downgradeHighAboveBacklog)
        + " "
        + routesString();
  }

  private String routesString() {
    StringBuilder text = new StringBuilder();
    for (Map.Entry<Route, RouteSettings> e : routes.entrySet()) {
      text.append(text.length() == 0 ? "" : " ")
          .append("processors.")
          .append(e.getKey().label())
          .append(": ")
          .append(e.getValue());
    }
    return text.toString();
  }
}
