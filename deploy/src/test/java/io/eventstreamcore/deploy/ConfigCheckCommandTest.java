package io.eventstreamcore.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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
