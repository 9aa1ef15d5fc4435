package io.eventstreamcore.deploy.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.eventstreamcore.deploy.EventStreamService;
import io.eventstreamcore.deploy.FixedPort;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/**
 * The load generator against an in-process service, briefly, at a fixed low rate: what it counts as
 * sent, acknowledged and measured must agree with itself, with its summary and with what the
 * service counted. Not a benchmark: it only checks that the generator tells the truth.
 */
class LoadGeneratorSmokeTest {
  private static final long RATE_PER_SECOND = 4_000;
  private static final int CONNECTIONS = 2;
  private static final Duration RUN = Duration.ofSeconds(1);

  private static Config config() {
    return ConfigFactory.parseString(
            "eventstream.ingest.port=0\n"
                + "eventstream.admin.port=0\n"
                + "eventstream.ring.size=4096\n"
                + "eventstream.storage.backends=[memory]")
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }

  private static LoadSettings settings(EventStreamService service, boolean v2) {
    return settings(service, v2, RATE_PER_SECOND, 100);
  }

  private static LoadSettings settings(
      EventStreamService service, boolean v2, long rate, int payloadBytes) {
    return settings(service, v2, rate, payloadBytes, 0);
  }

  private static LoadSettings settings(
      EventStreamService service, boolean v2, long rate, int payloadBytes, double duplicates) {
    return new LoadSettings(
        service.ingestAddress(),
        CONNECTIONS,
        rate,
        RUN,
        payloadBytes,
        16,
        duplicates,
        v2,
        1,
        65_536,
        Duration.ZERO,
        0);
  }

  @Test
  void v2RunWithAcksIsAcknowledgedMeasuredAndCountedByTheService() throws Exception {
    EventStreamService service = EventStreamService.start(config());
    try {
      StringWriter output = new StringWriter();
      LoadResult result =
          new LoadGenerator(settings(service, true), new PrintWriter(output, true)).run();

      assertThat(result.failures()).as("failed connections").isZero();
      // At a fixed rate, every frame due within the run.
      assertThat(result.sent()).isEqualTo(RATE_PER_SECOND * RUN.toSeconds());
      assertThat(result.acked()).isEqualTo(result.sent());
      assertThat(result.rejected()).isZero();
      assertThat(result.latency()).isNotNull();
      assertThat(result.latency().getTotalCount()).isEqualTo(result.sent());
      // At a fixed rate also from the socket write, which is never before the intended time.
      assertThat(result.fromWrite().getTotalCount()).isEqualTo(result.sent());
      assertThat(result.fromWrite().getValueAtPercentile(50))
          .isLessThanOrEqualTo(result.latency().getValueAtPercentile(50));
      // Every ACK follows the decode that counted its frame, so no waiting is needed here.
      assertThat((long) service.metrics().framesReceived().get()).isEqualTo(result.sent());
      assertThat(output.toString())
          .contains(
              String.format(
                  Locale.ROOT,
                  "sent %,d  acked %,d  rejected 0  failed connections 0",
                  result.sent(),
                  result.acked()));
    } finally {
      service.close();
    }
  }

  @Test
  void v1RunWithoutAcksIsReceivedWhole() throws Exception {
    EventStreamService service = EventStreamService.start(config());
    try {
      StringWriter output = new StringWriter();
      LoadResult result =
          new LoadGenerator(settings(service, false), new PrintWriter(output, true)).run();

      assertThat(result.failures()).as("failed connections").isZero();
      assertThat(result.sent()).isEqualTo(RATE_PER_SECOND * RUN.toSeconds());
      assertThat(result.acked()).isZero();
      assertThat(result.latency()).isNull();
      assertThat(result.fromWrite()).isNull();
      // v1 gets no answer: wait until the service has read every frame the generator sent.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> (long) service.metrics().framesReceived().get() >= result.sent());
      assertThat((long) service.metrics().framesReceived().get()).isEqualTo(result.sent());
      assertThat(output.toString())
          .contains(
              String.format(
                  Locale.ROOT,
                  "sent %,d  acked 0  rejected 0  failed connections 0",
                  result.sent()));
    } finally {
      service.close();
    }
  }

