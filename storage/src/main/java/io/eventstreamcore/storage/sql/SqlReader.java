package io.eventstreamcore.storage.sql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.event.Route;
import io.eventstreamcore.engine.record.DeadLetterReason;
import io.eventstreamcore.engine.spi.EventIdSink;
import io.eventstreamcore.engine.spi.EventQuery;
import io.eventstreamcore.engine.spi.StoredEvent;
import io.eventstreamcore.engine.spi.StoredRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the events and records (alerts, window summaries, dead letters, derived events) of one
 * table prefix, without writing anything: no schema is created or migrated and the writer row is
 * left alone, so tools can read the tables of a running service while its {@link SqlBackend} goes
 * on writing them. The backend reads through one of these too.
 *
 * <p>Connections come from a small HikariCP pool of {@code read-pool-size}, opened on demand: it
 * reuses connections (a PostgreSQL connection costs a server process and a few milliseconds to
 * open) and bounds how many a burst of queries can take. Thread-safe.
 */
public final class SqlReader implements AutoCloseable {
  static final int REPLAY_PAGE_ROWS = 10_000;
  static final String EVENT_COLUMNS =
      "topic, priority, route, event_id, client_time_us, received_ms, payload";

  /**
   * An event with the id the database gave its row. Ids grow with insertion, so {@link
   * #readEventsAfter(long, int)} with the last id seen follows the table; they may have gaps (a
   * redelivered event takes a number and is skipped).
   *
   * @param id the row id
   * @param event the event stored in it
   */
  public record EventRow(long id, StoredEvent event) {}

  private final String label;
  private final SqlDialect dialect;
  private final SqlSchema schema;
  private final HikariDataSource pool;

  /** A reader for {@code label} (named in errors), on tables whose schema the caller checked. */
  SqlReader(String label, String poolName, SqlSettings settings, SqlSchema schema) {
    this.label = label;
    this.dialect = settings.dialect();
    this.schema = schema;
    HikariConfig config = new HikariConfig();
    config.setPoolName(poolName);
    config.setJdbcUrl(settings.url());
    config.setDataSourceProperties(dialect.connectionProperties(settings, "reader", false));
    config.setMaximumPoolSize(settings.readPoolSize());
    // Open reader connections on demand only: no background reconnects while the database is
    // away, and nothing held while nobody reads.
    config.setMinimumIdle(0);
    config.setInitializationFailTimeout(-1);
    config.setConnectionTimeout(settings.timeoutMillis());
    this.pool = new HikariDataSource(config);
  }

  /**
   * Opens a reader of the tables {@code settings} name, for tools next to a running service.
   *
   * @throws IOException when the database cannot be reached, or holds no schema of this table
   *     prefix, or one at a version this build does not read
   */
  public static SqlReader open(SqlSettings settings) throws IOException {
    SqlDialect dialect = settings.dialect();
    if (dialect == SqlDialect.SQLITE) {
      // Connecting to a missing SQLite file would create an empty database there.
      Path file = sqliteFile(settings.url());
      if (!Files.isRegularFile(file)) {
        throw new IOException(
            "sql reader: no SQLite database file "
                + file
                + " ("
                + settings
                + "); start the service on it once to create its tables");
      }
    }
    SqlReader reader =
        new SqlReader(
            "sql reader",
            "eventstream-sql-reader",
            settings,
            new SqlSchema(settings.tablePrefix(), dialect));
    try {
      reader.checkVersion(settings);
      return reader;
    } catch (IOException | RuntimeException e) {
      reader.close();
      throw e;
    }
  }

  /** The database file of a {@code jdbc:sqlite:} URL, without the URL's query. */
  static Path sqliteFile(String url) {
    String file = url.substring(SqlDialect.SQLITE.urlPrefix().length());
    int query = file.indexOf('?');
    return Path.of(query < 0 ? file : file.substring(0, query));
  }

