package io.eventstreamcore.deploy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.List;
import java.util.Map;

/**
 * Refuses keys under {@code eventstream} that no module reads. Typesafe Config ignores them, so a
 * misspelt key (say {@code storage.file.snyc = always}) would leave its setting at the default
 * without a word: here {@code sync = never}, which a power loss punishes. Every key the service
 * reads has a default in some module's {@code reference.conf}; the keys of the blocks that hold the
 * user's own names (topics, Kafka producer properties) are not checked. Also refuses a value of the
 * wrong type naming its whole key and the value, where Typesafe Config's own message names only the
 * last part of the key.
 */
final class KnownKeys {
  private static final List<String> OPEN_BLOCKS =
      List.of("eventstream.topics.priorities.", "eventstream.storage.kafka.producer.");
  // Suggest a known key only when it is this close to the unknown one.
  private static final int MAX_SUGGESTION_EDITS = 3;

  private KnownKeys() {}

  /**
   * Throws a ConfigException naming the first key of {@code config} that is not a setting, or whose
   * value is not of its setting's type.
   */
  static void check(Config config) {
    // Not defaultReference(): it carries the -D overrides, so a misspelt -D key would be known;
    // and the defaults as written, not as the environment variables they name may set them.
    Config reference =
        ConfigFactory.defaultReferenceUnresolved()
            .resolve(ConfigResolveOptions.defaults().setUseSystemEnvironment(false));
    for (Map.Entry<String, ConfigValue> e : config.getConfig("eventstream").entrySet()) {
      String path = "eventstream." + e.getKey();
      if (!reference.hasPathOrNull(path)
          && OPEN_BLOCKS.stream().noneMatch(path::startsWith)
          && !inAList(reference, path)) {
        String nearest = nearest(path, reference);
        throw new ConfigException.BadPath(
            e.getValue().origin(),
            path,
            "no such setting"
                + (nearest != null ? " (did you mean " + nearest + "?)" : "")
                + "; the README lists every setting");
      }
    }
    for (Map.Entry<String, ConfigValue> e : reference.getConfig("eventstream").entrySet()) {
      String path = "eventstream." + e.getKey();
      Kind kind = Kind.of(reference, path);
      if (kind != null && config.hasPath(path) && !kind.reads(config, path)) {
        ConfigValue value = config.getValue(path);
        throw new ConfigException.BadValue(
            value.origin(), path, "must be " + kind.what(e.getValue()) + ", was " + value.render());
      }
    }
  }

  /**
   * Whether {@code path} is inside a setting that is a list: {@code -Dkey.0=value} sets a list's
   * items one by one (Typesafe Config reads the numbered keys back as the list).
   */
  private static boolean inAList(Config reference, String path) {
    for (int dot = path.lastIndexOf('.'); dot > 0; dot = path.lastIndexOf('.', dot - 1)) {
      String parent = path.substring(0, dot);
      if (reference.hasPathOrNull(parent)) {
        return !reference.getIsNull(parent)
            && reference.getValue(parent).valueType() == ConfigValueType.LIST;
      }
    }
    return false;
  }

  /** The kinds of value whose type a setting can get wrong, known from the setting's default. */
  private enum Kind {
    BOOLEAN,
    NUMBER,
    DURATION,
    SIZE;

    static Kind of(Config reference, String path) {
      ConfigValueType type = reference.getValue(path).valueType();
      if (type == ConfigValueType.BOOLEAN) {
        return BOOLEAN;
      }
      if (type == ConfigValueType.NUMBER) {
        return NUMBER;
      }
      if (type != ConfigValueType.STRING) {
        return null;
      }
      return DURATION.reads(reference, path) ? DURATION : SIZE.reads(reference, path) ? SIZE : null;
    }

    /**
     * Whether the value at {@code path} reads as this kind (a numeric default such as {@code
     * retention-bytes = 0} may be given as a size).
     */
    boolean reads(Config config, String path) {
      try {
        if (this == BOOLEAN) {
          config.getBoolean(path);
        } else if (this == DURATION) {
          config.getDuration(path);
        } else if (this == SIZE) {
          config.getBytes(path);
        } else if (!SIZE.reads(config, path) && !DURATION.reads(config, path)) {
          config.getNumber(path);
        }
        return true;
      } catch (ConfigException wrong) {
        return false;
      }
    }

    String what(ConfigValue byDefault) {
      return switch (this) {
        case BOOLEAN -> "true or false";
        case NUMBER -> "a number";
        case DURATION -> "a duration such as " + byDefault.unwrapped();
        case SIZE -> "a size such as " + byDefault.unwrapped();
      };
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
