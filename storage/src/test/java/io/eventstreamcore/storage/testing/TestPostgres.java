package io.eventstreamcore.storage.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Assumptions;

/**
 * The PostgreSQL server tests use: 127.0.0.1:5432, database {@code test}, user {@code postgres},
 * trust authentication. Tests skip when it is not there, unless {@code
 * EVENTSTREAM_REQUIRE_POSTGRES=1} (CI), where they fail.
 */
public final class TestPostgres {
  /** The server's address. */
  public static final String HOST = "127.0.0.1";

  /** The server's port. */
  public static final int PORT = 5432;

  /** JDBC URL of database {@code test}. */
  public static final String URL = "jdbc:postgresql://" + HOST + ":" + PORT + "/test";

  /** The user tests connect as. */
  public static final String USER = "postgres";

  private TestPostgres() {}

  /** A direct connection to database test, auto-commit on. */
  public static Connection connect() throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", USER);
    p.setProperty("connectTimeout", "5");
    return DriverManager.getConnection(URL, p);
  }

  /** Drops every table of a table prefix that a service created, where they exist. */
  public static void dropTables(String prefix) throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      for (String table :
          List.of(
              "events",
              "alerts",
              "windows",
              "dead_letters",
              "derived_events",
              "writer",
              "schema_version")) {
        s.execute("DROP TABLE IF EXISTS " + prefix + table);
      }
    }
  }

  /** Skips (or, when required, fails) the calling test when the server cannot be reached. */
  public static void assumeAvailable() {
    try (Connection c = connect()) {
      c.isValid(5);
    } catch (SQLException e) {
      String message =
          "PostgreSQL is not reachable at 127.0.0.1:5432 database test, user postgres ("
              + e.getMessage()
              + "). Start one with trust authentication to run this test;"
              + " EVENTSTREAM_REQUIRE_POSTGRES=1 makes it fail instead of skip.";
      if ("1".equals(System.getenv("EVENTSTREAM_REQUIRE_POSTGRES"))) {
        fail(message);
      }
      Assumptions.abort(message);
    }
  }
}