  private void checkVersion(SqlSettings settings) throws IOException {
    int found;
    try (Connection c = pool.getConnection()) {
      try (PreparedStatement s = c.prepareStatement("SELECT max(version) FROM " + schema.versions);
          ResultSet r = s.executeQuery()) {
        r.next();
        found = r.getInt(1);
      } catch (SQLException e) {
        if (isMissingTable(e)) {
          throw new IOException(
              "sql reader: no EventStreamCore tables with table prefix '"
                  + settings.tablePrefix()
                  + "' ("
                  + settings
                  + ", table "
                  + schema.versions
                  + " does not exist); check eventstream.storage.sql.table-prefix, or start the"
                  + " service once to create them",
              e);
        }
        throw e;
      }
    } catch (SQLException e) {
      throw new IOException(
          "sql reader: cannot read the schema version of " + settings + ": " + e.getMessage(), e);
    }
    if (found != SqlSchema.VERSION) {
      throw new IOException(
          "sql reader: SQL schema with table prefix '"
              + settings.tablePrefix()
              + "' is at version "
              + found
              + ", this build reads version "
              + SqlSchema.VERSION
              + (found > SqlSchema.VERSION
                  ? ": upgrade EventStreamCore"
                  : ": start the service of this build once to migrate it"));
    }
  }

  private static boolean isMissingTable(SQLException e) {
    // PostgreSQL: undefined_table. SQLite has no SQLSTATE for it, only its message.
    String message = e.getMessage() == null ? "" : e.getMessage();
    return "42P01".equals(e.getSQLState()) || message.contains("no such table");
  }

  /** Events matching {@code query}, in insertion order. */
  public List<StoredEvent> readEvents(EventQuery query) throws IOException {
    StringBuilder sql = new StringBuilder("SELECT id, ").append(EVENT_COLUMNS);
    sql.append(" FROM ").append(schema.events).append(" WHERE 1 = 1");
    if (query.topic() != null) {
      sql.append(" AND topic = ?");
    }
    if (query.fromMillis() != Long.MIN_VALUE) {
      sql.append(" AND received_ms >= ?");
    }
    if (query.toMillis() != Long.MAX_VALUE) {
      sql.append(" AND received_ms < ?");
    }
    if (query.eventId() != 0) {
      sql.append(" AND event_id = ?");
    }
    sql.append(" ORDER BY id");
    if (query.limit() != Integer.MAX_VALUE) {
      sql.append(" LIMIT ?");
    }
    List<Object> parameters = new ArrayList<>();
    if (query.topic() != null) {
      parameters.add(query.topic());
    }
    if (query.fromMillis() != Long.MIN_VALUE) {
      parameters.add(query.fromMillis());
    }
    if (query.toMillis() != Long.MAX_VALUE) {
      parameters.add(query.toMillis());
    }
    if (query.eventId() != 0) {
      parameters.add(query.eventId());
    }
    if (query.limit() != Integer.MAX_VALUE) {
      parameters.add(query.limit());
    }
    List<StoredEvent> events = new ArrayList<>();
    for (EventRow row : select(sql.toString(), parameters)) {
      events.add(row.event());
    }
    return events;
  }

