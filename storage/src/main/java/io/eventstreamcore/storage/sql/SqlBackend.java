package io.eventstreamcore.storage.sql;

import io.eventstreamcore.engine.event.EventView;
import io.eventstreamcore.engine.record.RecordView;
import io.eventstreamcore.engine.spi.EventIdSink;
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
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Events and the records processors emit (alerts, window summaries, dead letters, derived events)
 * in a SQL database through JDBC: PostgreSQL, or an embedded SQLite file for users without a
 * database server ({@link SqlSchema} describes the tables).
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
 * would add validation round trips and hide which connection failed. Reads come from any thread
 * (admin, tools, tests) and go through a {@link SqlReader} with a small pool of its own, without
 * touching the writer's connection; tools beside a running service open their own {@link
 * SqlReader}, which reads the same tables without taking them over.
 */
public final class SqlBackend implements ReadableBackend {
  private static final Logger LOG = LoggerFactory.getLogger(SqlBackend.class);
  private static final Duration MIGRATION_TIMEOUT = Duration.ofMinutes(30);

  private final String name;
  private final SqlSettings settings;
  private final SqlDialect dialect;
  private final SqlSchema schema;
  private final SqlBatch batch;
  private final long owner;
  private final SqlReader reader;

  private Connection writer;
  private PreparedStatement claim;
  private PreparedStatement insertEvent;
  private PreparedStatement insertAlert;
  private PreparedStatement insertWindow;
  private PreparedStatement insertDeadLetter;
  private PreparedStatement insertDerived;
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
      checkEncoding();
      int before = migrate();
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
    this.reader =
        new SqlReader(
            "sql backend '" + name + "'", "eventstream-sql-read-" + name, settings, schema);
  }

  private void createSqliteDirectory() throws IOException {
    if (dialect != SqlDialect.SQLITE) {
      return;
    }
    Path parent = SqlReader.sqliteFile(settings.url()).getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
  }

  /**
   * Migrates the schema. On PostgreSQL its calls are bounded by {@code MIGRATION_TIMEOUT} rather
   * than {@code timeout}: the first start of this build builds an index over the events table
   * (about a minute per 10^8 rows), which must not fail every start.
   */
  private int migrate() throws SQLException, IOException {
    return withWriterTimeout(
        Math.max(settings.timeoutMillis(), MIGRATION_TIMEOUT.toMillis()),
        () -> schema.migrate(writer));
  }

  /** A call on the writer connection. */
  private interface WriterCall<T> {
    T run() throws SQLException, IOException;
  }

  /**
   * Runs {@code call} with the writer's calls bounded by {@code timeoutMillis} instead of {@code
   * timeout} (PostgreSQL; SQLite has no network bound), then bounds them by {@code timeout} again.
   */
  private <T> T withWriterTimeout(long timeoutMillis, WriterCall<T> call)
      throws SQLException, IOException {
    if (dialect != SqlDialect.POSTGRESQL) {
      return call.run();
    }
    writer.setNetworkTimeout(Runnable::run, (int) timeoutMillis);
    try {
      return call.run();
    } finally {
      // A timed-out call closes the connection: then its own failure is the one to report.
      if (!writer.isClosed()) {
        writer.setNetworkTimeout(Runnable::run, (int) settings.timeoutMillis());
      }
    }
  }

  /** Claims the table prefix and reads where the writer state stands. */
  private void takeOver() throws SQLException, IOException {
    writer.setAutoCommit(false);
    // An earlier writer's session cut off inside its transaction holds the row's lock until the
    // server ends it, after twice the timeout (idle_in_transaction_session_timeout): a restarted
    // service waits that out instead of failing its start after one timeout.
    withWriterTimeout(
        3 * settings.timeoutMillis(),
        () -> {
          try (PreparedStatement s =
              writer.prepareStatement("UPDATE " + schema.writer + " SET owner = ? WHERE id = 1")) {
            s.setLong(1, owner);
            return s.executeUpdate();
          }
        });
    lastBatch = writerState()[1];
    long maxRecordId = 0;
    for (String table :
        List.of(schema.alerts, schema.windows, schema.deadLetters, schema.derivedEvents)) {
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
    try {
      // Auto-commit while idle, a transaction only inside commit(): the SQLite driver begins the
      // next transaction as soon as one ends, and an idle IMMEDIATE one would hold the write lock.
      writer.setAutoCommit(true);
      dialect.enforceWriterSettings(writer, settings);
    } catch (SQLException e) {
      try {
        writer.close();
      } catch (SQLException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
  }

  /**
   * PostgreSQL converts text to the database's encoding, so in one that cannot hold every character
   * a topic would fail its insert on every retry and stall storage for good.
   */
  private void checkEncoding() throws SQLException, IOException {
    if (dialect != SqlDialect.POSTGRESQL) {
      return;
    }
    try (Statement s = writer.createStatement();
        ResultSet r = s.executeQuery("SHOW server_encoding")) {
      r.next();
      String encoding = r.getString(1);
      if (!encoding.equals("UTF8") && !encoding.equals("SQL_ASCII")) {
        throw new IOException(
            "sql backend '"
                + name
                + "': the database's encoding is "
                + encoding
                + ", which cannot hold every topic (any UTF-8); use a database created with"
                + " ENCODING 'UTF8'");
      }
    }
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
                  + SqlReader.EVENT_COLUMNS
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
                  + " max_event_id, min_payload_bytes, max_payload_bytes, first_ms, last_ms,"
                  + " aggregate_name, aggregate_value)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
      insertDeadLetter =
          writer.prepareStatement(
              "INSERT INTO "
                  + schema.deadLetters
                  + " (id, reason, topic, priority, event_id, client_time_us, received_ms,"
                  + " payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
      insertDerived =
          writer.prepareStatement(
              "INSERT INTO "
                  + schema.derivedEvents
                  + " (id, name, topic, priority, event_id, time_ms, payload)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?)");
    }
  }

  /** Rolls back and closes the writer connection; the next commit opens a new one. */
  private void dropWriter(Throwable cause) {
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
    insertDeadLetter = null;
    insertDerived = null;
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

  /**
   * Names of this backend's tables: events, alerts, windows, dead_letters, derived_events, writer,
   * schema_version.
   */
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
    makeRoom(record.payloadLength());
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
        if (state[0] == owner && state[1] < lastBatch) {
          // Still ours, but the database lost commits (a failover to a replica behind it, a
          // restore): nothing can bring those back, but writing goes on from where it stands.
          LOG.error(
              "sql backend '{}': the database's writer token went back from {} to {}: commits"
                  + " were lost by the database (failover, restore?); writing on",
              name,
              lastBatch,
              state[1]);
          lastBatch = state[1];
          commit();
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
      batch.execute(insertEvent, insertAlert, insertWindow, insertDeadLetter, insertDerived);
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
    } catch (Error e) {
      // Out of memory half way, say: the transaction left open must not be the next attempt's,
      // whose claim would find its own token there and take the batch for committed.
      dropWriter(e);
      throw e;
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
      reader.close();
    }
  }

  @Override
  public List<StoredEvent> readEvents(EventQuery query) throws IOException {
    return reader.readEvents(query);
  }

  @Override
  public List<StoredRecord> readRecords() throws IOException {
    return reader.readRecords();
  }

  @Override
  public boolean keepsEventsAcrossRestarts() {
    return true;
  }

  @Override
  public void replayEventIds(long sinceMillis, EventIdSink sink) throws IOException {
    reader.replayEventIds(sinceMillis, sink);
  }

  @Override
  public void replayEventIds(long sinceMillis, long newest, EventIdSink sink) throws IOException {
    reader.replayEventIds(sinceMillis, newest, sink);
  }

  /** The reader this backend reads through, for tools that also follow the events table. */
  public SqlReader reader() {
    return reader;
  }
}
