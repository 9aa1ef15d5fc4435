package io.eventstreamcore.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C in the middle of {@code send}: it stops reading, waits for the ACKs of what it sent, and
 * prints its summary and where it stopped, so that a rerun can start after that line; the counts in
 * the summary are what the server stored.
 */
class CliSignalTest {
  private static final int LINES = 2_000_000;

  @TempDir Path dir;

  @Test
  void ctrlCInTheMiddleOfASendEndsWithItsSummaryOfWhatWasStored() throws Exception {
    Path input = dir.resolve("lines.txt");
    Files.writeString(
        input,
        LongStream.rangeClosed(1, LINES)
            .mapToObj(Long::toString)
            .collect(Collectors.joining("\n")));
    File errors = dir.resolve("send.err").toFile();
    try (EventStreamService service =
        EventStreamService.start(
            TestConfigs.withOverrides("eventstream.storage.backends = [memory]"))) {
      List<String> command =
          ChildService.mainCommand(
              "-Xmx256m",
              "send",
              input.toString(),
              "--port",
              Integer.toString(service.ingestAddress().getPort()),
              "--format",
              "raw",
              "--topic",
              "t");
      Process send =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(errors).start();
      try {
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> AdminHttp.metric(service, "eventstream_frames_received_total") > 1_000);
        new ProcessBuilder("kill", "-INT", Long.toString(send.pid())).start().waitFor();

        assertThat(send.waitFor(30, TimeUnit.SECONDS)).as("exited after the signal").isTrue();
        String err = Files.readString(errors.toPath(), StandardCharsets.UTF_8);
        assertThat(send.exitValue()).as(err).isEqualTo(1);
        Matcher interrupted = Pattern.compile("interrupted after line (\\d+): ").matcher(err);
        Matcher summary =
            Pattern.compile("sent (\\d+) events: (\\d+) acknowledged, 0 rejected, 0 unacknowledged")
                .matcher(err);
        assertThat(interrupted.find()).as(err).isTrue();
        assertThat(summary.find()).as(err).isTrue();
        long lastLine = Long.parseLong(interrupted.group(1));
        assertThat(lastLine).isBetween(1_000L, LINES - 1L);
        assertThat(summary.group(1)).isEqualTo(interrupted.group(1)); // one event a line
        assertThat(summary.group(2)).isEqualTo(interrupted.group(1));
        assertThat(AdminHttp.metric(service, "eventstream_events_stored_total{backend=\"memory\"}"))
            .isEqualTo((double) lastLine);
      } finally {
        send.destroyForcibly();
      }
    }
  }
}
