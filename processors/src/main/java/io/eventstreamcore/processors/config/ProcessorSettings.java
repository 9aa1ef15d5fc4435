package io.eventstreamcore.processors.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueType;
import io.eventstreamcore.engine.config.DurationText;
import io.eventstreamcore.engine.config.EngineSettings;
import io.eventstreamcore.engine.event.Route;
import io.eventstreamcore.engine.record.Record;
import io.eventstreamcore.processors.realtime.AlertCondition;
import io.eventstreamcore.processors.realtime.AlertRule;
import io.eventstreamcore.processors.realtime.CompareOp;
import io.eventstreamcore.processors.realtime.TopicGlob;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Settings of the built-in processors, read once from {@code eventstream.processors}. Every alert
 * rule is checked here, and a bad one is reported with its key (e.g. {@code
 * eventstream.processors.realtime.rules[2].op}) and value.
 */
public final class ProcessorSettings {
  /** Severities an alert rule may have. */
  public static final Set<String> SEVERITIES = Set.of("INFO", "WARNING", "CRITICAL");

  /** Keys that each select one condition; a rule has exactly one. */
  private static final List<String> CONDITIONS =
      List.of(
          "payload-bytes-over",
          "payload-bytes-under",
          "payload-byte",
          "first-byte-over",
          "json-field");

  private static final Set<String> OTHER_KEYS = Set.of("name", "topic", "severity", "op", "value");

  private static final String RULES = "eventstream.processors.realtime.rules";

  private static final Set<String> HANDLER_KEYS = Set.of("handler", "class", "name", "config");

  private final List<AlertRule> alertRules;
  private final List<HandlerEntry> handlers;
  private final Duration realtimeSla;
  private final BatchSettings batch;

  /** Reads and validates the processor settings from the root configuration. */
  public ProcessorSettings(Config root) {
    Config c = root.getConfig("eventstream.processors");
    List<AlertRule> rules = new ArrayList<>();
    Set<String> names = new HashSet<>();
    List<? extends Config> ruleConfigs = c.getConfigList("realtime.rules");
    for (int i = 0; i < ruleConfigs.size(); i++) {
      String path = RULES + "[" + i + "]";
      AlertRule rule = rule(ruleConfigs.get(i), path);
      if (!names.add(rule.name())) {
        // The name is the rule's label on eventstream_alerts_total: it must say which rule fired.
        throw EngineSettings.bad(path + ".name", rule.name(), "is the name of an earlier rule");
      }
      rules.add(rule);
    }
    alertRules = Collections.unmodifiableList(rules);
    realtimeSla = c.getDuration("realtime.sla");
    if (realtimeSla.isNegative() || realtimeSla.isZero()) {
      throw EngineSettings.bad(
          "eventstream.processors.realtime.sla", realtimeSla, "must be more than 0");
    }
    handlers = handlers(c);
    batch = new BatchSettings(c.getConfig("batch"));
  }

  /** The handler entries of every kind, in route then configuration order, names unique. */
  private static List<HandlerEntry> handlers(Config c) {
    List<HandlerEntry> entries = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (Route route : Route.values()) {
      String key = route.label() + ".handlers";
      String listPath = "eventstream.processors." + key;
      if (c.getValue(key).valueType() != ConfigValueType.LIST) {
        throw EngineSettings.bad(
            listPath, c.getValue(key).render(ConfigRenderOptions.concise()), "must be a list");
      }
      List<? extends Config> list;
      try {
        list = c.getConfigList(key);
      } catch (ConfigException.WrongType e) {
        throw EngineSettings.bad(
            listPath,
            c.getValue(key).render(ConfigRenderOptions.concise()),
            "must be a list of objects like { class = \"com.example.MyHandler\" }");
      }
      for (int i = 0; i < list.size(); i++) {
        HandlerEntry entry = handler(route, list.get(i), listPath + "[" + i + "]");
        if (!names.add(entry.name())) {
          // The name labels the handler's metrics and log lines: it must say which one.
          throw EngineSettings.bad(
              entry.path() + ".name", entry.name(), "is the name of an earlier handler");
        }
        entries.add(entry);
      }
    }
    return Collections.unmodifiableList(entries);
  }

