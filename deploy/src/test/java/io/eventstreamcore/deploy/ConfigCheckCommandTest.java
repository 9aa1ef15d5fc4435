package io.eventstreamcore.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code eventstream config check}, run as the command line runs it. */
class ConfigCheckCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.commandLine()
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute(args);
  }

  @Test
  void aValidFilePrintsTheEffectiveConfigurationAsJson(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("service.conf");
    Files.writeString(
        file, "eventstream.ring.size = 1024\neventstream.storage.backends = [memory]\n");

    assertThat(run("config", "check", "--json", "-c", file.toString())).isZero();

    JsonNode effective = new ObjectMapper().readTree(out.toString());
    assertThat(effective.at("/eventstream/ring/size").asInt()).isEqualTo(1024);
    assertThat(effective.at("/eventstream/storage/backends/0").asText()).isEqualTo("memory");
    // Defaults the file does not set are part of the effective configuration.
    assertThat(effective.at("/eventstream/ingest/port").asInt()).isEqualTo(9000);
    assertThat(err.toString()).contains("valid: " + file);
  }

  @Test
  void secretsArePrintedHidden(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("service.conf");
    Files.writeString(
        file,
        "eventstream.storage.backends = [file, sql, kafka]\n"
            + "eventstream.storage.file.directory = \""
            + dir.toString().replace("\\", "/")
            + "/data\"\n"
            + "eventstream.storage.sql {\n"
            + "  url = \"jdbc:postgresql://db/events?user=app&password=url-secret&ssl=true\"\n"
            + "  password = sql-secret\n"
            + "}\n"
            + "eventstream.storage.kafka {\n"
            + "  bootstrap-servers = \"kafka:9092\"\n"
            + "  producer {\n"
            + "    \"sasl.jaas.config\" = \"PlainLoginModule password=jaas-secret;\"\n"
            + "    \"ssl.keystore.key\" = \"-----BEGIN PRIVATE KEY----- pem-secret\"\n"
            + "  }\n"
            + "}\n");

    assertThat(run("config", "check", "--json", "-c", file.toString())).isZero();

    assertThat(out.toString())
        .doesNotContain("url-secret", "sql-secret", "jaas-secret", "pem-secret");
    JsonNode effective = new ObjectMapper().readTree(out.toString());
    assertThat(effective.at("/eventstream/storage/sql/password").asText()).isEqualTo("[hidden]");
    assertThat(effective.at("/eventstream/storage/sql/url").asText())
        .isEqualTo("jdbc:postgresql://db/events?user=app&password=[hidden]&ssl=true");
    assertThat(effective.at("/eventstream/storage/kafka/producer/sasl.jaas.config").asText())
        .isEqualTo("[hidden]");
    // What is not secret is printed as is.
    assertThat(effective.at("/eventstream/storage/kafka/bootstrap-servers").asText())
        .isEqualTo("kafka:9092");
  }

  @Test
  void aFileRetentionShorterThanTheDedupWindowIsRefused(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("short.conf");
    String directory =
        "eventstream.storage.file.directory = \"" + dir.toString().replace("\\", "/") + "/data\"\n";
    Files.writeString(
        file,
        directory
            + "eventstream.dedup.window = 1h\neventstream.storage.file.retention-age = 10m\n");

    assertThat(run("config", "check", "-c", file.toString())).isEqualTo(Main.EXIT_CONFIG);
    assertThat(err.toString())
        .contains("eventstream.storage.file.retention-age", "eventstream.dedup.window");

    // Either way out is valid.
    Files.writeString(
        file,
        directory + "eventstream.dedup.window = 1h\neventstream.storage.file.retention-age = 2h\n");
    assertThat(run("config", "check", "-q", "-c", file.toString())).isZero();
    Files.writeString(
        file,
        directory
            + "eventstream.dedup { window = 1h, rebuild = false }\n"
            + "eventstream.storage.file.retention-age = 10m\n");
    assertThat(run("config", "check", "-q", "-c", file.toString())).isZero();
  }

  @Test
  void theShippedApplicationConfIsValid() {
    assertThat(run("config", "check", "-q", "-c", "../application.conf")).isZero();
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void aBadValueIsOneLineNamingTheKeyAndExitsTwo(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.conf");
    Files.writeString(file, "eventstream.ring.size = 1000\n");

    assertThat(run("config", "check", "-c", file.toString())).isEqualTo(Main.EXIT_CONFIG);

    assertThat(err.toString().strip())
        .startsWith("configuration error:")
        .contains("eventstream.ring.size", "1000")
        .doesNotContain("\n", "Exception");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void aMisspeltKeyIsRefusedWithTheNearestSetting(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("typo.conf");
    // Ignored, it would leave sync at its default: never.
    Files.writeString(file, "eventstream.storage.file {\n  snyc = always\n}\n");

    assertThat(run("config", "check", "-c", file.toString())).isEqualTo(Main.EXIT_CONFIG);

    assertThat(err.toString().strip())
        .startsWith("configuration error:")
        .contains("typo.conf: 2", "eventstream.storage.file.snyc")
        .contains("did you mean eventstream.storage.file.sync?")
        .doesNotContain("\n");
  }

  @Test
  void aMisspeltKeyGivenAsASystemPropertyIsRefusedToo(@TempDir Path dir) throws Exception {
    assertThat(checkWithSystemProperty(dir, "eventstream.storage.file.snyc", "always", "-c"))
        .isEqualTo(Main.EXIT_CONFIG);

    assertThat(err.toString().strip())
        .startsWith("configuration error:")
        .contains("eventstream.storage.file.snyc")
        .contains("did you mean eventstream.storage.file.sync?");
  }

  @Test
  void aListGivenItemByItemAsSystemPropertiesIsKnown(@TempDir Path dir) throws Exception {
    // The only way to set a list with -D, as bench/scripts/report.sh does.
    assertThat(checkWithSystemProperty(dir, "eventstream.storage.backends.0", "memory", "-q", "-c"))
        .as(err.toString())
        .isZero();
  }

  /**
   * Runs {@code config check} with {@code options} on a plain file, with {@code key} set as a
   * system property (as -D in EVENTSTREAM_OPTS sets it) for the run only; returns the exit status.
   */
  private int checkWithSystemProperty(Path dir, String key, String value, String... options)
      throws Exception {
    Path file = dir.resolve("plain.conf");
    Files.writeString(file, "eventstream.ring.size = 1024\n");
    System.setProperty(key, value);
    ConfigFactory.invalidateCaches(); // Typesafe Config caches the system properties it read
    try {
      List<String> args = new ArrayList<>(List.of("config", "check"));
      args.addAll(List.of(options));
      args.add(file.toString());
      return run(args.toArray(String[]::new));
    } finally {
      System.clearProperty(key);
      ConfigFactory.invalidateCaches();
    }
  }

  @Test
  void aValueOfTheWrongTypeIsNamedWithItsWholeKey(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("types.conf");
    assertThat(refused(file, "eventstream.ingest.port = abc"))
        .contains("types.conf: 1", "eventstream.ingest.port", "must be a number", "abc");
    assertThat(refused(file, "eventstream.ring.tick-interval = soon"))
        .contains("eventstream.ring.tick-interval", "a duration such as 100ms", "soon");
    assertThat(refused(file, "eventstream.storage.memory.max-bytes = lots"))
        .contains("eventstream.storage.memory.max-bytes", "a size", "lots");
    assertThat(refused(file, "eventstream.admin.enabled = maybe"))
        .contains("eventstream.admin.enabled", "true or false", "maybe");

    // Sizes and durations where the default is a plain number, numbers given as strings (as -D
    // gives every value): all read as their settings do.
    Files.writeString(
        file,
        "eventstream.storage.file.retention-bytes = 1GiB\n"
            + "eventstream.ring.size = \"1024\"\n"
            + "eventstream.storage.backends = [memory]\n");
    err.getBuffer().setLength(0);
    assertThat(run("config", "check", "-q", "-c", file.toString())).isZero();
  }

  /** Checks {@code conf} written to {@code file}, which must be refused; returns what was said. */
  private String refused(Path file, String conf) throws Exception {
    Files.writeString(file, conf + "\n");
    err.getBuffer().setLength(0);
    assertThat(run("config", "check", "-c", file.toString())).isEqualTo(Main.EXIT_CONFIG);
    return err.toString();
  }

  @Test
  void keysOfTheUsersOwnAreNotChecked(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("own.conf");
    Files.writeString(
        file,
        "eventstream.topics.priorities { \"orders/eu\" = HIGH }\n"
            + "eventstream.storage.kafka.producer { \"max.request.size\" = 2097152 }\n");

    assertThat(run("config", "check", "-q", "-c", file.toString())).as(err.toString()).isZero();
  }

  @Test
  void aMissingFileOrBrokenSyntaxIsAConfigurationError(@TempDir Path dir) throws Exception {
    assertThat(run("config", "check", "-c", dir.resolve("none.conf").toString()))
        .isEqualTo(Main.EXIT_CONFIG);
    assertThat(err.toString()).contains("no such file");

    Path broken = dir.resolve("broken.conf");
    Files.writeString(broken, "eventstream { ring.size = \n");
    assertThat(run("config", "check", "-c", broken.toString())).isEqualTo(Main.EXIT_CONFIG);
  }

  @Test
  void crossModuleRulesAreCheckedAsAtStart(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("small.conf");
    Files.writeString(
        file,
        "eventstream.storage.backends = [memory]\n"
            + "eventstream.storage.memory.max-bytes = 1KiB\n"
            + "eventstream.ingest.max-frame-bytes = 64KiB\n");
    assertThat(run("config", "check", "-c", file.toString())).isEqualTo(Main.EXIT_CONFIG);
    assertThat(err.toString()).contains("eventstream.storage.memory.max-bytes");
  }

  @Test
  void handlerClassesAreLoadedAsAtStart(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("handlers.conf");
    Files.writeString(
        file, "eventstream.processors.batch.handlers = [{ class = com.example.NotThere }]\n");
    assertThat(run("config", "check", "-c", file.toString())).isEqualTo(Main.EXIT_CONFIG);
    assertThat(err.toString())
        .contains("eventstream.processors.batch.handlers[0].class", "com.example.NotThere");
  }
}
