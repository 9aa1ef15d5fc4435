package io.eventstreamcore.storage.sql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.eventstreamcore.engine.event.EventView;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.event.Route;
import io.eventstreamcore.engine.record.RecordKind;
import io.eventstreamcore.engine.record.RecordView;
import io.eventstreamcore.engine.spi.EventQuery;
import io.eventstreamcore.engine.spi.ReadableBackend;
import io.eventstreamcore.engine.spi.StoredEvent;
import io.eventstreamcore.engine.spi.StoredRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Events, alerts and window summaries in a SQL database through JDBC: PostgreSQL, or an embedded
 * SQLite file for users without a database server ({@link SqlSchema} describes the tables).
 *
 * <p>Appends are copied into a reusable {@link SqlBatch}; {@link #commit()} writes the batch in one
 * transaction, so a commit is as durable as the database's. Storing is idempotent: an event whose
 * non-zero id is already stored is skipped by the database ({@code ON CONFLICT DO NOTHING} on a
 * partial unique index), so a client's redelivery after a crash is harmless. Events with id 0 are
 * always inserted; they are still stored exactly once across commit failures because every
 * transaction also advances the writer's batch token (below).
 *
 * <p>Failures: a failed commit keeps the batch, drops the connection and throws; the next attempt
 * opens a new connection and writes the batch again. If the failed attempt did commit (the reply
 * was lost), the token tells: each transaction first moves {@code writer.last_batch} from the last
 * committed token to the next, conditionally, so a retry finds its token already there and drops
 * the batch instead of writing it twice. The same row names the owning writer: one service per
 * table prefix; a second one opening the prefix takes it over and the first one's commits fail with
 * an error saying so.
 *
 * <p>Connections: the writer has one dedicated connection of its own, not a pooled one: it is one
 * thread, holds the connection for the service's life with its prepared statements, and must decide
 * itself when a connection is dead (drop it on any failure, reopen on the next attempt); a pool
 * would add validation round trips and hide which connection failed. Readers come from any thread
 * (admin, tools, tests) and get a small HikariCP pool: it reuses connections (a PostgreSQL
 * connection costs a server process and a few milliseconds to open) and bounds how many a burst of
 * queries can take, without touching the writer's.
 */
public final class SqlBackend implements ReadableBackend {
  private static final Logger LOG = LoggerFactory.getLogger(SqlBackend.class);
  private static final String EVENT_COLUMNS =
      "topic, priority, route, event_id, client_time_us, received_ms, payload";

  private final String name;
  private final SqlSettings settings;
  private final SqlDialect dialect;
  private final SqlSchema schema;
  private final SqlBatch batch;
  private final long owner;
  private final HikariDataSource readers;

  private Connection writer;
  private PreparedStatement claim;
  private PreparedStatement insertEvent;
  private PreparedStatement insertAlert;
  private PreparedStatement insertWindow;
  private long lastBatch;
  private long nextRecordId;

  /**
   * Connects, creates or migrates the schema and takes over the table prefix as its writer.
   *
   * @throws IOException when the database cannot be reached or its schema is newer than this build
   */
  public SqlBackend(String name, SqlSettings settings) throws IOException {
    this.name = name;
    this.settings = settings;
    this.dialect = settings.dialect();
    this.schema = new SqlSchema(settings.tablePrefix(), dialect);
    this.batch = new SqlBatch(settings.batchRows(), settings.batchBytes());
    long id;
    do {
      id = new SecureRandom().nextLong();
    } while (id == 0); // 0 is the owner of a schema no writer has claimed yet
    this.owner = id;
    createSqliteDirectory();
    try {
      openWriter();
      int before = schema.migrate(writer);
      if (before < SqlSchema.VERSION) {
        LOG.info(
            "sql backend '{}': schema with table prefix '{}' migrated from version {} to {}",
            name,
            settings.tablePrefix(),
            before,
            SqlSchema.VERSION);
      }
      takeOver();
    } catch (SQLException e) {
      dropWriter(e);
      throw new IOException(
          "sql backend '" + name + "' cannot open " + settings + ": " + e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      dropWriter(e);
      throw e;
    }
    this.readers = readPool();
  }

  private void createSqliteDirectory() throws IOException {
    if (dialect != SqlDialect.SQLITE) {
      return;
    }
    String file = settings.url().substring(dialect.urlPrefix().length());
    int query = file.indexOf('?');
    Path parent = Path.of(query < 0 ? file : file.substring(0, query)).getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
  }

  private HikariDataSource readPool() {
    HikariConfig config = new HikariConfig();
    config.setPoolName("eventstream-sql-read-" + name);
    config.setJdbcUrl(settings.url());
    config.setDataSourceProperties(dialect.connectionProperties(settings, "reader", false));
    config.setMaximumPoolSize(settings.readPoolSize());
    // Open reader connections on demand only: no background reconnects while the database is
    // away, and nothing held while nobody reads.
    config.setMinimumIdle(0);
    config.setInitializationFailTimeout(-1);
    config.setConnectionTimeout(settings.timeoutMillis());
    return new HikariDataSource(config);
  }

  /** Claims the table prefix and reads where the writer state stands. */
  private void takeOver() throws SQLException {
    writer.setAutoCommit(false);
    try (PreparedStatement s =
        writer.prepareStatement("UPDATE " + schema.writer + " SET owner = ? WHERE id = 1")) {
      s.setLong(1, owner);
      s.executeUpdate();
    }
    lastBatch = writerState()[1];
    long maxRecordId = 0;
    for (String table : List.of(schema.alerts, schema.windows)) {
      try (PreparedStatement s = writer.prepareStatement("SELECT max(id) FROM " + table);
          ResultSet r = s.executeQuery()) {
        r.next();
        maxRecordId = Math.max(maxRecordId, r.getLong(1));
      }
    }
    nextRecordId = maxRecordId + 1;
    writer.commit();
    writer.setAutoCommit(true);
  }

  /** The writer row: {owner, last_batch}. */
  private long[] writerState() throws SQLException {
    try (PreparedStatement s =
            writer.prepareStatement(
                "SELECT owner, last_batch FROM " + schema.writer + " WHERE id = 1");
        ResultSet r = s.executeQuery()) {
      if (!r.next()) {
        throw new SQLException("table " + schema.writer + " has lost its row");
      }
      return new long[] {r.getLong(1), r.getLong(2)};
    }
  }

  private void openWriter() throws SQLException {
    writer =
        DriverManager.getConnection(
            settings.url(), dialect.connectionProperties(settings, "writer", true));
    // Auto-commit while idle, a transaction only inside commit(): the SQLite driver begins the
    // next transaction as soon as one ends, and an idle IMMEDIATE one would hold the write lock.
    writer.setAutoCommit(true);
  }

  private void prepareWriter() throws SQLException {
    if (writer == null) {
      openWriter();
    }
    if (claim == null) {
      claim =
          writer.prepareStatement(
              "UPDATE "
                  + schema.writer
                  + " SET last_batch = ? WHERE id = 1 AND owner = ? AND last_batch = ?");
      insertEvent =
          writer.prepareStatement(
              "INSERT INTO "
                  + schema.events
                  + " ("
                  + EVENT_COLUMNS
                  + ") VALUES (?, ?, ?, ?, ?, ?, ?)"
                  + " ON CONFLICT (event_id) WHERE event_id <> 0 DO NOTHING");
      insertAlert =
          writer.prepareStatement(
              "INSERT INTO "
                  + schema.alerts
                  + " (id, topic, rule, severity, time_ms, event_id, value)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?)");
      insertWindow =
          writer.prepareStatement(
              "INSERT INTO "
                  + schema.windows
                  + " (id, topic, start_ms, end_ms, event_count, payload_bytes, min_event_id,"
                  + " max_event_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    }
  }

  /** Rolls back and closes the writer connection; the next commit opens a new one. */
  private void dropWriter(Exception cause) {
    if (writer == null) {
      return;
    }
    SqlSchema.rollbackQuietly(writer, cause);
    try {
      writer.close(); // closes its statements too
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
    writer = null;
    claim = null;
    insertEvent = null;
    insertAlert = null;
    insertWindow = null;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean durable() {
    return settings.durable();
  }

  /** The settings this backend was opened with. */
  public SqlSettings settings() {
    return settings;
  }

  /** Names of this backend's tables: events, alerts, windows, writer, schema_version. */
  public List<String> tables() {
    return schema.tables();
  }

  @Override
  public void append(EventView event) throws IOException {
    makeRoom(event.payloadLength());
    batch.add(event);
  }

  @Override
  public void append(RecordView record) throws IOException {
    makeRoom(0);
    batch.add(record, nextRecordId++);
  }

  /**
   * Writes the batch out when it is full. Committing early is safe: rows become durable sooner than
   * the ring batch asks. If it fails, the row being appended was not taken and is appended again by
   * the writer stage, after a retry of this commit.
   */
  private void makeRoom(int payloadBytes) throws IOException {
    if (!batch.hasRoomFor(payloadBytes)) {
      commit();
    }
  }

  @Override
  public void commit() throws IOException {
    if (batch.isEmpty()) {
      return;
    }
    try {
      prepareWriter();
      writer.setAutoCommit(false);
      long token = lastBatch + 1;
      claim.setLong(1, token);
      claim.setLong(2, owner);
      claim.setLong(3, lastBatch);
      if (claim.executeUpdate() == 0) {
        long[] state = writerState();
        writer.rollback();
        writer.setAutoCommit(true);
        if (state[0] == owner && state[1] == token) {
          // The previous attempt committed and only its reply was lost: done already.
          lastBatch = token;
          batch.clear();
          return;
        }
        throw new IOException(
            "sql backend '"
                + name
                + "': table prefix '"
                + settings.tablePrefix()
                + "' was taken over by another writer (one service per prefix);"
                + " nothing more is written here");
      }
      batch.execute(insertEvent, insertAlert, insertWindow);
      writer.commit();
      writer.setAutoCommit(true);
      lastBatch = token;
      batch.clear();
    } catch (SQLException | RuntimeException e) {
      dropWriter(e);
      throw new IOException(
          "sql backend '"
              + name
              + "': commit of "
              + batch.rows()
              + " rows failed, kept for the retry: "
              + e.getMessage(),
          e);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      commit();
    } finally {
      if (writer != null) {
        try {
          writer.close();
        } catch (SQLException e) {
          LOG.warn("sql backend '{}': closing the writer connection: {}", name, e.toString());
        }
        writer = null;
      }
      readers.close();
    }
  }

  @Override
  public List<StoredEvent> readEvents(EventQuery query) throws IOException {
    StringBuilder sql = new StringBuilder("SELECT ").append(EVENT_COLUMNS);
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
    try (Connection c = readers.getConnection();
        PreparedStatement s = c.prepareStatement(sql.toString())) {
      int p = 1;
      if (query.topic() != null) {
        s.setString(p++, query.topic());
      }
      if (query.fromMillis() != Long.MIN_VALUE) {
        s.setLong(p++, query.fromMillis());
      }
      if (query.toMillis() != Long.MAX_VALUE) {
        s.setLong(p++, query.toMillis());
      }
      if (query.eventId() != 0) {
        s.setLong(p++, query.eventId());
      }
      if (query.limit() != Integer.MAX_VALUE) {
        s.setInt(p, query.limit());
      }
      List<StoredEvent> events = new ArrayList<>();
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          events.add(
              new StoredEvent(
                  r.getString(1),
                  Priority.valueOf(r.getString(2)),
                  Route.valueOf(r.getString(3).toUpperCase(Locale.ROOT)),
                  r.getLong(4),
                  r.getLong(5),
                  r.getLong(6),
                  r.getBytes(7)));
        }
      }
      return events;
    } catch (SQLException e) {
      throw new IOException("sql backend '" + name + "': reading events: " + e.getMessage(), e);
    }
  }

  @Override
  public List<StoredRecord> readRecords() throws IOException {
    List<StoredRecord> alerts = new ArrayList<>();
    List<StoredRecord> windows = new ArrayList<>();
    List<Long> alertIds = new ArrayList<>();
    List<Long> windowIds = new ArrayList<>();
    try (Connection c = readers.getConnection()) {
      // One snapshot for both tables, so the two reads see the same commits. SQLite's read
      // transactions are snapshots already; PostgreSQL's default isolation is per statement.
      c.setAutoCommit(false);
      if (dialect == SqlDialect.POSTGRESQL) {
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      }
      try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT id, topic, rule, severity, time_ms, event_id, value FROM "
                      + schema.alerts
                      + " ORDER BY id");
          ResultSet r = s.executeQuery()) {
        while (r.next()) {
          alertIds.add(r.getLong(1));
          alerts.add(
              new StoredRecord(
                  RecordKind.ALERT,
                  r.getString(2),
                  r.getString(3),
                  r.getString(4),
                  r.getLong(5),
                  r.getLong(6),
                  r.getDouble(7),
                  0,
                  0,
                  0,
                  0,
                  0,
                  0));
        }
      }
      try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT id, topic, start_ms, end_ms, event_count, payload_bytes, min_event_id,"
                      + " max_event_id FROM "
                      + schema.windows
                      + " ORDER BY id");
          ResultSet r = s.executeQuery()) {
        while (r.next()) {
          windowIds.add(r.getLong(1));
          long end = r.getLong(4);
          windows.add(
              new StoredRecord(
                  RecordKind.WINDOW,
                  r.getString(2),
                  "",
                  "",
                  end,
                  0,
                  0,
                  r.getLong(3),
                  end,
                  r.getLong(5),
                  r.getLong(6),
                  r.getLong(7),
                  r.getLong(8)));
        }
      }
      c.commit();
    } catch (SQLException e) {
      throw new IOException("sql backend '" + name + "': reading records: " + e.getMessage(), e);
    }
    return mergeById(alerts, alertIds, windows, windowIds);
  }

  /** Both tables take ids from the writer's one counter: merging by id restores append order. */
  private static List<StoredRecord> mergeById(
      List<StoredRecord> alerts,
      List<Long> alertIds,
      List<StoredRecord> windows,
      List<Long> windowIds) {
    List<StoredRecord> merged = new ArrayList<>(alerts.size() + windows.size());
    int a = 0;
    int w = 0;
    while (a < alerts.size() || w < windows.size()) {
      if (w == windows.size() || (a < alerts.size() && alertIds.get(a) < windowIds.get(w))) {
        merged.add(alerts.get(a++));
      } else {
        merged.add(windows.get(w++));
      }
    }
    return merged;
  }
}
