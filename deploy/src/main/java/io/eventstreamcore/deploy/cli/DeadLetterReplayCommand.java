package io.eventstreamcore.deploy.cli;

import com.typesafe.config.ConfigException;
import io.eventstreamcore.deploy.Main;
import io.eventstreamcore.engine.config.DurationText;
import io.eventstreamcore.engine.spi.StoredRecord;
import io.eventstreamcore.ingest.client.EventStreamProducer;
import io.eventstreamcore.ingest.client.ProducerEvent;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code dead-letters replay}: resends stored dead letters to a server through the producer client,
 * with their topic, priority, client time, payload and (unless {@code --new-ids}) original event
 * id. Replay does not remove or mark dead letters: the log is append-only.
 */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
      "Resend the stored dead letters that match the filters to a server.",
      "They keep their original event ids and priorities, and the command waits for their ACKs."
          + " A server still holding an original id in its dedup window acknowledges it as a"
          + " duplicate without processing it again: use --new-ids to have such events processed"
          + " now.",
      "Exit 0 when every one was acknowledged; 1 otherwise; 2 for bad options."
    })
public final class DeadLetterReplayCommand implements Callable<Integer> {
  @Mixin LogQueryOptions options;

  @Option(
      names = "--reason",
      paramLabel = "REASON",
      description = "Only this reason: handler-gave-up, late, overload or handler.")
  String reason;

  @Option(names = "--host", description = "Server host (default: 127.0.0.1).")
  String host = "127.0.0.1";

  @Option(names = "--port", required = true, description = "Server port.")
  int port;

  @Option(
      names = "--new-ids",
      description = "Send each with a new event id instead of its original one.")
  boolean newIds;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      description =
          "How long to wait for ACKs (default: 30): for room in the window while sending,"
              + " then for the last ones at the end.")
  long timeoutSeconds = 30;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    OptionChecks.port(spec, port);
    OptionChecks.atLeast(spec, "--timeout", timeoutSeconds, 1);
    PrintWriter err = spec.commandLine().getErr();
    DeadLettersCommand.Filter filter;
    try {
      filter = DeadLettersCommand.Filter.of(options, reason);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      return Main.EXIT_CONFIG;
    }
    Duration dedupWindow;
    try {
      dedupWindow = Main.load(options.config).getDuration("eventstream.dedup.window");
    } catch (ConfigException e) {
      err.println("configuration error: " + e.getMessage());
      return Main.EXIT_CONFIG;
    }
    RejectionReport rejected = new RejectionReport(err);
    EventStreamProducer producer;
    try {
      producer = EventStreamProducer.builder(host, port).listener(rejected).connect();
    } catch (ConnectException e) {
      err.println("cannot connect to " + host + ":" + port + ": " + e.getMessage());
      return 1;
    }
    Replay replay = new Replay(producer, err, dedupWindow);
    List<ProducerEvent> unacknowledged;
    StopOnSignal stop = StopOnSignal.install();
    try (stop) {
      // One at a time as they are read, until the end or a signal: a store may hold more than
      // memory does.
      DeadLettersCommand.forEach(options, filter, d -> !stop.requested() && replay.send(d, stop));
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage()); // the configuration file, read before anything was sent
      producer.close(Duration.ZERO);
      return Main.EXIT_CONFIG;
    } catch (IOException e) {
      err.println("cannot read the log: " + e.getMessage());
      replay.readToEnd = false;
    }
    if (stop.requested()) {
      replay.readToEnd = false;
      err.println(
          "interrupted: the rest not sent; waiting up to "
              + timeoutSeconds
              + " s for the ACKs of what was");
    }
    // After a stall the timeout has passed already without an ACK.
    unacknowledged = producer.close(replay.stalled ? Duration.ZERO : replay.wait);
    err.printf(
        "replayed %d dead letter(s): %d acknowledged, %d rejected, %d unacknowledged%n",
        replay.sent, producer.acknowledged(), rejected.count(), unacknowledged.size());
    if (replay.remembered > 0) {
      // An ACK for a duplicate looks like any other: say what it may mean here.
      err.printf(
          "%d of them kept ids received within the dedup window (%s): a server that still"
              + " remembers those ids acknowledges them as duplicates without processing them"
              + " again; --new-ids sends them as new events%n",
          replay.remembered, DurationText.of(replay.dedupWindow));
    }
    err.flush();
    boolean all = !replay.stalled && replay.skipped == 0 && rejected.count() == 0;
    return all && unacknowledged.isEmpty() && replay.readToEnd ? 0 : 1;
  }

  /** Sends dead letters through the producer, counting, until the server stops taking them. */
  private final class Replay {
    private final EventStreamProducer producer;
    private final PrintWriter err;
    private final Duration wait = Duration.ofSeconds(timeoutSeconds);
    private final Duration dedupWindow;
    private final long receivedSince;
    private long sent;
    private long skipped;
    // Sent with an original id received within the dedup window of now.
    private long remembered;
    private boolean stalled;
    private boolean readToEnd = true;

    Replay(EventStreamProducer producer, PrintWriter err, Duration dedupWindow) {
      this.producer = producer;
      this.err = err;
      this.dedupWindow = dedupWindow;
      this.receivedSince = System.currentTimeMillis() - dedupWindow.toMillis();
    }

    boolean send(StoredRecord d, StopOnSignal stop) throws InterruptedException {
      // The producer needs an id: an event stored without one gets a new one.
      long id = newIds || d.eventId() == 0 ? producer.nextEventId() : d.eventId();
      try {
        if (!stop.tryUntil(
            wait,
            w ->
                producer.trySend(
                    d.priority(), d.topic(), id, d.clientTimeMicros(), d.payload(), w))) {
          if (stop.requested()) {
            return false; // not sent: the signal came while it waited for room
          }
          err.println(
              "no ACK for "
                  + timeoutSeconds
                  + " s with the window full; stopping, the rest not sent");
          stalled = true;
          return false;
        }
        sent++;
        if (id == d.eventId() && d.timeMillis() > receivedSince) {
          remembered++;
        }
      } catch (IllegalArgumentException e) {
        // A frame larger than the producer sends, say: the others go on.
        skipped++;
        err.println(
            "dead letter of event "
                + Long.toUnsignedString(d.eventId())
                + ": "
                + e.getMessage()
                + "; skipped");
      }
      return true;
    }
  }
}