  private static HandlerEntry handler(Route route, Config h, String path) {
    for (String key : h.root().keySet()) {
      if (!HANDLER_KEYS.contains(key)) {
        throw EngineSettings.bad(
            path + "." + key,
            h.root().get(key).render(ConfigRenderOptions.concise()),
            "is not a handler key: a handler has handler or class, and optional name and config");
      }
    }
    if (h.hasPath("handler") == h.hasPath("class")) {
      throw EngineSettings.bad(
          path,
          render(h),
          "needs exactly one of handler (a built-in or registered factory name) and class");
    }
    String handler = h.hasPath("handler") ? nonBlank(h, "handler", path) : null;
    String className = h.hasPath("class") ? nonBlank(h, "class", path) : null;
    String name;
    if (h.hasPath("name")) {
      name = storableName(nonBlank(h, "name", path), path + ".name");
    } else {
      name = handler != null ? handler : className.substring(className.lastIndexOf('.') + 1);
    }
    Config config = ConfigFactory.empty();
    if (h.hasPath("config")) {
      if (h.getValue("config").valueType() != ConfigValueType.OBJECT) {
        throw EngineSettings.bad(path + ".config", render(h, "config"), "must be an object");
      }
      config = h.getConfig("config");
    }
    return new HandlerEntry(route, path, name, handler, className, config);
  }

  /** A name records carry (a rule's, a handler's), within what every backend stores. */
  private static String storableName(String name, String key) {
    if (!Record.isStorableName(name)) {
      throw EngineSettings.bad(
          key, name, "must be at most " + Record.MAX_NAME_CHARS + " characters, without U+0000");
    }
    return name;
  }

  private static String nonBlank(Config r, String key, String path) {
    String value = string(r, key, path);
    if (value.isBlank()) {
      throw EngineSettings.bad(path + "." + key, value, "must not be blank");
    }
    return value;
  }

  private static AlertRule rule(Config r, String path) {
    for (String key : r.root().keySet()) {
      if (!OTHER_KEYS.contains(key) && !CONDITIONS.contains(key)) {
        throw EngineSettings.bad(
            path + "." + key,
            r.root().get(key).render(ConfigRenderOptions.concise()),
            "is not a rule key: a rule has name, topic, severity and one condition of "
                + CONDITIONS
                + " (op and value with payload-byte and json-field)");
      }
    }
    if (!r.hasPath("name") || string(r, "name", path).isBlank()) {
      throw EngineSettings.bad(path, render(r), "needs a name");
    }
    String name = storableName(string(r, "name", path), path + ".name");
    String topicText = r.hasPath("topic") ? string(r, "topic", path) : "*";
    TopicGlob topic;
    try {
      topic = TopicGlob.compile(topicText);
    } catch (IllegalArgumentException e) {
      throw EngineSettings.bad(
          path + ".topic", topicText, "is not a topic pattern: " + e.getMessage());
    }
    String severity =
        r.hasPath("severity") ? string(r, "severity", path).toUpperCase(Locale.ROOT) : "WARNING";
    if (!SEVERITIES.contains(severity)) {
      throw EngineSettings.bad(
          path + ".severity", severity, "is not one of INFO, WARNING, CRITICAL");
    }
    return new AlertRule(name, topic, condition(r, path), severity);
  }

