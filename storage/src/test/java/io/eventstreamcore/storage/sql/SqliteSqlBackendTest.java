package io.eventstreamcore.storage.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sql backend on an embedded SQLite file. */
class SqliteSqlBackendTest extends SqlBackendContract {
  @TempDir Path dir;

  private String url() {
    return "jdbc:sqlite:" + dir.resolve("sub/dir/events.db").toString().replace('\\', '/');
  }

  @Override
  String sqlBlock(String extra) {
    return "url = \"" + url() + "\", table-prefix = \"t_\", " + extra;
  }

  @Override
  Connection connect() throws SQLException {
    return DriverManager.getConnection(url());
  }

  @Override
  String tablePrefix() {
    return "t_";
  }

  @Override
  void createEmptyDatabase() throws Exception {
    Files.createDirectories(dir.resolve("sub/dir"));
    connect().close(); // creates the file
  }

  @Override
  String plan(String query) throws SQLException {
    return planLines(connect(), "EXPLAIN QUERY PLAN " + query);
  }

  @Test
  void aReaderRefusesAMissingDatabaseFileAndDoesNotCreateIt() {
    assertThatThrownBy(() -> SqlReader.open(settings("")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("no SQLite database file")
        .hasMessageContaining("events.db");
    assertThat(dir.resolve("sub/dir/events.db")).doesNotExist();
  }
}
