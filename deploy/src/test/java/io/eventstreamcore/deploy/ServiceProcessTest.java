package io.eventstreamcore.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.record.RecordKind;
import io.eventstreamcore.engine.spi.StoredEvent;
import io.eventstreamcore.engine.spi.StoredRecord;
import io.eventstreamcore.ingest.client.EventStreamClient;
import io.eventstreamcore.storage.file.FileBackend;
import io.eventstreamcore.storage.file.SyncPolicy;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service as a process: {@code serve} starts it, SIGTERM drains it and it exits 0. */
class ServiceProcessTest {
  // A small service on memory storage, without admin HTTP.
  private static final String MEMORY_SERVICE =
      "eventstream.ingest.port = 0\n"
          + "eventstream.admin.enabled = false\n"
          + "eventstream.ring.size = 1024\n"
          + "eventstream.storage.backends = [memory]\n";

  @TempDir Path dir;

  @Test
  void sigtermDrainsFlushesAndExitsZero() throws Exception {
    Path conf = dir.resolve("service.conf");
    Files.writeString(
        conf,
        "eventstream.ingest.port = 0\n"
            + "eventstream.admin.port = 0\n"
            + "eventstream.ring.size = 1024\n"
            // Windows that only the stop's flush closes.
            + "eventstream.processors.batch.window = 1h\n"
            + TestConfigs.fileDirectory(dir.resolve("data")));
    try (ChildService service = ChildService.start(conf)) {
      try (EventStreamClient client =
          EventStreamClient.connect(new InetSocketAddress("127.0.0.1", service.port()))) {
        for (int i = 0; i < 100; i++) {
          Priority priority = i < 60 ? Priority.MEDIUM : Priority.BATCH;
          client.send(priority, i < 60 ? "orders" : "metrics", i + 1, new byte[] {(byte) i}, true);
        }
        client.flush();
        assertThat(client.awaitAck(100, Duration.ofSeconds(10))).isTrue();
      }
      assertThat(service.logged("acknowledged events do not outlive")).isFalse(); // a file log
      assertThat(service.terminate()).isZero();
    }
    try (FileBackend file =
        new FileBackend("file", dir.resolve("data"), SyncPolicy.NEVER, 1 << 16)) {
      List<StoredEvent> events = file.readEvents();
      assertThat(events).hasSize(100);
      assertThat(events.get(99).eventId()).isEqualTo(100);
      // The open window of the 40 batch events (two, should they straddle an hour), closed by the
      // stop's flush and stored.
      List<StoredRecord> windows =
          file.readRecords().stream().filter(r -> r.kind() == RecordKind.WINDOW).toList();
      assertThat(windows).extracting(StoredRecord::topic).containsOnly("metrics");
      assertThat(windows.stream().mapToLong(StoredRecord::count).sum()).isEqualTo(40);
    }
  }

  @Test
  void sigtermWhileStartingExitsZeroWithoutWaitingForTheStart() throws Exception {
    Path conf = dir.resolve("slow.conf");
    Files.writeString(
        conf,
        MEMORY_SERVICE
            + "eventstream.processors.batch.handlers = [{ class = "
            + SlowStartHandler.class.getName()
            + " }]\n");
    try (ChildService service = ChildService.launch(conf, List.of())) {
      // Logged before the handlers start; the slow one then holds the start for a minute.
      service.awaitLine("configuration:", Duration.ofSeconds(60));
      // Within 20 s, or it throws; the handler would hold the start for a minute.
      assertThat(service.terminate()).isZero();
    }
  }

  @Test
  void sighupReloadsTheAlertRulesFromTheSameFile() throws Exception {
    Path conf = dir.resolve("reload.conf");
    Files.writeString(conf, MEMORY_SERVICE + "eventstream.processors.realtime.rules = []\n");
    // Under nohup (as CI may be) the child would inherit an ignored SIGHUP: it gets the default.
    try (ChildService service = ChildService.start(conf, List.of("env", "--default-signal=HUP"))) {
      Files.writeString(
          conf,
          MEMORY_SERVICE
              + "eventstream.processors.realtime.rules = [\n"
              + "  { name = any, topic = \"*\", payload-bytes-over = 0, severity = INFO }]\n");
      Process hup =
          new ProcessBuilder("kill", "-HUP", Long.toString(service.process().pid())).start();
      assertThat(hup.waitFor(10, TimeUnit.SECONDS)).isTrue();
      // The classify thread logs "topic table reloaded: ..." too, in no fixed order with this line.
      assertThat(service.awaitLine("alert rules", Duration.ofSeconds(30)))
          .contains("reloaded: 0 listed topics, 1 alert rules");
      assertThat(service.process().isAlive()).isTrue();
      try (EventStreamClient client =
          EventStreamClient.connect(new InetSocketAddress("127.0.0.1", service.port()))) {
        client.send(Priority.HIGH, "orders", 1, new byte[] {1}, true);
        client.flush();
        assertThat(client.awaitAck(1, Duration.ofSeconds(10))).isTrue();
      }
      assertThat(service.terminate()).isZero();
    }
  }

  @Test
  void aSighupIgnoredAtStartIsReportedAndTheServiceStillRuns() throws Exception {
    Path conf = dir.resolve("nohup.conf");
    Files.writeString(conf, MEMORY_SERVICE);
    try (ChildService service = ChildService.start(conf, List.of("nohup"))) {
      assertThat(service.awaitLine("SIGHUP was ignored", Duration.ofSeconds(10)))
          .contains("reload only on restart");
      // Memory storage only: said at start.
      assertThat(service.logged("acknowledged events do not outlive this process")).isTrue();
      // The child really ignores it (bit 0 of the mask is SIGHUP): no reload can follow the kill.
      assertThat(
              Files.readAllLines(Path.of("/proc", Long.toString(service.process().pid()), "status"))
                  .stream()
                  .filter(line -> line.startsWith("SigIgn:"))
                  .mapToLong(line -> Long.parseUnsignedLong(line.substring(7).strip(), 16) & 1))
          .containsExactly(1L);
      new ProcessBuilder("kill", "-HUP", Long.toString(service.process().pid())).start().waitFor();
      try (EventStreamClient client =
          EventStreamClient.connect(new InetSocketAddress("127.0.0.1", service.port()))) {
        client.send(Priority.HIGH, "orders", 1, new byte[] {1}, true);
        client.flush();
        assertThat(client.awaitAck(1, Duration.ofSeconds(10))).isTrue();
      }
      assertThat(service.logged("reloaded")).isFalse();
      assertThat(service.terminate()).isZero();
    }
  }
}
