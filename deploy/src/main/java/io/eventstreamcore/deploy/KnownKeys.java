package io.eventstreamcore.deploy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import java.util.List;
import java.util.Map;

/**
 * Refuses keys under {@code eventstream} that no module reads. Typesafe Config ignores them, so a
 * misspelt key (say {@code storage.file.snyc = always}) would leave its setting at the default
 * without a word: here {@code sync = never}, which a power loss punishes. Every key the service
 * reads has a default in some module's {@code reference.conf}; the keys of the blocks that hold the
 * user's own names (topics, Kafka producer properties) are not checked.
 */
final class KnownKeys {
  private static final List<String> OPEN_BLOCKS =
      List.of("eventstream.topics.priorities.", "eventstream.storage.kafka.producer.");
  // Suggest a known key only when it is this close to the unknown one.
  private static final int MAX_SUGGESTION_EDITS = 3;

  private KnownKeys() {}

  /** Throws a ConfigException naming the first key of {@code config} that is not a setting. */
  static void check(Config config) {
    // Not defaultReference(): it carries the -D overrides, so a misspelt -D key would be known.
    Config reference = ConfigFactory.defaultReferenceUnresolved().resolve();
    for (Map.Entry<String, ConfigValue> e : config.getConfig("eventstream").entrySet()) {
      String path = "eventstream." + e.getKey();
      if (!reference.hasPathOrNull(path) && OPEN_BLOCKS.stream().noneMatch(path::startsWith)) {
        String nearest = nearest(path, reference);
        throw new ConfigException.BadPath(
            e.getValue().origin(),
            path,
            "no such setting"
                + (nearest != null ? " (did you mean " + nearest + "?)" : "")
                + "; the README lists every setting");
      }
    }
  }

  /** The known setting fewest edits away from {@code path}, if any is close enough. */
  private static String nearest(String path, Config reference) {
    String best = null;
    int bestEdits = MAX_SUGGESTION_EDITS + 1;
    for (Map.Entry<String, ConfigValue> e : reference.getConfig("eventstream").entrySet()) {
      String candidate = "eventstream." + e.getKey();
      int edits = edits(path, candidate);
      if (edits < bestEdits) {
        best = candidate;
        bestEdits = edits;
      }
    }
    return best;
  }

  /** Levenshtein distance between {@code a} and {@code b}. */
  private static int edits(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] row = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      row[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        row[j] = Math.min(substitute, Math.min(previous[j], row[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = row;
      row = swap;
    }
    return previous[b.length()];
  }
}
