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
          .isInstanceOf(BindException.class)
          .hasMessageContaining("eventstream.ingest 127.0.0.1:" + taken.getLocalPort());
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
    return serve(
        dir, "-Xmx" + heap, "eventstream.ring.size = " + ringSize + "\n", Main.EXIT_CONFIG);
  }

  /**
   * Runs {@code serve} in a JVM with {@code jvmOption} on memory storage and {@code conf}; returns
   * its standard error, having exited with {@code exit}.
   */
  private static String serve(Path dir, String jvmOption, String conf, int exit) throws Exception {
    Path file = dir.resolve("service.conf");
    Files.writeString(
        file,
        "eventstream.storage.backends = [memory]\n"
            + "eventstream.ingest.port = 0\n"
            + "eventstream.admin.port = 0\n"
            + conf);
    List<String> command =
        ChildService.mainCommand(jvmOption, "serve", "--config", file.toString());
    Process serve = new ProcessBuilder(command).redirectOutput(dir.resolve("out").toFile()).start();
    String err = new String(serve.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(serve.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(serve.exitValue()).as(err).isEqualTo(exit);
    return err;
  }

  @Test
  void aHandlerThatFindsABadValueInItsConfigWhenStartingExitsTwo(@TempDir Path dir)
      throws Exception {
    String handler =
        "eventstream.processors.transactional.handlers = [ { class ="
            + " \"io.eventstreamcore.deploy.ProbeHandler\", name = probe, config { %s } } ]\n";

    // Its start() reads a number and finds a word: a configuration error, which a restart
    // cannot mend (systemd's RestartPreventExitStatus=2).
    String err = serve(dir, "-Xmx256m", handler.formatted("fail-on-id = hot"), Main.EXIT_CONFIG);
    assertThat(err.strip().lines().reduce((first, second) -> second).orElse(""))
        .startsWith("configuration error: transactional handler 'probe' failed to start:")
        .contains("fail-on-id");

    // Any other failure of start() may pass (a service it needs is down): exit 1, restarted.
    err = serve(dir, "-Xmx256m", handler.formatted("fail-on-start = unreachable"), 1);
    assertThat(err).contains("handler 'probe' failed to start: unreachable");
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
