package io.eventstreamcore.deploy.load;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code loadgen}: the TCP load generator's command line. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Stream events to an EventStreamCore server and measure throughput and latency.")
public final class LoadGeneratorCommand implements Callable<Integer> {
  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "Server host (${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", defaultValue = "9000", description = "Server port (${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = {"-c", "--connections"},
      defaultValue = "1",
      description = "TCP connections (${DEFAULT-VALUE}).")
  int connections;

  @Option(
      names = {"-r", "--rate"},
      defaultValue = "0",
      description = "Total events/s; 0 = max rate (${DEFAULT-VALUE}).")
  long rate;

  @Option(
      names = {"-d", "--duration"},
      defaultValue = "10s",
      description = "How long to send, e.g. 30s, 5m (${DEFAULT-VALUE}).")
  String duration;

  @Option(
      names = "--payload",
      defaultValue = "100",
      description = "Payload bytes (${DEFAULT-VALUE}).")
  int payload;

  @Option(
      names = "--topics",
      defaultValue = "16",
      description = "Distinct topics (${DEFAULT-VALUE}).")
  int topics;

  @Option(
      names = "--duplicates",
      defaultValue = "0",
      description = "Fraction of resent event_ids, 0..1 (${DEFAULT-VALUE}).")
  double duplicates;

  @Option(names = "--v1", description = "Send v1 frames: no event ids, no acks.")
  boolean v1;

  @Option(
      names = "--ack-every",
      defaultValue = "1",
      description = "Request an ACK on every Kth frame (${DEFAULT-VALUE}).")
  int ackEvery;

  @Option(
      names = "--max-in-flight",
      defaultValue = "65536",
      description = "Unacknowledged frames per connection (${DEFAULT-VALUE}).")
  int maxInFlight;

  @Option(
      names = "--warmup",
      defaultValue = "0s",
      description =
          "Leading part of the run left out of the latencies, e.g. 3s (${DEFAULT-VALUE}).")
  String warmup;

  @Option(
      names = "--timer-slack-ns",
      defaultValue = "20000",
      description =
          "Linux timer slack of fixed-rate senders: how late their timed waits may wake"
              + " (${DEFAULT-VALUE}); 0 keeps the kernel's, 50 us by default. Smaller sends"
              + " closer to the schedule at a cost in CPU.")
  long timerSlackNanos;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    LoadSettings settings;
    try {
      settings =
          new LoadSettings(
              new InetSocketAddress(host, port),
              connections,
              rate,
              duration("--duration", duration),
              payload,
              topics,
              duplicates,
              !v1,
              ackEvery,
              maxInFlight,
              duration("--warmup", warmup),
              timerSlackNanos);
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("bench: " + e.getMessage());
      return 2;
    }
    LoadResult result;
    try {
      result = new LoadGenerator(settings, out).run();
    } catch (IOException e) {
      spec.commandLine().getErr().println("bench: " + e.getMessage()); // cannot connect, say
      return 1;
    }
    return result.allTaken(settings) ? 0 : 1;
  }

  /** A duration as configuration writes it (500ms, 30s, 5m), with its unit. */
  private static Duration duration(String option, String text) {
    try {
      if (!text.isEmpty() && Character.isLetter(text.charAt(text.length() - 1))) {
        return ConfigFactory.empty()
            .withValue("d", ConfigValueFactory.fromAnyRef(text))
            .getDuration("d");
      }
    } catch (ConfigException e) {
      // said below
    }
    throw new IllegalArgumentException(
        option + " must be a duration with its unit, such as 500ms, 30s or 5m; was " + text);
  }
}
