package io.eventstreamcore.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

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
  void badConfigurationNamesTheKeyAndValue() {
    assertThatThrownBy(
            () ->
                EventStreamService.start(TestConfigs.withOverrides("eventstream.ring.size = 1000")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("eventstream.ring.size")
        .hasMessageContaining("1000");
  }
}
