package io.eventstreamcore.storage.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.eventstreamcore.engine.spi.StorageBackend;
import io.eventstreamcore.storage.StorageBackends;
import io.eventstreamcore.storage.config.StorageSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqlSettingsTest {

  private static Config with(String overrides) {
    return ConfigFactory.parseString(overrides)
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }

  private static Config sql(String block) {
    return with("eventstream.storage { backends = [sql], sql { " + block + " } }");
  }

  @Test
  void theLargestPayloadSqliteIsAllowedIsOneItsDriverHolds() throws Exception {
    // zeroblob(n) is refused above the length limit without the bytes being allocated; payloads
    // over it failed every commit, storage down for good.
    try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:");
        Statement s = c.createStatement()) {
      int largest = SqlSettings.SQLITE_LIMITS.maxPayloadBytes();
      try (ResultSet r = s.executeQuery("SELECT length(zeroblob(" + largest + "))")) {
        assertThat(r.next()).isTrue();
        assertThat(r.getLong(1)).isEqualTo(largest);
      }
      assertThatThrownBy(
              () -> s.executeQuery("SELECT zeroblob(" + (SqlSettings.SQLITE_MAX_LENGTH + 1) + ")"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("too big");
    }
  }

  @Test
  void theSqlBlockIsOnlyCheckedWhenSqlIsConfigured() {
    StorageSettings settings = new StorageSettings(with("eventstream.storage.sql.url = \"\""));
    assertThat(settings.backends()).containsExactly("file");
    assertThatThrownBy(settings::sql).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aMissingUrlIsNamedWithTheKeyAndTheWayToSetIt() {
    assertThatThrownBy(() -> new StorageSettings(sql("url = \"\"")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("eventstream.storage.sql.url")
        .hasMessageContaining("jdbc:postgresql:")
        .hasMessageContaining("EVENTSTREAM_SQL_URL");
  }

  @Test
  void aUrlOfAnotherDatabaseIsNamedWithTheKeyAndValue() {
    assertThatThrownBy(() -> new StorageSettings(sql("url = \"jdbc:mysql://localhost/db\"")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("eventstream.storage.sql.url")
        .hasMessageContaining("jdbc:mysql://localhost/db")
        .hasMessageContaining("jdbc:sqlite:");
  }

  @Test
  void anInMemorySqliteDatabaseIsRefused() {
    assertThatThrownBy(() -> new StorageSettings(sql("url = \"jdbc:sqlite::memory:\"")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("eventstream.storage.sql.url")
        .hasMessageContaining("in-memory");
  }

  @Test
  void badValuesAreNamedWithTheirKey() {
    String url = "url = \"jdbc:sqlite:x.db\", ";
    assertThatThrownBy(() -> new SqlSettings(sql(url + "table-prefix = \"drop table;\"")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("eventstream.storage.sql.table-prefix")
        .hasMessageContaining("drop table;");
    assertThatThrownBy(() -> new SqlSettings(sql(url + "read-pool-size = 0")))
        .hasMessageContaining("eventstream.storage.sql.read-pool-size");
    assertThatThrownBy(() -> new SqlSettings(sql(url + "batch-rows = -1")))
        .hasMessageContaining("eventstream.storage.sql.batch-rows");
    assertThatThrownBy(() -> new SqlSettings(sql(url + "batch-bytes = 0")))
        .hasMessageContaining("eventstream.storage.sql.batch-bytes");
    assertThatThrownBy(() -> new SqlSettings(sql(url + "timeout = 10ms")))
        .hasMessageContaining("eventstream.storage.sql.timeout");
  }

  @Test
  void defaultsAndDialectComeFromTheReferenceAndTheUrl() {
    SqlSettings settings =
        new SqlSettings(sql("url = \"jdbc:postgresql://127.0.0.1:5432/test?password=secret\""));
    assertThat(settings.dialect()).isEqualTo(SqlDialect.POSTGRESQL);
    assertThat(settings.tablePrefix()).isEqualTo("eventstream_");
    assertThat(settings.readPoolSize()).isEqualTo(2);
    assertThat(settings.batchRows()).isEqualTo(4096);
    assertThat(settings.batchBytes()).isEqualTo(4 * 1024 * 1024);
    assertThat(settings.timeoutMillis()).isEqualTo(30_000);
    assertThat(settings.durable()).isTrue();
    assertThat(settings.toString()).doesNotContain("secret");
    assertThat(new SqlSettings(sql("url = \"jdbc:sqlite:data/e.db\"")).dialect())
        .isEqualTo(SqlDialect.SQLITE);
  }

  @Test
  void storageBackendsOpensTheSqlBackend(@TempDir Path dir) throws IOException {
    String url = "jdbc:sqlite:" + dir.resolve("e.db").toString().replace('\\', '/');
    List<StorageBackend> backends =
        StorageBackends.open(new StorageSettings(sql("url = \"" + url + "\"")));
    try {
      assertThat(backends).hasSize(1);
      assertThat(backends.get(0)).isInstanceOf(SqlBackend.class);
      assertThat(backends.get(0).name()).isEqualTo("sql");
      assertThat(backends.get(0).durable()).isTrue();
    } finally {
      backends.get(0).close();
    }
  }
}
