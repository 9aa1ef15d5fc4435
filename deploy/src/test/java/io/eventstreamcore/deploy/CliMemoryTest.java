package io.eventstreamcore.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.ingest.client.EventStreamClient;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI reads stores larger than its heap: SQL tables and a file log each holding 38 MB of
 * payloads, in a JVM of 32 MB.
 */
class CliMemoryTest {
  private static final int EVENTS = 300;
  private static final int PAYLOAD_BYTES = 128 * 1024;

  @TempDir Path dir;

  @Test
  void inspectOfTheSqlTablesPagesThroughThemInASmallHeap() throws Exception {
    Path conf = sqliteConf("");
    store(Files.readString(conf), new byte[PAYLOAD_BYTES]);

    assertThat(runIn32MegaBytes("inspect", "--backend", "sql", "-c", conf.toString()))
        .endsWith(EVENTS + " event(s)\n");
  }

  @Test
  void deadLettersListStreamsThemInASmallHeap() throws Exception {
    String config =
        "eventstream.storage.backends = [file]\n"
            + TestConfigs.fileDirectory(dir)
            + "eventstream.processors.transactional.handlers = [\n"
            + "  { class = \"io.eventstreamcore.deploy.DeadLetterHandler\", name = refuser }]\n";
    byte[] refused = new byte[PAYLOAD_BYTES];
    refused[0] = 'X'; // the handler dead-letters these
    store(config, refused);

    assertThat(runIn32MegaBytes("dead-letters", "list", "-d", dir.toString()))
        .endsWith(EVENTS + " dead letter(s)\n");
  }

  @Test
  void theSqlTablesRecordsAreReadInPagesInASmallHeap() throws Exception {
    Path conf =
        sqliteConf(
            "eventstream.processors.transactional.handlers = [\n"
                + "  { class = \"io.eventstreamcore.deploy.DeadLetterHandler\", name = refuser }]\n");
    byte[] refused = new byte[PAYLOAD_BYTES];
    refused[0] = 'X'; // the handler dead-letters these: 38 MB of payloads in the records too
    store(Files.readString(conf), refused);

    // Before, every record was read into a list first: out of memory.
    assertThat(runIn32MegaBytes("dead-letters", "list", "--backend", "sql", "-c", conf.toString()))
        .endsWith(EVENTS + " dead letter(s)\n");
    assertThat(
            runIn32MegaBytes(
                "inspect", "--records", "--backend", "sql", "-c", conf.toString(), "-n", "1"))
        .endsWith(" event(s)\n");
  }

  /** A configuration file storing in an SQLite file in {@code dir}, with {@code extra}. */
  private Path sqliteConf(String extra) throws Exception {
    Path conf = dir.resolve("service.conf");
    Files.writeString(
        conf,
        "eventstream.storage.backends = [sql]\n"
            + "eventstream.storage.sql.url = \"jdbc:sqlite:"
            + dir.toString().replace("\\", "/")
            + "/events.db\"\n"
            + extra);
    return conf;
  }

  /**
   * Sends {@code EVENTS} LOW events of {@code payload} to a service on {@code config}, all acked.
   */
  private static void store(String config, byte[] payload) throws Exception {
    try (EventStreamService service = EventStreamService.start(TestConfigs.withOverrides(config));
        EventStreamClient client = EventStreamClient.connect(service.ingestAddress())) {
      long frame = 0;
      for (int id = 1; id <= EVENTS; id++) {
        frame = client.send(Priority.LOW, "blobs", id, payload, true);
      }
      client.flush();
      assertThat(client.awaitAck(frame, Duration.ofSeconds(60))).isTrue();
    }
  }

  /** Runs the CLI in a JVM of 32 MB, its output discarded; returns its standard error. */
  private static String runIn32MegaBytes(String... args) throws Exception {
    Process cli =
        new ProcessBuilder(ChildService.mainCommand("-Xmx32m", args))
            .redirectOutput(Redirect.DISCARD)
            .redirectError(Redirect.PIPE)
            .start();
    String err = new String(cli.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(cli.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(cli.exitValue()).as(err).isZero();
    return err;
  }
}