  /**
   * At most {@code limit} events stored after the row {@code afterId}, oldest first: a follower
   * calls it again with the last id it got ({@code 0} for the start, {@link #lastEventId()} for
   * only what comes next). The service's one writer commits its rows in id order, so polling this
   * way misses none.
   */
  public List<EventRow> readEventsAfter(long afterId, int limit) throws IOException {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit " + limit + " is not positive");
    }
    return select(
        "SELECT id, "
            + EVENT_COLUMNS
            + " FROM "
            + schema.events
            + " WHERE id > ? ORDER BY id LIMIT ?",
        List.of(afterId, limit));
  }

  /**
   * Hands {@code sink} the id and received time of every event with a non-zero id received at or
   * after {@code sinceMillis}, oldest first: the dedup rebuild at start. Reads pages of {@code
   * REPLAY_PAGE_ROWS} rows along the index on (received_ms, id), on one connection, so neither this
   * process nor the driver holds more than a page, and the rows before the window are never read: a
   * start costs what the window holds, however long the table.
   */
  public void replayEventIds(long sinceMillis, EventIdSink sink) throws IOException {
    replayEventIds(sinceMillis, Long.MAX_VALUE, sink, REPLAY_PAGE_ROWS);
  }

  /** As above, but only the {@code newest} ids when more are stored since {@code sinceMillis}. */
  public void replayEventIds(long sinceMillis, long newest, EventIdSink sink) throws IOException {
    replayEventIds(sinceMillis, newest, sink, REPLAY_PAGE_ROWS);
  }

  void replayEventIds(long sinceMillis, long newest, EventIdSink sink, int pageRows)
      throws IOException {
    try (Connection c = pool.getConnection();
        PreparedStatement s = c.prepareStatement(replayQuery())) {
      // Keyset paging: each page starts after the last (received_ms, id) of the one before.
      long afterMillis = sinceMillis;
      long afterId = 0; // row ids start at 1: the first page takes every row at sinceMillis
      if (newest < Long.MAX_VALUE) {
        try (PreparedStatement oldest = c.prepareStatement(oldestOfNewestQuery())) {
          oldest.setLong(1, sinceMillis);
          oldest.setLong(2, Math.max(0, newest - 1));
          try (ResultSet r = oldest.executeQuery()) {
            if (r.next()) { // more than newest stored: start at the oldest of the newest
              afterMillis = r.getLong(1);
              afterId = r.getLong(2) - 1;
            }
          }
        }
      }
      int rows;
      do {
        s.setLong(1, afterMillis);
        s.setLong(2, afterId);
        s.setInt(3, pageRows);
        rows = 0;
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            afterId = r.getLong(1);
            afterMillis = r.getLong(3);
            sink.accept(r.getLong(2), afterMillis);
            rows++;
          }
        }
      } while (rows == pageRows);
    } catch (SQLException e) {
      throw failure("replaying event ids", e);
    }
  }

  /** The dedup rebuild's page query, an index range scan on (received_ms, id). */
  String replayQuery() {
    return "SELECT id, event_id, received_ms FROM "
        + schema.events
        + " WHERE (received_ms, id) > (?, ?) AND event_id <> 0 ORDER BY received_ms, id LIMIT ?";
  }

  /** The received time and row id of the row {@code ?} rows older than the newest, on the index. */
  String oldestOfNewestQuery() {
    return "SELECT received_ms, id FROM "
        + schema.events
        + " WHERE received_ms >= ? AND event_id <> 0 ORDER BY received_ms DESC, id DESC"
        + " LIMIT 1 OFFSET ?";
  }

  /** The id of the newest event row, 0 when there is none. */
  public long lastEventId() throws IOException {
    try (Connection c = pool.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT max(id) FROM " + schema.events);
        ResultSet r = s.executeQuery()) {
      r.next();
      return r.getLong(1);
    } catch (SQLException e) {
      throw failure("reading the last event id", e);
    }
  }

  private List<EventRow> select(String sql, List<Object> parameters) throws IOException {
    try (Connection c = pool.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < parameters.size(); i++) {
        s.setObject(i + 1, parameters.get(i));
      }
      List<EventRow> rows = new ArrayList<>();
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          rows.add(
              new EventRow(
                  r.getLong(1),
                  new StoredEvent(
                      r.getString(2),
                      Priority.valueOf(r.getString(3)),
                      Route.valueOf(r.getString(4).toUpperCase(Locale.ROOT)),
                      r.getLong(5),
                      r.getLong(6),
                      r.getLong(7),
                      r.getBytes(8))));
        }
      }
      return rows;
    } catch (SQLException e) {
      throw failure("reading events", e);
    }
  }

  /** Alerts, window summaries, dead letters and derived events, in the order they were appended. */
  public List<StoredRecord> readRecords() throws IOException {
    List<StoredRecord> records = new ArrayList<>();
    forEachRecord(
        record -> {
          records.add(record);
          return true;
        });
    return records;
  }

  /** Receives records one at a time. */
  @FunctionalInterface
  public interface RecordVisitor {
    /** Takes {@code record}; false to stop reading. */
    boolean visit(StoredRecord record) throws IOException;
  }

  /**
   * Hands {@code visitor} the alerts, window summaries, dead letters and derived events in the
   * order they were appended, until it says stop, holding no more than a page of each table: a
   * store may hold more records (dead letters carry payloads) than a command's heap does.
   */
  public void forEachRecord(RecordVisitor visitor) throws IOException {
    try (Connection c = pool.getConnection()) {
      // One snapshot for every table, so the reads see the same commits. SQLite's read
      // transactions are snapshots already; PostgreSQL's default isolation is per statement.
      c.setAutoCommit(false);
      if (dialect == SqlDialect.POSTGRESQL) {
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      }
      List<RecordTable> tables = List.of(alerts(c), windows(c), deadLetters(c), derivedEvents(c));
      try {
        // Record tables take ids from the writer's one counter: the smallest id next is the next
        // record appended.
        while (true) {
          RecordTable next = null;
          for (RecordTable table : tables) {
            if (table.head() != null && (next == null || table.head().id() < next.head().id())) {
              next = table;
            }
          }
          if (next == null || !visitor.visit(next.take().record())) {
            break;
          }
        }
      } finally {
        for (RecordTable table : tables) {
          table.close();
        }
      }
      c.commit();
    } catch (SQLException e) {
      throw failure("reading records", e);
    }
  }

  /** A record with the id of its row. */
  private record IdRecord(long id, StoredRecord record) {}

  /** Turns the current row of a record table's result (after its id) into a record. */
  @FunctionalInterface
  private interface RowReader {
    StoredRecord read(ResultSet r) throws SQLException;
  }

  /** One record table read in id order, a page of rows at a time. */
  private static final class RecordTable {
    private static final int PAGE_ROWS = 64;

    private final PreparedStatement select;
    private final RowReader reader;
    private final ArrayDeque<IdRecord> page = new ArrayDeque<>();
    private long lastId;
    private boolean exhausted;

    RecordTable(Connection c, String columns, String table, RowReader reader) throws SQLException {
      this.select =
          c.prepareStatement(
              "SELECT id, " + columns + " FROM " + table + " WHERE id > ? ORDER BY id LIMIT ?");
      this.reader = reader;
    }

    /** The next row, or null when the table has no more. */
    IdRecord head() throws SQLException {
      if (page.isEmpty() && !exhausted) {
        select.setLong(1, lastId);
        select.setInt(2, PAGE_ROWS);
        try (ResultSet r = select.executeQuery()) {
          while (r.next()) {
            lastId = r.getLong(1);
            page.add(new IdRecord(lastId, reader.read(r)));
          }
        }
        exhausted = page.size() < PAGE_ROWS;
      }
      return page.peekFirst();
    }

    IdRecord take() {
      return page.pollFirst();
    }

    void close() throws SQLException {
      select.close();
    }
  }

  /** A double column, NaN included: SQLite holds a NaN as the text {@code NaN} (SqlBatch). */
  private static double doubleOf(ResultSet r, int column) throws SQLException {
    double value = r.getDouble(column);
    return value == 0 && "NaN".equals(r.getString(column)) ? Double.NaN : value;
  }

  private RecordTable alerts(Connection c) throws SQLException {
    return new RecordTable(
        c,
        "topic, rule, severity, time_ms, event_id, value",
        schema.alerts,
        r ->
            StoredRecord.alert(
                r.getString(2),
                r.getString(3),
                r.getString(4),
                r.getLong(5),
                r.getLong(6),
                doubleOf(r, 7)));
  }

  private RecordTable windows(Connection c) throws SQLException {
    return new RecordTable(
        c,
        "topic, start_ms, end_ms, event_count, payload_bytes, min_event_id, max_event_id,"
            + " min_payload_bytes, max_payload_bytes, first_ms, last_ms, aggregate_name,"
            + " aggregate_value",
        schema.windows,
        r ->
            StoredRecord.window(
                    r.getString(2),
                    r.getLong(3),
                    r.getLong(4),
                    r.getLong(5),
                    r.getLong(6),
                    r.getLong(7),
                    r.getLong(8))
                .withPayloadSizes(r.getLong(9), r.getLong(10))
                .withEventTimes(r.getLong(11), r.getLong(12))
                .withAggregate(r.getString(13), doubleOf(r, 14)));
  }

  private RecordTable deadLetters(Connection c) throws SQLException {
    return new RecordTable(
        c,
        "reason, topic, priority, event_id, client_time_us, received_ms, payload",
        schema.deadLetters,
        r ->
            StoredRecord.deadLetter(
                DeadLetterReason.ofLabel(r.getString(2)),
                r.getString(3),
                r.getLong(5),
                r.getLong(6),
                r.getLong(7),
                Priority.valueOf(r.getString(4)),
                r.getBytes(8)));
  }

  private RecordTable derivedEvents(Connection c) throws SQLException {
    return new RecordTable(
        c,
        "name, topic, priority, event_id, time_ms, payload",
        schema.derivedEvents,
        r ->
            StoredRecord.derived(
                r.getString(2),
                r.getString(3),
                r.getLong(5),
                r.getLong(6),
                Priority.valueOf(r.getString(4)),
                r.getBytes(7)));
  }

  private IOException failure(String what, SQLException e) {
    return new IOException(label + ": " + what + ": " + e.getMessage(), e);
  }

  /** Closes the pool's connections. */
  @Override
  public void close() {
    pool.close();
  }
}