  @Test
  void aSecondRunAgainstTheSameServiceSendsNewEventIds() throws Exception {
    EventStreamService service = EventStreamService.start(config());
    try {
      PrintWriter out = new PrintWriter(new StringWriter(), true);
      LoadResult first = new LoadGenerator(settings(service, true), out).run();
      LoadResult second = new LoadGenerator(settings(service, true), out).run();

      assertThat(second.acked()).isEqualTo(second.sent()).isPositive();
      assertThat((long) service.metrics().framesReceived().get())
          .isEqualTo(first.sent() + second.sent());
      assertThat(service.metrics().eventsDuplicate().get()).as("duplicates").isZero();
    } finally {
      service.close();
    }
  }

  @Test
  void everyRepeatedIdIsADuplicateToTheServer() throws Exception {
    EventStreamService service = EventStreamService.start(config());
    try {
      StringWriter output = new StringWriter();
      LoadResult result =
          new LoadGenerator(
                  settings(service, true, RATE_PER_SECOND, 100, 0.1), new PrintWriter(output, true))
              .run();

      assertThat(result.acked()).isEqualTo(result.sent());
      // A tenth of the frames, give or take, each an id sent before: the server agrees on each.
      assertThat(result.repeated()).isBetween(result.sent() / 20, result.sent() / 5);
      assertThat(service.metrics().eventsDuplicate().get())
          .as("duplicates the server saw")
          .isEqualTo(result.repeated());
      assertThat(output.toString()).contains("repeated event ids: ");
    } finally {
      service.close();
    }
  }

  @Test
  void payloadsLargerThanTheSendBufferAreSent() throws Exception {
    EventStreamService service = EventStreamService.start(config());
    try {
      StringWriter output = new StringWriter();
      LoadResult result =
          new LoadGenerator(settings(service, true, 20, 300_000), new PrintWriter(output, true))
              .run();

      assertThat(result.failures()).as(output.toString()).isZero();
      assertThat(result.sent()).isEqualTo(20);
      assertThat(result.acked()).isEqualTo(20);
    } finally {
      service.close();
    }
  }

  @Test
  void aServerThatIsNotThereIsNamedInTheError() throws Exception {
    InetSocketAddress nobody =
        new InetSocketAddress(InetAddress.getLoopbackAddress(), FixedPort.free());
    LoadSettings settings =
        new LoadSettings(nobody, 1, 1, RUN, 10, 1, 0, true, 1, 16, Duration.ZERO, 0);

    assertThatThrownBy(() -> new LoadGenerator(settings, new PrintWriter(new StringWriter())).run())
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("cannot connect to " + nobody);
  }

  @Test
  void rejectedEventsAreNeitherCountedAsTakenNorInTheRate() {
    LoadSettings settings =
        new LoadSettings(
            new InetSocketAddress("127.0.0.1", 9),
            1,
            0,
            RUN,
            1,
            1,
            0,
            true,
            1,
            1,
            Duration.ZERO,
            0);
    Histogram latency = new Histogram(3);
    LoadResult result = new LoadResult(10, 0, 10, 3, 0, 1_000_000_000L, latency, null, 0);

    assertThat(result.eventsPerSecond()).isEqualTo(7.0);
    assertThat(result.allTaken(settings)).isFalse();
    assertThat(new LoadResult(10, 0, 10, 0, 0, 1_000_000_000L, latency, null, 0).allTaken(settings))
        .isTrue();
    assertThat(new LoadResult(10, 0, 9, 0, 0, 1_000_000_000L, latency, null, 0).allTaken(settings))
        .isFalse();
    assertThat(new LoadResult(10, 0, 10, 0, 5, 1_000_000_000L, latency, null, 0).allTaken(settings))
        .as("events due, never sent")
        .isFalse();
  }
}
