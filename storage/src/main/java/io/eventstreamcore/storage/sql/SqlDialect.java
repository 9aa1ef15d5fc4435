package io.eventstreamcore.storage.sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * The SQL that differs between the databases the sql backend supports, chosen from the JDBC URL.
 * Everything else (inserts with {@code ON CONFLICT ... DO NOTHING} on a partial unique index,
 * queries, {@code LIMIT ?}) is written once for both.
 */
enum SqlDialect {
  /** A PostgreSQL server. */
  POSTGRESQL("jdbc:postgresql:", "bigserial PRIMARY KEY", "bytea"),
  /** An embedded SQLite database file. */
  SQLITE("jdbc:sqlite:", "INTEGER PRIMARY KEY", "BLOB");

  private final String urlPrefix;
  private final String identityColumn;
  private final String bytesType;

  SqlDialect(String urlPrefix, String identityColumn, String bytesType) {
    this.urlPrefix = urlPrefix;
    this.identityColumn = identityColumn;
    this.bytesType = bytesType;
  }

  /** The dialect of a JDBC URL, or null when it names neither database. */
  static SqlDialect of(String url) {
    for (SqlDialect dialect : values()) {
      if (url.startsWith(dialect.urlPrefix)) {
        return dialect;
      }
    }
    return null;
  }

  String urlPrefix() {
    return urlPrefix;
  }

  /** Column type of an id the database assigns in insertion order. */
  String identityColumn() {
    return identityColumn;
  }

  /** Column type of a byte string. */
  String bytesType() {
    return bytesType;
  }

  /**
   * A statement that serializes schema migrations of one table prefix between services starting at
   * once, held until the transaction ends; null when the database needs none (SQLite writer
   * transactions are {@code IMMEDIATE}, so they already exclude each other).
   */
  String migrationLock(String tablePrefix) {
    return this == POSTGRESQL
        ? "SELECT pg_advisory_xact_lock(hashtext('eventstream-schema " + tablePrefix + "'))"
        : null;
  }

  /**
   * Sets again, on a new PostgreSQL writer connection, what makes its commits durable and its calls
   * bounded: the driver lets a URL parameter override a property given with it, so a URL that sets
   * {@code options} (a {@code search_path}, say) or {@code socketTimeout} would otherwise drop what
   * {@link #connectionProperties} asked for, and an ACK could precede the commit's flush to disk.
   * (The SQLite driver lets the properties win.)
   */
  void enforceWriterSettings(Connection writer, SqlSettings settings) throws SQLException {
    if (this != POSTGRESQL) {
      return;
    }
    try (Statement s = writer.createStatement()) {
      s.execute("SET synchronous_commit = on");
      s.execute("SET idle_in_transaction_session_timeout = " + 2 * settings.timeoutMillis());
    }
    writer.setNetworkTimeout(Runnable::run, (int) settings.timeoutMillis());
  }

  /** Driver properties of a connection; {@code role} names it where the server shows names. */
  Properties connectionProperties(SqlSettings settings, String role, boolean writer) {
    Properties p = new Properties();
    int timeoutSeconds = (int) Math.max(1, settings.timeoutMillis() / 1000);
    if (this == POSTGRESQL) {
      if (!settings.user().isEmpty()) {
        p.setProperty("user", settings.user());
      }
      if (!settings.password().isEmpty()) {
        p.setProperty("password", settings.password());
      }
      p.setProperty("ApplicationName", "eventstream " + role + " " + settings.tablePrefix());
      p.setProperty("connectTimeout", Integer.toString(timeoutSeconds));
      p.setProperty("loginTimeout", Integer.toString(timeoutSeconds));
      // A server that vanishes without closing the socket would otherwise block the writer
      // forever: after this long the call fails and the batch is retried on a new connection.
      p.setProperty("socketTimeout", Integer.toString(timeoutSeconds));
      p.setProperty("tcpKeepAlive", "true");
      // One multi-row INSERT per up to 128 rows instead of a round trip per row.
      p.setProperty("reWriteBatchedInserts", "true");
      if (writer) {
        // A commit is durable when it returns, whatever the server's default: an ACK waits for
        // it. And a writer session the client gave up on (socketTimeout) while a transaction
        // was open, which the server may not see closed for hours, ends after twice the timeout:
        // until then it holds the writer row's lock, and every retry, or a restarted service,
        // waits on it.
        p.setProperty(
            "options",
            "-c synchronous_commit=on -c idle_in_transaction_session_timeout="
                + 2 * settings.timeoutMillis());
      }
    } else {
      p.setProperty("busy_timeout", Long.toString(settings.timeoutMillis()));
      if (writer) {
        // WAL: readers and the writer do not block each other. FULL: a commit is on disk when it
        // returns (NORMAL would lose the last commits on power loss), as durable = true promises.
        // The journal mode is kept in the file, so readers need not set it, and must not: a
        // reader changes nothing in the file it reads.
        p.setProperty("journal_mode", "WAL");
        p.setProperty("synchronous", "FULL");
        // Take the write lock at BEGIN, not at the first write: no lock upgrade that can fail.
        p.setProperty("transaction_mode", "IMMEDIATE");
      }
    }
    return p;
  }
}
