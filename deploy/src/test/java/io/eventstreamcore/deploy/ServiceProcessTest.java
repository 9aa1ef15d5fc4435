package io.eventstreamcore.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.spi.StoredEvent;
import io.eventstreamcore.ingest.client.EventStreamClient;
import io.eventstreamcore.storage.file.FileBackend;
import io.eventstreamcore.storage.file.SyncPolicy;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service as a process: {@code serve} starts it, SIGTERM drains it and it exits 0. */
class ServiceProcessTest {
  private static final Pattern LISTENING =
      Pattern.compile("ingest listening on /127\\.0\\.0\\.1:(\\d+)");

  @TempDir Path dir;

  @Test
  void sigtermDrainsFlushesAndExitsZero() throws Exception {
    Path conf = dir.resolve("service.conf");
    Files.writeString(
        conf,
        "eventstream.ingest.port = 0\n"
            + "eventstream.admin.port = 0\n"
            + "eventstream.ring.size = 1024\n"
            + "eventstream.storage.file.directory = \""
            + dir.resolve("data").toString().replace("\\", "/")
            + "\"\n");
    Process process = start(conf);
    try {
      BufferedReader output =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      int port = awaitPort(output);
      // Keep reading the child's log so that it never blocks on a full pipe.
      Thread drain = new Thread(() -> drain(output), "service-log-drain");
      drain.start();
      try (EventStreamClient client =
          EventStreamClient.connect(new InetSocketAddress("127.0.0.1", port))) {
        for (int i = 0; i < 100; i++) {
          client.send(Priority.MEDIUM, "orders", i + 1, new byte[] {(byte) i}, true);
        }
        client.flush();
        assertThat(client.awaitAck(100, Duration.ofSeconds(10))).isTrue();
      }
      process.destroy(); // SIGTERM
      assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).isZero();
      drain.join(5_000);
    } finally {
      process.destroyForcibly();
    }
    try (FileBackend file =
        new FileBackend("file", dir.resolve("data"), SyncPolicy.NEVER, 1 << 16)) {
      List<StoredEvent> events = file.readEvents();
      assertThat(events).hasSize(100);
      assertThat(events.get(99).eventId()).isEqualTo(100);
    }
  }

  @Test
  void sighupReloadsTheAlertRulesFromTheSameFile() throws Exception {
    Path conf = dir.resolve("reload.conf");
    String base =
        "eventstream.ingest.port = 0\n"
            + "eventstream.admin.enabled = false\n"
            + "eventstream.ring.size = 1024\n"
            + "eventstream.storage.backends = [memory]\n";
    Files.writeString(conf, base + "eventstream.processors.realtime.rules = []\n");
    Process process = start(conf);
    try {
      BufferedReader output =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      int port = awaitPort(output);
      Files.writeString(
          conf,
          base
              + "eventstream.processors.realtime.rules = [\n"
              + "  { name = any, topic = \"*\", payload-bytes-over = 0, severity = INFO }]\n");
      Process hup = new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).start();
      assertThat(hup.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(awaitLine(output, "reloaded:")).contains("1 alert rules");
      Thread drain = new Thread(() -> drain(output), "service-log-drain");
      drain.start();
      assertThat(process.isAlive()).isTrue();
      try (EventStreamClient client =
          EventStreamClient.connect(new InetSocketAddress("127.0.0.1", port))) {
        client.send(Priority.HIGH, "orders", 1, new byte[] {1}, true);
        client.flush();
        assertThat(client.awaitAck(1, Duration.ofSeconds(10))).isTrue();
      }
      process.destroy();
      assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).isZero();
      drain.join(5_000);
    } finally {
      process.destroyForcibly();
    }
  }

  private static Process start(Path conf) throws java.io.IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(ChildService.jvmFlags());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("io.eventstreamcore.deploy.Main");
    command.addAll(List.of("serve", "--config", conf.toString()));
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  private static String awaitLine(BufferedReader output, String part) throws Exception {
    String line;
    while ((line = output.readLine()) != null) {
      if (line.contains(part)) {
        return line;
      }
    }
    throw new AssertionError("service exited before logging " + part);
  }

  private static void drain(BufferedReader output) {
    try {
      while (output.readLine() != null) {
        // discard
      }
    } catch (java.io.IOException ignored) {
      // the stream closes when the process exits
    }
  }

  private static int awaitPort(BufferedReader output) throws Exception {
    String line;
    while ((line = output.readLine()) != null) {
      Matcher m = LISTENING.matcher(line);
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
    }
    throw new AssertionError("service exited before listening");
  }
}
