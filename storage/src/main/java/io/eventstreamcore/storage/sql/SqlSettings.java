package io.eventstreamcore.storage.sql;

import com.typesafe.config.Config;
import io.eventstreamcore.engine.config.EngineSettings;
import io.eventstreamcore.engine.event.EventLimits;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Settings of the sql backend, read once from {@code eventstream.storage.sql} and checked. Only
 * read when {@code sql} is one of the configured backends, so an unset URL is no error otherwise.
 */
public final class SqlSettings {
  private static final String PATH = "eventstream.storage.sql.";

  /** SQLite's limit on the bytes of one string, blob or row, as the driver ships it. */
  static final int SQLITE_MAX_LENGTH = 1_000_000_000;

  private static final Pattern TABLE_PREFIX = Pattern.compile("[a-z_][a-z0-9_]{0,39}");

  /** Room left beside a payload for the rest of its row and statement. */
  private static final int ROW_SLACK_BYTES = 1 << 20;

  /**
   * What PostgreSQL holds of an event: {@code text} cannot hold U+0000, and a btree index entry
   * (the topic indexes) at most about 2,700 bytes, so 2 KiB of topic with room to spare; a {@code
   * bytea} value, and the protocol message binding it, at most 1 GiB less a byte or two.
   */
  static final EventLimits POSTGRESQL_LIMITS =
      new EventLimits(2048, false, (1 << 30) - ROW_SLACK_BYTES);

  /** What SQLite holds: a string, blob or row of at most 10^9 bytes (its default length limit). */
  static final EventLimits SQLITE_LIMITS =
      new EventLimits(
          EventLimits.PROTOCOL.maxTopicBytes(), true, SQLITE_MAX_LENGTH - ROW_SLACK_BYTES);

  private final String url;
  private final SqlDialect dialect;
  private final String user;
  private final String password;
  private final String tablePrefix;
  private final int readPoolSize;
  private final int batchRows;
  private final int batchBytes;
  private final long timeoutMillis;
  private final boolean durable;

  /** Reads and validates {@code eventstream.storage.sql} from the root configuration. */
  public SqlSettings(Config root) {
    Config c = root.getConfig("eventstream.storage.sql");
    url = c.getString("url").trim();
    if (url.isEmpty()) {
      throw EngineSettings.bad(
          PATH + "url",
          url,
          "is required when the sql backend is configured: a jdbc:postgresql: or jdbc:sqlite: URL"
              + " (or set EVENTSTREAM_SQL_URL)");
    }
    dialect = SqlDialect.of(url);
    if (dialect == null) {
      throw EngineSettings.bad(PATH + "url", url, "is not a jdbc:postgresql: or jdbc:sqlite: URL");
    }
    if (dialect == SqlDialect.SQLITE) {
      String file = url.substring(dialect.urlPrefix().length());
      String lower = file.toLowerCase(Locale.ROOT);
      if (file.isBlank() || lower.startsWith(":memory:") || lower.contains("mode=memory")) {
        throw EngineSettings.bad(
            PATH + "url",
            url,
            "must name a database file: an in-memory SQLite database is neither durable nor"
                + " shared between the writer and readers");
      }
    }
    user = c.getString("user");
    password = c.getString("password");
    tablePrefix = c.getString("table-prefix");
    if (!TABLE_PREFIX.matcher(tablePrefix).matches()) {
      throw EngineSettings.bad(
          PATH + "table-prefix",
          tablePrefix,
          "must be 1 to 40 of a-z, 0-9 and _, starting with a letter or _");
    }
    readPoolSize = positiveInt(c, "read-pool-size");
    batchRows = positiveInt(c, "batch-rows");
    long bytes = c.getBytes("batch-bytes");
    if (bytes <= 0 || bytes > (1 << 30)) {
      throw EngineSettings.bad(PATH + "batch-bytes", bytes, "must be between 1 and 1GiB");
    }
    batchBytes = (int) bytes;
    timeoutMillis = c.getDuration("timeout", TimeUnit.MILLISECONDS);
    if (timeoutMillis < 1000) {
      throw EngineSettings.bad(PATH + "timeout", c.getString("timeout"), "must be at least 1s");
    }
    durable = c.getBoolean("durable");
  }

  private static int positiveInt(Config c, String key) {
    int value = c.getInt(key);
    if (value <= 0) {
      throw EngineSettings.bad(PATH + key, value, "must be positive");
    }
    return value;
  }

  /** JDBC URL of the database. */
  /** What the database holds of one event. */
  public EventLimits eventLimits() {
    return dialect == SqlDialect.POSTGRESQL ? POSTGRESQL_LIMITS : SQLITE_LIMITS;
  }

  public String url() {
    return url;
  }

  SqlDialect dialect() {
    return dialect;
  }

  /** Database user; empty for the driver's default. */
  public String user() {
    return user;
  }

  /** Database password; empty for none. */
  public String password() {
    return password;
  }

  /** Prefix of every table name, e.g. {@code eventstream_} gives {@code eventstream_events}. */
  public String tablePrefix() {
    return tablePrefix;
  }

  /** Connections pooled for readers. */
  public int readPoolSize() {
    return readPoolSize;
  }

  /** Rows (events and records) buffered at most before they are written out. */
  public int batchRows() {
    return batchRows;
  }

  /** Payload bytes buffered at most before they are written out. */
  public int batchBytes() {
    return batchBytes;
  }

  /** How long a connection attempt or database call may take before it counts as failed. */
  public long timeoutMillis() {
    return timeoutMillis;
  }

  /** True when acknowledgements wait for this backend's commits. */
  public boolean durable() {
    return durable;
  }

  @Override
  public String toString() {
    // The password stays out of logs; so does the URL's query, which may carry one too.
    int query = url.indexOf('?');
    return "sql.url="
        + (query < 0 ? url : url.substring(0, query) + "?...")
        + " sql.table-prefix="
        + tablePrefix
        + " sql.batch-rows="
        + batchRows;
  }
}
