package io.eventstreamcore.storage.sql;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The tables of one table prefix and their versioned migrations. {@code <prefix>schema_version}
 * holds one row per applied version; migrations are ordered lists of statements, version {@code n}
 * at index {@code n - 1}, applied in one transaction with the version row, so a schema is never
 * half migrated. A schema newer than this build knows is refused: its meaning is unknown.
 *
 * <pre>
 *   events   id (insertion order), topic, priority, route, event_id, client_time_us, received_ms,
 *            payload; unique event_id where it is not 0, index on (topic, received_ms)
 *   alerts   id (writer-assigned, shared order with windows), topic, rule, severity, time_ms,
 *            event_id, value
 *   windows  id, topic, start_ms, end_ms, event_count, payload_bytes, min_event_id, max_event_id,
 *            and from version 3 min_payload_bytes, max_payload_bytes, first_ms, last_ms,
 *            aggregate_name ('' for none), aggregate_value (rows of earlier versions: 0 and '');
 *            the mean payload size is payload_bytes / event_count, left to queries
 *   dead_letters (version 2) id (same order as alerts and windows), reason, topic, priority,
 *            event_id, client_time_us, received_ms, payload; index on (reason, received_ms)
 *   derived_events (version 4) id (same order as the other records), name, topic, priority,
 *            event_id (of the source event, 0 for none), time_ms, payload; index on
 *            (name, time_ms)
 *   and, whatever the version, an index on events (received_ms, id) for the dedup rebuild,
 *   created at start when missing: builds of any version read and write the tables with it
 *   writer   one row: the owning writer and the token of its last committed batch
 * </pre>
 */
final class SqlSchema {
  /** The newest schema version this build knows. */
  static final int VERSION = 4;

  final String events;
  final String alerts;
  final String windows;
  final String deadLetters;
  final String derivedEvents;
  final String writer;
  final String versions;
  private final String prefix;
  private final SqlDialect dialect;

  SqlSchema(String prefix, SqlDialect dialect) {
    this.prefix = prefix;
    this.dialect = dialect;
    this.events = prefix + "events";
    this.alerts = prefix + "alerts";
    this.windows = prefix + "windows";
    this.deadLetters = prefix + "dead_letters";
    this.derivedEvents = prefix + "derived_events";
    this.writer = prefix + "writer";
    this.versions = prefix + "schema_version";
  }

  /** Every table of this prefix, for tools and tests that drop them. */
  List<String> tables() {
    return List.of(events, alerts, windows, deadLetters, derivedEvents, writer, versions);
  }

