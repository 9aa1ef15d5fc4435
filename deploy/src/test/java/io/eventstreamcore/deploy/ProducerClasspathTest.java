package io.eventstreamcore.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.spi.ReadableBackend;
import io.eventstreamcore.ingest.client.EventStreamProducer;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client needs none of the server's dependencies: a child JVM with only the engine and ingest
 * artifacts (and the small main) on its classpath streams events into a running service.
 */
class ProducerClasspathTest {
  private static final int EVENTS = 1_000;

  @TempDir Path temp;

  @Test
  void aProducerRunsWithOnlyEngineAndIngestOnTheClasspath() throws Exception {
    List<Path> classpath =
        List.of(
            location(Priority.class),
            location(EventStreamProducer.class),
            location(ProducerMain.class));
    for (Path entry : classpath) {
      assertThat(entry.getFileName().toString())
          .doesNotContain("netty", "disruptor", "config", "prometheus");
    }
    Path log = temp.resolve("child.log");
    Path results = temp.resolve("results.txt");
    try (EventStreamService service =
        EventStreamService.start(
            TestConfigs.withOverrides("eventstream.storage.backends = [memory]"))) {
      Process child =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  String.join(File.pathSeparator, classpath.stream().map(Path::toString).toList()),
                  ProducerMain.class.getName(),
                  service.ingestAddress().getHostString(),
                  Integer.toString(service.ingestAddress().getPort()),
                  Integer.toString(EVENTS),
                  results.toString())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      try {
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
      } finally {
        child.destroyForcibly();
        child.waitFor(10, TimeUnit.SECONDS);
      }
      String output = Files.readString(log, StandardCharsets.UTF_8);
      assertThat(child.exitValue()).as(output).isZero();
      assertThat(Files.readAllLines(results, StandardCharsets.UTF_8))
          .contains(
              "absent com.lmax.disruptor.RingBuffer",
              "absent com.typesafe.config.Config",
              "absent io.prometheus.metrics.model.registry.PrometheusRegistry",
              "absent io.netty.channel.Channel",
              "acknowledged " + EVENTS);
      assertThat(((ReadableBackend) service.backend("memory")).readEvents()).hasSize(EVENTS);
    }
  }

  private static Path location(Class<?> type) throws URISyntaxException {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
  }
}
