package io.eventstreamcore.storage.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.spi.EventQuery;
import io.eventstreamcore.storage.TestEvents;
import io.eventstreamcore.storage.TestEvents.Expected;
import io.eventstreamcore.storage.testing.LoopbackProxy;
import io.eventstreamcore.storage.testing.TestPostgres;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sql backend on the PostgreSQL server at 127.0.0.1:5432, database test; own table prefix. */
class PostgresSqlBackendTest extends SqlBackendContract {
  private final String prefix =
      "t" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE) + "_";

  @BeforeEach
  void needsPostgres() {
    TestPostgres.assumeAvailable();
  }

  @AfterEach
  void drop() throws SQLException {
    dropTables();
  }

  @Override
  String sqlBlock(String extra) {
    return "url = \""
        + TestPostgres.URL
        + "\", user = "
        + TestPostgres.USER
        + ", table-prefix = "
        + prefix
        + ", timeout = 5s, "
        + extra;
  }

  @Override
  Connection connect() throws SQLException {
    return TestPostgres.connect();
  }

  @Override
  String tablePrefix() {
    return prefix;
  }

  @Override
  void createEmptyDatabase() {
    // Database test is there (assumed above); this test's prefix is new.
  }

  @Override
  String plan(String query) throws SQLException {
    return planLines(connect(), "EXPLAIN " + query);
  }

  /** Ends the writer's server session, as a server restart or a network cut would. */
  private int terminateWriter() throws SQLException {
    try (Connection c = connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    + " WHERE application_name = ?")) {
      s.setString(1, "eventstream writer " + prefix);
      int terminated = 0;
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          terminated += r.getBoolean(1) ? 1 : 0;
        }
      }
      return terminated;
    }
  }

  @Test
  void aCommitThatLosesItsConnectionKeepsTheBatchAndTheRetryStoresItOnce() throws Exception {
    List<Expected> events = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      long id = i % 4 == 0 ? 0 : i; // events without id must not be lost or doubled either
      events.add(TestEvents.event("t", Priority.HIGH, id, NOW + i, TestEvents.payload(8, i)));
    }
    try (SqlBackend backend = open()) {
      backend.append(events.get(0).slot());
      backend.commit();
      for (Expected e : events.subList(1, 20)) {
        backend.append(e.slot());
      }
      assertThat(terminateWriter()).isEqualTo(1);

      assertThatThrownBy(backend::commit)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("19 rows failed, kept for the retry");
      backend.commit(); // a new connection, the same batch
      assertThat(read(backend, EventQuery.all())).containsExactlyElementsOf(events);
    }
  }

  /** A backend whose connections go through {@code proxy}, with a timeout of 1 s. */
  private SqlBackend throughProxy(LoopbackProxy proxy) throws IOException {
    return new SqlBackend(
        "sql",
        settings(
            "url = \"jdbc:postgresql://127.0.0.1:"
                + proxy.port()
                // Unnamed statements only, so the proxy sees COMMIT spelled out.
                + "/test?prepareThreshold=0\", timeout = 1s"));
  }

  @Test
  void aWriterSessionCutOffInsideItsTransactionEndsAndTheRetryGetsThrough() throws Exception {
    List<Expected> events = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      events.add(TestEvents.event("t", Priority.LOW, 200 + i, NOW + i, TestEvents.payload(8, i)));
    }
    try (LoopbackProxy proxy =
            LoopbackProxy.start(new InetSocketAddress(TestPostgres.HOST, TestPostgres.PORT));
        SqlBackend backend = throughProxy(proxy)) {
      for (Expected e : events) {
        backend.append(e.slot());
      }
      proxy.partitionAtNextCommit();
      assertThatThrownBy(backend::commit).isInstanceOf(IOException.class);

      // The server still holds the cut-off session, idle in its transaction with the writer row
      // locked, and sees no close. The writer retries as the storage stage would, until the
      // server ends that session (after twice the timeout, as the writer asked).
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (true) {
        try {
          backend.commit();
          break;
        } catch (IOException e) {
          assertThat(System.nanoTime()).as("the retry is still locked out").isLessThan(deadline);
        }
      }
      assertThat(read(backend, EventQuery.all())).containsExactlyElementsOf(events);
    }
  }

  @Test
  void aServiceRestartedWhileACutOffSessionHoldsTheWriterLockWaitsForItAndStarts()
      throws Exception {
    open().close(); // the tables
    Expected event = TestEvents.event("t", Priority.LOW, 300, NOW, TestEvents.payload(8, 1));
    // The old process's session, cut off inside its commit: the server keeps it, and the writer
    // row's lock, until idle_in_transaction_session_timeout ends it, twice the timeout.
    try (Connection cutOff = connect()) {
      cutOff.setAutoCommit(false);
      try (Statement s = cutOff.createStatement()) {
        s.executeUpdate("UPDATE " + prefix + "writer SET owner = owner WHERE id = 1");
      }
      CompletableFuture<Void> ended =
          CompletableFuture.runAsync(
              () -> rollbackQuietly(cutOff),
              CompletableFuture.delayedExecutor(2, TimeUnit.SECONDS));

      // Before, the restarted service's start failed after one timeout.
      try (SqlBackend restarted = new SqlBackend("sql", settings("timeout = 1s"))) {
        restarted.append(event.slot());
        restarted.commit();
        assertThat(read(restarted, EventQuery.all())).containsExactly(event);
      }
      ended.get();
    }
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aDatabaseWhoseEncodingCannotHoldEveryTopicIsRefusedAtStart() throws Exception {
    String database = prefix + "latin1";
    try (Connection admin = connect();
        Statement s = admin.createStatement()) {
      s.execute(
          "CREATE DATABASE "
              + database
              + " ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0");
    }
    try {
      String url = "jdbc:postgresql://" + TestPostgres.HOST + ":" + TestPostgres.PORT + "/";
      assertThatThrownBy(() -> open("url = \"" + url + database + "\""))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("encoding is LATIN1");
    } finally {
      try (Connection admin = connect();
          Statement s = admin.createStatement()) {
        s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
      }
    }
  }

  @Test
  void aUrlThatSetsOptionsOrATimeoutTakesNeitherDurabilityNorTheBoundAway() throws Exception {
    String url =
        TestPostgres.URL
            + "?options=-c%20search_path%3Dpublic%20-c%20synchronous_commit%3Doff&socketTimeout=0";
    SqlSettings settings = settings("url = \"" + url + "\"");
    try (Connection c =
        DriverManager.getConnection(
            url, SqlDialect.POSTGRESQL.connectionProperties(settings, "writer", true))) {
      assertThat(show(c, "synchronous_commit"))
          .as("the URL's, over the properties")
          .isEqualTo("off");

      SqlDialect.POSTGRESQL.enforceWriterSettings(c, settings);

      assertThat(show(c, "synchronous_commit")).isEqualTo("on");
      try (Statement s = c.createStatement();
          ResultSet r =
              s.executeQuery(
                  "SELECT setting FROM pg_settings"
                      + " WHERE name = 'idle_in_transaction_session_timeout'")) {
        assertThat(r.next()).isTrue();
        assertThat(r.getLong(1)).as("ms").isEqualTo(2 * settings.timeoutMillis());
      }
      assertThat(show(c, "search_path")).as("the user's own option").isEqualTo("public");
      assertThat(c.getNetworkTimeout()).isEqualTo((int) settings.timeoutMillis());
    }
    try (SqlBackend backend = open("url = \"" + url + "\"")) {
      backend.append(TestEvents.event("t", Priority.LOW, 1, NOW, TestEvents.payload(8, 1)).slot());
      backend.commit();
      assertThat(backend.readEvents()).hasSize(1);
    }
  }

  private static String show(Connection c, String setting) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SHOW " + setting)) {
      assertThat(r.next()).isTrue();
      return r.getString(1);
    }
  }

  @Test
  void theWriterAsksForDurableCommitsWhateverTheServersDefault() throws Exception {
    String role = prefix + "lax";
    try (Connection admin = connect();
        Statement s = admin.createStatement()) {
      s.execute("CREATE ROLE " + role + " LOGIN");
      s.execute("ALTER ROLE " + role + " SET synchronous_commit = off");
    }
    try (Connection c =
            DriverManager.getConnection(
                TestPostgres.URL,
                SqlDialect.POSTGRESQL.connectionProperties(
                    settings("user = " + role), "writer", true));
        ResultSet r = c.createStatement().executeQuery("SHOW synchronous_commit")) {
      assertThat(r.next()).isTrue();
      assertThat(r.getString(1)).isEqualTo("on");
    } finally {
      try (Connection admin = connect();
          Statement s = admin.createStatement()) {
        s.execute("DROP ROLE " + role);
      }
    }
  }

  @Test
  void aCommitWhoseReplyIsLostIsRecognisedOnTheRetryAndNotWrittenTwice() throws Exception {
    List<Expected> events = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      long id = i % 2 == 0 ? 0 : 100 + i; // without an id only the token prevents doubles
      events.add(TestEvents.event("t", Priority.LOW, id, NOW + i, TestEvents.payload(8, i)));
    }
    try (LoopbackProxy proxy =
            LoopbackProxy.start(new InetSocketAddress(TestPostgres.HOST, TestPostgres.PORT));
        SqlBackend backend = throughProxy(proxy)) {
      for (Expected e : events) {
        backend.append(e.slot());
      }
      proxy.loseNextCommitReply();
      assertThatThrownBy(backend::commit)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("10 rows failed, kept for the retry");
      assertThat(count("SELECT count(*) FROM " + prefix + "events"))
          .as("the server did commit; only its reply was lost")
          .isEqualTo(10);

      backend.commit(); // a new connection finds the batch's token already committed
      assertThat(read(backend, EventQuery.all())).containsExactlyElementsOf(events);
      Expected later = TestEvents.event("t", Priority.LOW, 0, NOW, TestEvents.payload(1, 1));
      backend.append(later.slot());
      backend.commit();
      assertThat(read(backend, EventQuery.all())).hasSize(11).endsWith(later);
    }
  }
}
