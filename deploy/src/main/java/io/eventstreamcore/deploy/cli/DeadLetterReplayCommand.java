package io.eventstreamcore.deploy.cli;

import io.eventstreamcore.deploy.Main;
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
      "Resend the stored dead letters that match the filters to a server, with their original",
      "event ids and priorities, and wait for their ACKs. A server still holding an original id",
      "in its dedup window acknowledges it as a duplicate without processing it again: use",
      "--new-ids to have such events processed now. Exit 0 when every one was acknowledged;",
      "1 otherwise; 2 for bad options."
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
    PrintWriter err = spec.commandLine().getErr();
    List<StoredRecord> dead;
    try {
      dead = DeadLettersCommand.read(options, reason);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      return Main.EXIT_CONFIG;
    } catch (IOException e) {
      err.println("cannot read the log: " + e.getMessage());
      return 1;
    }
    RejectionReport rejected = new RejectionReport(err);
    EventStreamProducer producer;
    try {
      producer = EventStreamProducer.builder(host, port).listener(rejected).connect();
    } catch (ConnectException e) {
      err.println("cannot connect to " + host + ":" + port + ": " + e.getMessage());
      return 1;
    }
    List<ProducerEvent> unacknowledged;
    Duration wait = Duration.ofSeconds(timeoutSeconds);
    int replayed = 0;
    boolean stalled = false;
    try {
      for (StoredRecord d : dead) {
        // The producer needs an id: an event stored without one gets a new one.
        long id = newIds || d.eventId() == 0 ? producer.nextEventId() : d.eventId();
        try {
          if (!producer.trySend(
              d.priority(), d.topic(), id, d.clientTimeMicros(), d.payload(), wait)) {
            err.println(
                "no ACK for "
                    + timeoutSeconds
                    + " s with the window full; stopping, the rest not sent");
            stalled = true;
            break;
          }
          replayed++;
        } catch (IllegalArgumentException e) {
          // A frame larger than the producer sends, say: the others go on.
          err.println("dead letter of event " + d.eventId() + ": " + e.getMessage() + "; skipped");
        }
      }
    } finally {
      // After a stall the timeout has passed already without an ACK.
      unacknowledged = producer.close(stalled ? Duration.ZERO : wait);
    }
    err.printf(
        "replayed %d of %d dead letter(s): %d acknowledged, %d rejected, %d unacknowledged%n",
        replayed, dead.size(), producer.acknowledged(), rejected.count(), unacknowledged.size());
    err.flush();
    return replayed == dead.size() && rejected.count() == 0 && unacknowledged.isEmpty() ? 0 : 1;
  }
}
