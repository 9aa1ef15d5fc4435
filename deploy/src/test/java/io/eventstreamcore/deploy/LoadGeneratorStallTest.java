package io.eventstreamcore.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventstreamcore.deploy.load.LoadGenerator;
import io.eventstreamcore.deploy.load.LoadResult;
import io.eventstreamcore.deploy.load.LoadSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The load generator at a fixed rate against a server that stops acknowledging across the end of
 * the run: every frame due within the run is still sent and measured from its intended time, so the
 * stall is charged in full (coordinated omission corrected to the end); past a run's length after
 * the end, the frames still due are charged unsent.
 */
class LoadGeneratorStallTest {
  private static final long RATE = 1_000;
  private static final Duration RUN = Duration.ofSeconds(1);

  @Test
  void framesDueDuringAStallAcrossTheDeadlineAreSentAndCounted() throws Exception {
    try (GatedServer server = GatedServer.start()) {
      // No ACK until after the end (about 1.05 s from now): the window of 100 fills a tenth of
      // the way in. Opened soon after, so that the catch-up has 0.9 s before the sender gives up.
      StringWriter output = new StringWriter();
      LoadResult result = runOpeningAfter(server, 1_150, output);

      assertThat(result.failures()).as(output.toString()).isZero();
      assertThat(result.sent()).isEqualTo(RATE * RUN.toSeconds());
      assertThat(result.acked()).isEqualTo(result.sent());
      assertThat(result.latency().getTotalCount()).isEqualTo(result.sent());
      assertThat(server.framesReceived()).isEqualTo(result.sent());
      assertThat(result.unsent()).isZero();
    }
  }

  @Test
  void framesStillDueWhenTheSenderGivesUpAreChargedUnsent() throws Exception {
    try (GatedServer server = GatedServer.start()) {
      // No ACK until long after the end: the sender gives up one run's length after it.
      StringWriter output = new StringWriter();
      LoadResult result = runOpeningAfter(server, 3_000, output);

      assertThat(result.failures()).as(output.toString()).isZero();
      assertThat(result.unsent()).isPositive();
      assertThat(result.sent() + result.unsent()).isEqualTo(RATE * RUN.toSeconds());
      assertThat(result.acked()).isEqualTo(result.sent());
      assertThat(result.latency().getTotalCount()).isEqualTo(RATE * RUN.toSeconds());
      assertThat(result.allTaken(settings(server))).isFalse();
      assertThat(output.toString()).contains("not sent: ");
    }
  }

  private static LoadSettings settings(GatedServer server) {
    return new LoadSettings(
        server.address(), 1, RATE, RUN, 10, 4, 0, true, 1, 100, Duration.ZERO, 0);
  }

  /** One run at {@code RATE} for {@code RUN}, the server's gate opened {@code millis} after now. */
  private static LoadResult runOpeningAfter(GatedServer server, long millis, StringWriter output)
      throws Exception {
    CompletableFuture<Void> opened =
        CompletableFuture.runAsync(
            server::open, CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS));
    LoadResult result = new LoadGenerator(settings(server), new PrintWriter(output, true)).run();
    opened.get();
    return result;
  }
}
