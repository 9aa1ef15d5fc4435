package io.eventstreamcore.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A service that cannot start says why and leaves nothing running behind. */
class StartupFailureTest {
  @Test
  void portInUseFailsWithTheCauseAndStopsEveryThread() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(
              () ->
                  EventStreamService.start(
                      TestConfigs.withOverrides(
                          "eventstream.storage.backends = [memory]\n"
                              + "eventstream.ingest.port = "
                              + taken.getLocalPort())))
          .isInstanceOf(BindException.class);
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(Thread.getAllStackTraces().keySet())
                    .noneMatch(t -> t.isAlive() && t.getName().startsWith("eventstream-")));
  }

  @Test
  void aMemoryArenaSmallerThanTheLargestFrameIsRefused() {
    assertThatThrownBy(
            () ->
                EventStreamService.start(
                    TestConfigs.withOverrides(
                        "eventstream.storage.backends = [memory]\n"
                            + "eventstream.storage.memory.max-bytes = 512KiB")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("eventstream.storage.memory.max-bytes");
  }

  @Test
  void aConfigurationTheHeapCannotHoldIsOneLineAndExitsTwo(@TempDir Path dir) throws Exception {
    // About 1.5 GB of slots: refused from the sizes, before anything is allocated.
    String err = serveInHeapOf(dir, "96m", 4194304);

    // The tests' logging writes to standard error too: the verdict is its last line.
    assertThat(err.strip().lines().reduce((first, second) -> second).orElse(""))
        .startsWith("configuration error: eventstream.ring.size (4194304)")
        .contains("more than the heap's", "-Xmx");
    assertThat(err).doesNotContain("Exception", "\tat ");
  }

  @Test
  void aConfigurationThatRunsOutOfHeapWhileStartingExitsTwo(@TempDir Path dir) throws Exception {
    // Within the lower bound the sizes are checked against (32 MB of slot payloads), but the
    // slots take about 340 bytes each: the allocation itself fails.
    String err = serveInHeapOf(dir, "96m", 262144);

    assertThat(err)
        .contains("configuration error: the service does not fit in the heap (")
        .contains("-Xmx");
  }

  /** Runs {@code serve} in a JVM with {@code heap}; returns its standard error, having exited 2. */
  private static String serveInHeapOf(Path dir, String heap, int ringSize) throws Exception {
    Path conf = dir.resolve("large.conf");
    Files.writeString(
        conf,
        "eventstream.storage.backends = [memory]\n"
            + "eventstream.ingest.port = 0\n"
            + "eventstream.admin.port = 0\n"
            + "eventstream.ring.size = "
            + ringSize
            + "\n");
    List<String> command =
        ChildService.mainCommand("-Xmx" + heap, "serve", "--config", conf.toString());
    Process serve = new ProcessBuilder(command).redirectOutput(dir.resolve("out").toFile()).start();
    String err = new String(serve.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(serve.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(serve.exitValue()).as(err).isEqualTo(Main.EXIT_CONFIG);
    return err;
  }

  @Test
  void badConfigurationNamesTheKeyAndValue() {
    assertThatThrownBy(
            () ->
                EventStreamService.start(TestConfigs.withOverrides("eventstream.ring.size = 1000")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("eventstream.ring.size")
        .hasMessageContaining("1000");
  }
}