  private List<List<String>> migrations() {
    return List.of(
        List.of(
            "CREATE TABLE "
                + events
                + " (id "
                + dialect.identityColumn()
                + ", topic text NOT NULL, priority text NOT NULL, route text NOT NULL,"
                + " event_id bigint NOT NULL, client_time_us bigint NOT NULL,"
                + " received_ms bigint NOT NULL, payload "
                + dialect.bytesType()
                + " NOT NULL)",
            "CREATE INDEX " + events + "_topic_received ON " + events + " (topic, received_ms)",
            // Partial: event id 0 means "no id", and such events are all kept.
            "CREATE UNIQUE INDEX "
                + events
                + "_event_id ON "
                + events
                + " (event_id) WHERE event_id <> 0",
            "CREATE TABLE "
                + alerts
                + " (id bigint PRIMARY KEY, topic text NOT NULL, rule text NOT NULL,"
                + " severity text NOT NULL, time_ms bigint NOT NULL, event_id bigint NOT NULL,"
                + " value double precision NOT NULL)",
            "CREATE INDEX " + alerts + "_topic_time ON " + alerts + " (topic, time_ms)",
            "CREATE TABLE "
                + windows
                + " (id bigint PRIMARY KEY, topic text NOT NULL, start_ms bigint NOT NULL,"
                + " end_ms bigint NOT NULL, event_count bigint NOT NULL,"
                + " payload_bytes bigint NOT NULL, min_event_id bigint NOT NULL,"
                + " max_event_id bigint NOT NULL)",
            "CREATE INDEX " + windows + "_topic_start ON " + windows + " (topic, start_ms)",
            "CREATE TABLE "
                + writer
                + " (id integer PRIMARY KEY, owner bigint NOT NULL, last_batch bigint NOT NULL)",
            "INSERT INTO " + writer + " (id, owner, last_batch) VALUES (1, 0, 0)"),
        List.of(
            "CREATE TABLE "
                + deadLetters
                + " (id bigint PRIMARY KEY, reason text NOT NULL, topic text NOT NULL,"
                + " priority text NOT NULL, event_id bigint NOT NULL,"
                + " client_time_us bigint NOT NULL, received_ms bigint NOT NULL, payload "
                + dialect.bytesType()
                + " NOT NULL)",
            "CREATE INDEX "
                + deadLetters
                + "_reason_received ON "
                + deadLetters
                + " (reason, received_ms)"),
        List.of(
            // One column per statement: SQLite adds one per ALTER TABLE. Defaults fill the rows
            // earlier versions wrote.
            "ALTER TABLE " + windows + " ADD COLUMN min_payload_bytes bigint NOT NULL DEFAULT 0",
            "ALTER TABLE " + windows + " ADD COLUMN max_payload_bytes bigint NOT NULL DEFAULT 0",
            "ALTER TABLE " + windows + " ADD COLUMN first_ms bigint NOT NULL DEFAULT 0",
            "ALTER TABLE " + windows + " ADD COLUMN last_ms bigint NOT NULL DEFAULT 0",
            "ALTER TABLE " + windows + " ADD COLUMN aggregate_name text NOT NULL DEFAULT ''",
            "ALTER TABLE "
                + windows
                + " ADD COLUMN aggregate_value double precision NOT NULL DEFAULT 0"),
        List.of(
            "CREATE TABLE "
                + derivedEvents
                + " (id bigint PRIMARY KEY, name text NOT NULL, topic text NOT NULL,"
                + " priority text NOT NULL, event_id bigint NOT NULL, time_ms bigint NOT NULL,"
                + " payload "
                + dialect.bytesType()
                + " NOT NULL)",
            "CREATE INDEX "
                + derivedEvents
                + "_name_time ON "
                + derivedEvents
                + " (name, time_ms)"));
  }

  /**
   * Brings the schema to {@link #VERSION} on {@code c}, in one transaction; leaves auto-commit on.
   *
   * @return the version found before migrating, 0 for a new schema
   * @throws IOException when the schema is newer than this build knows
   */
  int migrate(Connection c) throws SQLException, IOException {
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      String lock = dialect.migrationLock(prefix);
      if (lock != null) {
        s.execute(lock);
      }
      s.execute("CREATE TABLE IF NOT EXISTS " + versions + " (version integer PRIMARY KEY)");
      int found;
      try (ResultSet r = s.executeQuery("SELECT max(version) FROM " + versions)) {
        r.next();
        found = r.getInt(1);
      }
      if (found > VERSION) {
        c.rollback();
        throw new IOException(
            "SQL schema with table prefix '"
                + prefix
                + "' is at version "
                + found
                + ", newer than this build knows ("
                + VERSION
                + "); refusing to start: upgrade EventStreamCore or set"
                + " eventstream.storage.sql.table-prefix to another prefix");
      }
      List<List<String>> migrations = migrations();
      for (int version = found + 1; version <= VERSION; version++) {
        for (String statement : migrations.get(version - 1)) {
          s.execute(statement);
        }
        s.execute("INSERT INTO " + versions + " (version) VALUES (" + version + ")");
      }
      // The dedup rebuild reads the window's rows along it, not the whole table. Not a version of
      // its own: a build that does not know it reads and writes the tables all the same.
      s.execute(
          "CREATE INDEX IF NOT EXISTS " + events + "_received ON " + events + " (received_ms, id)");
      c.commit();
      c.setAutoCommit(true);
      return found;
    } catch (SQLException | IOException | RuntimeException e) {
      rollbackQuietly(c, e);
      throw e;
    }
  }

  static void rollbackQuietly(Connection c, Throwable cause) {
    try {
      if (!c.isClosed() && !c.getAutoCommit()) {
        c.rollback();
      }
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }
}
