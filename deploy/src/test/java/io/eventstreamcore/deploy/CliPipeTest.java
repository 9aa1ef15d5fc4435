package io.eventstreamcore.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.ingest.client.EventStreamClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI as a process writing into a pipe, as in {@code eventstream tail -f | head -1}: once the
 * reader is gone it exits at its next write instead of following for ever, and it writes UTF-8
 * whatever the platform's charset. Ctrl-C ends it as its help says, with exit 0.
 */
class CliPipeTest {
  private static final Duration DEADLINE = Duration.ofSeconds(20);

  @TempDir Path dir;

  @Test
  void aFollowingTailExitsOnceItsPipeIsClosedAndWritesUtf8() throws Exception {
    withFollowingTail(
        (client, tail, lines) -> {
          assertTimeoutPreemptively(
              Duration.ofSeconds(60),
              () -> {
                assertThat(lines.readLine()).contains("\"topic\":\"café\"");
                tail.getInputStream().close(); // the reader exits, as head -1 does
                for (long id = 2; tail.isAlive() && id < 200; id++) {
                  send(client, id); // the tail notices at its next write
                  tail.waitFor(100, TimeUnit.MILLISECONDS);
                }
              });
          assertThat(tail.isAlive()).as("tail still following a closed pipe").isFalse();
          assertThat(tail.exitValue()).isZero();
        });
  }

  @Test
  void ctrlCEndsAFollowingTailWithExitZeroAsItsHelpSays() throws Exception {
    withFollowingTail(
        (client, tail, lines) -> {
          assertTimeoutPreemptively(DEADLINE, () -> assertThat(lines.readLine()).isNotNull());
          new ProcessBuilder("kill", "-INT", Long.toString(tail.pid())).start().waitFor();

          assertThat(tail.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
          assertThat(tail.exitValue()).isZero();
        });
  }

  /** What a test does with a {@code tail -f} child and the service it follows. */
  @FunctionalInterface
  private interface FollowingTail {
    void check(EventStreamClient client, Process tail, BufferedReader lines) throws Exception;
  }

  /**
   * Runs {@code test} against a {@code tail -f} of a service's file log that holds one event, the
   * tail's output read as UTF-8 lines; the tail is killed after.
   */
  private void withFollowingTail(FollowingTail test) throws Exception {
    String config = "eventstream.storage.backends = [file]\n" + TestConfigs.fileDirectory(dir);
    try (EventStreamService service = EventStreamService.start(TestConfigs.withOverrides(config));
        EventStreamClient client = EventStreamClient.connect(service.ingestAddress())) {
      send(client, 1);
      Process tail = startTail();
      try {
        test.check(
            client,
            tail,
            new BufferedReader(
                new InputStreamReader(tail.getInputStream(), StandardCharsets.UTF_8)));
      } finally {
        tail.destroyForcibly();
      }
    }
  }

  /** {@code tail -f} of the file log, in a JVM whose platform charset is ASCII. */
  private Process startTail() throws Exception {
    List<String> command =
        ChildService.mainCommand(
            "-Dfile.encoding=US-ASCII",
            "tail",
            "-f",
            "-d",
            dir.toString(),
            "--format",
            "json",
            "--poll-interval",
            "20");
    return new ProcessBuilder(command).redirectError(Redirect.DISCARD).start();
  }

  private static void send(EventStreamClient client, long id) throws Exception {
    long frame =
        client.send(Priority.MEDIUM, "café", id, "reading".getBytes(StandardCharsets.UTF_8), true);
    client.flush();
    assertThat(client.awaitAck(frame, DEADLINE)).isTrue();
  }
}