  private static AlertCondition condition(Config r, String path) {
    String chosen = null;
    for (String key : CONDITIONS) {
      if (r.hasPath(key)) {
        if (chosen != null) {
          throw EngineSettings.bad(
              path, render(r), "has two conditions, " + chosen + " and " + key + ": one per rule");
        }
        chosen = key;
      }
    }
    if (chosen == null) {
      throw EngineSettings.bad(path, render(r), "needs one condition of " + CONDITIONS);
    }
    boolean compares = chosen.equals("payload-byte") || chosen.equals("json-field");
    if (!compares) {
      for (String key : List.of("op", "value")) {
        if (r.hasPath(key)) {
          throw EngineSettings.bad(
              path + "." + key,
              r.getValue(key).render(ConfigRenderOptions.concise()),
              "is only for payload-byte and json-field; " + chosen + " has its own comparison");
        }
      }
    }
    String key = path + "." + chosen;
    switch (chosen) {
      case "payload-bytes-over":
        return AlertCondition.payloadBytes(CompareOp.GT, count(r, chosen, path, 0));
      case "payload-bytes-under":
        return AlertCondition.payloadBytes(CompareOp.LT, count(r, chosen, path, 1));
      case "first-byte-over":
        return AlertCondition.payloadByte(0, CompareOp.GT, byteValue(r, chosen, path));
      case "payload-byte":
        int index = (int) Math.min(count(r, chosen, path, 0), Integer.MAX_VALUE);
        return AlertCondition.payloadByte(index, op(r, path, chosen), byteValue(r, "value", path));
      default:
        String field = string(r, chosen, path);
        CompareOp op = op(r, path, chosen);
        double value = number(r, "value", path);
        try {
          return AlertCondition.jsonField(field, op, value);
        } catch (IllegalArgumentException e) {
          throw EngineSettings.bad(key, field, e.getMessage());
        }
    }
  }

  private static CompareOp op(Config r, String path, String condition) {
    if (!r.hasPath("op")) {
      throw EngineSettings.bad(path, render(r), condition + " needs op (>, >=, <, <=, ==, !=)");
    }
    String text = string(r, "op", path);
    CompareOp op = CompareOp.of(text);
    if (op == null) {
      throw EngineSettings.bad(path + ".op", text, "is not one of >, >=, <, <=, ==, !=");
    }
    return op;
  }

  private static String string(Config r, String key, String path) {
    try {
      return r.getString(key);
    } catch (ConfigException.WrongType e) {
      throw EngineSettings.bad(path + "." + key, render(r, key), "must be a string");
    }
  }

  private static double number(Config r, String key, String path) {
    if (!r.hasPath(key)) {
      throw EngineSettings.bad(path, render(r), "needs " + key);
    }
    try {
      return r.getDouble(key);
    } catch (ConfigException.WrongType e) {
      throw EngineSettings.bad(path + "." + key, render(r, key), "must be a number");
    }
  }

  /** A whole number of at least {@code min}. */
  private static long count(Config r, String key, String path, long min) {
    double value = number(r, key, path);
    if (value != Math.rint(value) || value < min || value > Long.MAX_VALUE) {
      throw EngineSettings.bad(
          path + "." + key, render(r, key), "must be a whole number >= " + min);
    }
    return (long) value;
  }

  /** A byte value, 0 to 255: a payload byte is compared unsigned. */
  private static long byteValue(Config r, String key, String path) {
    double value = number(r, key, path);
    if (value != Math.rint(value) || value < 0 || value > 255) {
      throw EngineSettings.bad(
          path + "." + key, render(r, key), "must be a whole number from 0 to 255 (unsigned byte)");
    }
    return (long) value;
  }

  private static String render(Config r) {
    return r.root().render(ConfigRenderOptions.concise());
  }

  private static String render(Config r, String key) {
    return r.getValue(key).render(ConfigRenderOptions.concise());
  }

  public List<AlertRule> alertRules() {
    return alertRules;
  }

  /** Realtime latency (frame read to handled by the realtime processor) counted as a breach. */
  public Duration realtimeSla() {
    return realtimeSla;
  }

  /**
   * The configured handlers of every kind ({@code eventstream.processors.<kind>.handlers}), in
   * route order and, within a route, in configuration order.
   */
  public List<HandlerEntry> handlers() {
    return handlers;
  }

  /** The built-in batch windows' settings. */
  public BatchSettings batch() {
    return batch;
  }

  @Override
  public String toString() {
    return "handlers="
        + handlers
        + " realtime.rules="
        + alertRules
        + " realtime.sla="
        + DurationText.of(realtimeSla)
        + " "
        + batch;
  }
}
