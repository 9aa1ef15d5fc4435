package io.eventstreamcore.processors.config;

import com.typesafe.config.Config;
import io.eventstreamcore.engine.config.EngineSettings;
import io.eventstreamcore.processors.realtime.AlertRule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Settings of the built-in processors, read once from {@code eventstream.processors}. */
public final class ProcessorSettings {
  private final List<AlertRule> alertRules;
  private final Duration batchWindow;

  /** Reads and validates the processor settings from the root configuration. */
  public ProcessorSettings(Config root) {
    Config c = root.getConfig("eventstream.processors");
    List<AlertRule> rules = new ArrayList<>();
    List<? extends Config> ruleConfigs = c.getConfigList("realtime.rules");
    for (int i = 0; i < ruleConfigs.size(); i++) {
      rules.add(rule(ruleConfigs.get(i), "eventstream.processors.realtime.rules[" + i + "]"));
    }
    alertRules = Collections.unmodifiableList(rules);
    batchWindow = c.getDuration("batch.window");
    if (batchWindow.toMillis() <= 0) {
      throw EngineSettings.bad(
          "eventstream.processors.batch.window", batchWindow, "must be at least 1ms");
    }
  }

  private static AlertRule rule(Config r, String path) {
    String name = r.getString("name");
    String topic = r.hasPath("topic") ? r.getString("topic") : "*";
    String severity =
        r.hasPath("severity") ? r.getString("severity").toUpperCase(Locale.ROOT) : "WARNING";
    boolean bySize = r.hasPath("payload-bytes-over");
    boolean byByte = r.hasPath("first-byte-over");
    if (bySize == byByte) {
      throw EngineSettings.bad(
          path, r.root().render(), "needs exactly one of payload-bytes-over, first-byte-over");
    }
    AlertRule.Condition condition =
        bySize ? AlertRule.Condition.PAYLOAD_BYTES_OVER : AlertRule.Condition.FIRST_BYTE_OVER;
    long threshold = bySize ? r.getLong("payload-bytes-over") : r.getLong("first-byte-over");
    if (threshold < 0) {
      throw EngineSettings.bad(path, threshold, "threshold must not be negative");
    }
    return new AlertRule(name, topic, condition, threshold, severity);
  }

  public List<AlertRule> alertRules() {
    return alertRules;
  }

  public Duration batchWindow() {
    return batchWindow;
  }

  @Override
  public String toString() {
    return "realtime.rules=" + alertRules + " batch.window=" + batchWindow;
  }
}
