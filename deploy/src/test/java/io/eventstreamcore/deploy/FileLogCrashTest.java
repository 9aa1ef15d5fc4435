package io.eventstreamcore.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.spi.ReadableBackend;
import io.eventstreamcore.engine.spi.StoredEvent;
import io.eventstreamcore.ingest.client.EventStreamClient;
import io.eventstreamcore.storage.file.FileBackend;
import io.eventstreamcore.storage.file.FileLogReader;
import io.eventstreamcore.storage.file.FileLogTail;
import io.eventstreamcore.storage.file.SyncPolicy;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file log's promise under failure: with {@code sync = always}, every acknowledged event
 * survives a SIGKILL of the service mid-stream, and a full disk stops acknowledgements (storage
 * down) without losing or duplicating anything once space returns.
 */
class FileLogCrashTest {
  private static final int MAX_EVENTS = 2_000_000;
  private static final long ACKED_BEFORE_KILL = 5_000;

  @TempDir Path dir;

  private static String payload(long id) {
    return "event-" + id + "-" + "x".repeat((int) (id % 50));
  }

  @Test
  void everyAcknowledgedEventSurvivesAKillNineMidStream() throws Exception {
    Path data = dir.resolve("data");
    Path conf = dir.resolve("service.conf");
    Files.writeString(
        conf,
        "eventstream.ingest.port = 0\n"
            + "eventstream.admin.port = 0\n"
            + "eventstream.ring.size = 1024\n"
            + "eventstream.storage.backends = [file]\n"
            + "eventstream.storage.file { sync = always, segment-bytes = 256KiB, directory = \""
            + data.toString().replace("\\", "/")
            + "\" }\n");
    long acked;
    long sent;
    try (ChildService service = ChildService.start(conf)) {
      EventStreamClient client =
          EventStreamClient.connect(new InetSocketAddress("127.0.0.1", service.port()));
      AtomicReference<Long> sentCount = new AtomicReference<>(0L);
      // Streams until the connection breaks under it; every frame asks for an ACK. Its id is its
      // frame number, so the ACKed frame names the last event that must be in the log.
      Thread sender =
          new Thread(
              () -> {
                try {
                  for (long id = 1; id <= MAX_EVENTS; id++) {
                    byte[] body = payload(id).getBytes(StandardCharsets.UTF_8);
                    client.send(Priority.MEDIUM, "orders", id, body, true);
                    if (id % 64 == 0) {
                      client.flush();
                    }
                    sentCount.set(id);
                  }
                  client.flush();
                } catch (IOException expected) {
                  // the service was killed
                }
              },
              "crash-test-sender");
      sender.start();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> client.lastAck() >= ACKED_BEFORE_KILL || !sender.isAlive());
      assertThat(client.lastAck()).as("ACKs before the kill").isGreaterThanOrEqualTo(5_000);
      service.kill();
      await().atMost(Duration.ofSeconds(30)).until(client::connectionClosed);
      sender.interrupt();
      sender.join(TimeUnit.SECONDS.toMillis(30));
      acked = client.lastAck();
      sent = sentCount.get();
      try {
        client.close();
      } catch (IOException expected) {
        // its flush meets the dead service: broken pipe
      }
    }
    assertThat(sent).as("killed mid-stream").isGreaterThan(acked).isLessThan(MAX_EVENTS);

    try (FileBackend recovered = new FileBackend("file", data, SyncPolicy.ALWAYS, 1 << 16)) {
      assertThat(recovered.segments()).as("the log rolled").hasSizeGreaterThan(2);
      List<StoredEvent> events = recovered.readEvents();
      // Every ACKed event, in order, with its payload; beyond them only a prefix of what followed.
      assertThat(events.size()).isGreaterThanOrEqualTo((int) acked);
      for (int i = 0; i < events.size(); i++) {
        StoredEvent e = events.get(i);
        assertThat(e.eventId()).isEqualTo(i + 1);
        assertThat(new String(e.payload(), StandardCharsets.UTF_8)).isEqualTo(payload(i + 1));
      }
      // Nothing corrupt is left: every segment reads to its end, none is skipped.
      try (FileLogTail tail = FileLogTail.open(data, 0)) {
        tail.poll(new FileLogReader.Visitor() {}, Integer.MAX_VALUE);
        assertThat(tail.skippedTails()).isZero();
        assertThat(tail.nextOffset()).isEqualTo(events.size());
      }
      // And the log goes on where it stopped.
      assertThat(recovered.committedOffset()).isEqualTo(events.size());
    }
  }

  @Test
  void aFullDiskStopsAcknowledgementsAndLosesNothingOnceSpaceReturns() throws Exception {
    Path mount = Files.createDirectories(dir.resolve("tmpfs"));
    Assumptions.assumeTrue(
        run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mount.toString()),
        "cannot mount a tmpfs here (needs root and mount permission): disk-full test skipped");
    try {
      Path data = mount.resolve("data");
      Config config =
          TestConfigs.withOverrides(
              "eventstream.ring.size = 1024\n"
                  + "eventstream.storage.backends = [file]\n"
                  + "eventstream.storage.file { sync = always, segment-bytes = 64KiB,"
                  + " buffer-bytes = 16KiB, directory = \""
                  + data
                  + "\" }\n");
      Path filler = mount.resolve("filler");
      int count = 3_000;
      try (EventStreamService service = EventStreamService.start(config);
          EventStreamClient client = EventStreamClient.connect(service.ingestAddress())) {
        send(client, 1, 500);
        assertThat(client.awaitAck(500, Duration.ofSeconds(30))).isTrue();

        fill(filler);
        send(client, 501, count);
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> service.metrics().storageUp("file").get() == 0.0);
        // The disk is still full: the events past it cannot have been committed.
        assertThat(client.lastAck()).isLessThan(count);
        assertThat(service.ready()).isFalse();

        Files.delete(filler);
        assertThat(client.awaitAck(count, Duration.ofSeconds(30))).isTrue();
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> service.metrics().storageUp("file").get() == 1.0);

        List<StoredEvent> events = ((ReadableBackend) service.backend("file")).readEvents();
        assertThat(events).hasSize(count);
        for (int i = 0; i < count; i++) {
          assertThat(events.get(i).eventId()).isEqualTo(i + 1);
          assertThat(new String(events.get(i).payload(), StandardCharsets.UTF_8))
              .isEqualTo(payload(i + 1));
        }
      }
      // And after a stop, a fresh open reads the same log without cutting anything.
      try (FileBackend reopened = new FileBackend("file", data, SyncPolicy.NEVER, 1 << 16)) {
        assertThat(reopened.truncatedBytesAtOpen()).isZero();
        assertThat(reopened.committedOffset()).isEqualTo(count);
      }
    } finally {
      run("umount", mount.toString());
    }
  }

  private static void send(EventStreamClient client, int from, int to) throws IOException {
    for (long id = from; id <= to; id++) {
      client.send(
          Priority.MEDIUM, "orders", id, payload(id).getBytes(StandardCharsets.UTF_8), true);
    }
    client.flush();
  }

  /** Writes {@code file} until the file system has no block left. */
  private static void fill(Path file) throws IOException {
    byte[] block = new byte[4096];
    try (OutputStream out = Files.newOutputStream(file)) {
      while (true) {
        out.write(block);
        out.flush();
      }
    } catch (IOException full) {
      assertThat(full.getMessage()).containsIgnoringCase("space");
    }
  }

  private static boolean run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
  }
}
