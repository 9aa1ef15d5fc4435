package io.eventstreamcore.deploy.cli;

import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.ingest.client.EventStreamProducer;
import io.eventstreamcore.ingest.client.ProducerEvent;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code send}: streams events from a file or stdin to a server with acknowledgements, through the
 * producer client (reconnect and resend included), then reports what was acknowledged.
 */
@Command(
    name = "send",
    mixinStandardHelpOptions = true,
    description = {
      "Stream events to a server, one per line of FILE (default: stdin), and wait for their ACKs.",
      "jsonl lines: {\"topic\":\"orders\",\"priority\":\"HIGH\",\"id\":42,\"payload\":\"...\"}",
      "(or \"payload_base64\"); raw lines: each line is one payload for --topic.",
      "Ctrl-C stops after the line being sent (or, waiting for input, before the next one), waits"
          + " for the ACKs and prints the summary with the last line sent; a second one quits.",
      "Exit 0 when every event was acknowledged; 1 otherwise (rejected, bad lines, unacknowledged,"
          + " interrupted, or no server); 2 for bad options."
    })
public final class SendCommand implements Callable<Integer> {
  /** Input formats. */
  enum Format {
    JSONL,
    RAW
  }

  @Parameters(arity = "0..1", paramLabel = "FILE", description = "Input file; - or none: stdin.")
  Path file;

  @Option(names = "--host", description = "Server host (default: 127.0.0.1).")
  String host = "127.0.0.1";

  @Option(names = "--port", description = "Server port (default: 9000).")
  int port = 9000;

  @Option(names = "--format", paramLabel = "FORMAT", description = "jsonl (default) or raw.")
  Format format = Format.JSONL;

  @Option(names = "--topic", description = "Topic of raw lines, and of JSON lines without one.")
  String topic;

  @Option(names = "--priority", description = "Priority of lines without one (default: MEDIUM).")
  Priority priority = Priority.MEDIUM;

  @Option(
      names = "--window",
      paramLabel = "N",
      description = "Most events sent and not yet acknowledged (default: 10000).")
  int window = 10_000;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      description =
          "How long to wait for ACKs (default: 30): for room in the window while sending,"
              + " then for the last ones at the end.")
  long timeoutSeconds = 30;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    OptionChecks.port(spec, port);
    OptionChecks.atLeast(spec, "--window", window, 1);
    OptionChecks.atLeast(spec, "--timeout", timeoutSeconds, 1);
    if (format == Format.RAW && topic == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--format raw needs --topic");
    }
    EventLineParser parser = new EventLineParser(topic, priority);
    RejectionReport rejected = new RejectionReport(err);
    // The input first: a file that cannot be read is said as such, server or no server.
    ByteLines input;
    try {
      input = open();
    } catch (IOException e) {
      err.println("cannot read " + file + ": " + IoErrors.describe(e));
      return 1;
    }
    EventStreamProducer producer = connect(rejected, err);
    if (producer == null) {
      input.close();
      return 1;
    }
    long started = System.nanoTime();
    Counts counts = new Counts();
    List<ProducerEvent> unacknowledged;
    Progress progress = new Progress(err, producer);
    StopOnSignal stop = StopOnSignal.install();
    try (stop;
        ByteLines in = input) {
      sendLines(in, producer, parser, stop, progress, counts, err);
    } catch (IOException e) {
      counts.stopped = true;
      progress.clear();
      err.println(
          "cannot read "
              + (file == null ? "stdin" : file)
              + " after line "
              + counts.lineNo
              + ": "
              + IoErrors.describe(e)
              + "; the rest not sent");
    } finally {
      // When the window stayed full, the timeout has passed already without an ACK.
      unacknowledged = producer.close(Duration.ofSeconds(counts.windowFull ? 0 : timeoutSeconds));
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    progress.clear();
    err.printf(
        "sent %d events: %d acknowledged, %d rejected, %d unacknowledged, %d bad lines; "
            + "%.1f s, %.0f events/s%n",
        counts.sent,
        producer.acknowledged(),
        rejected.count(),
        unacknowledged.size(),
        counts.badLines,
        seconds,
        counts.sent / Math.max(seconds, 1e-9));
    err.flush();
    boolean all = !counts.stopped && counts.badLines == 0 && rejected.count() == 0;
    return all && unacknowledged.isEmpty() ? 0 : 1;
  }

  /** What a send went through so far. */
  private static final class Counts {
    long lineNo;
    long sent;
    long badLines;
    // Stopped before the end of the input: window full, a signal, a read error.
    boolean stopped;
    // Stopped because the window stayed full for the timeout.
    boolean windowFull;
  }

  /** Sends the input's lines until its end, a window that stays full or a signal. */
  private void sendLines(
      ByteLines in,
      EventStreamProducer producer,
      EventLineParser parser,
      StopOnSignal stop,
      Progress progress,
      Counts counts,
      PrintWriter err)
      throws IOException, InterruptedException {
    byte[] line;
    // A line read after a signal (it came while the read waited for input) is not sent.
    while (!stop.requested() && (line = in.next()) != null && !stop.requested()) {
      counts.lineNo++;
      if (format == Format.JSONL && isBlank(line)) {
        continue; // a raw line is a payload, an empty one too
      }
      try {
        if (!send(producer, parser, in, line, stop)) {
          if (stop.requested()) {
            counts.lineNo--; // the signal came while it waited for room: this line was not sent
            break;
          }
          err.println(
              "line "
                  + counts.lineNo
                  + ": no ACK for "
                  + timeoutSeconds
                  + " s with the window full; stopping, this line and the rest not sent");
          counts.stopped = true;
          counts.windowFull = true;
          return;
        }
        counts.sent++;
      } catch (IllegalArgumentException e) {
        counts.badLines++;
        err.println("line " + counts.lineNo + ": " + e.getMessage() + "; skipped");
      } catch (CharacterCodingException e) {
        counts.badLines++;
        err.println("line " + counts.lineNo + ": not valid UTF-8; skipped");
      }
      progress.maybePrint(counts.sent);
    }
    if (stop.requested()) {
      counts.stopped = true;
      progress.clear();
      interrupted(err, counts.lineNo);
    }
  }

  /** A producer connected to the server, or null when it cannot connect (said on err). */
  private EventStreamProducer connect(RejectionReport rejected, PrintWriter err)
      throws InterruptedException {
    try {
      return EventStreamProducer.builder(host, port)
          .maxInFlightEvents(window)
          .listener(rejected)
          .connect();
    } catch (ConnectException e) {
      err.println("cannot connect to " + host + ":" + port + ": " + e.getMessage());
      return null;
    }
  }

  private void interrupted(PrintWriter err, long lineNo) {
    err.println(
        "interrupted after line "
            + lineNo
            + ": the rest not sent; waiting up to "
            + timeoutSeconds
            + " s for the ACKs of what was");
  }

  private ByteLines open() throws IOException {
    if (file == null || file.toString().equals("-")) {
      return new ByteLines(System.in);
    }
    if (Files.isDirectory(file)) {
      throw new FileSystemException(file.toString(), null, "is a directory");
    }
    return new ByteLines(Files.newInputStream(file));
  }

  private static boolean isBlank(byte[] line) {
    for (byte b : line) {
      if (b != ' ' && b != '\t') {
        return false;
      }
    }
    return true;
  }

  /**
   * Sends one line's event; false when the window stayed full for the timeout, or a signal came
   * while it waited for room.
   */
  private boolean send(
      EventStreamProducer producer,
      EventLineParser parser,
      ByteLines lines,
      byte[] line,
      StopOnSignal stop)
      throws InterruptedException, CharacterCodingException {
    Duration timeout = Duration.ofSeconds(timeoutSeconds);
    if (format == Format.RAW) {
      // The line's bytes as they are: a payload need not be text.
      long id = producer.nextEventId();
      return stop.tryUntil(timeout, wait -> producer.trySend(priority, topic, id, line, wait));
    }
    EventLineParser.Line event = parser.parse(lines.text(line));
    long id = event.eventId() == 0 ? producer.nextEventId() : event.eventId();
    if (event.clientTimeMicros() == 0) {
      return stop.tryUntil(
          timeout,
          wait -> producer.trySend(event.priority(), event.topic(), id, event.payload(), wait));
    }
    return stop.tryUntil(
        timeout,
        wait ->
            producer.trySend(
                event.priority(),
                event.topic(),
                id,
                event.clientTimeMicros(),
                event.payload(),
                wait));
  }

  /** A progress line on stderr about once a second: rewritten in place on a terminal. */
  private static final class Progress {
    private final PrintWriter err;
    private final EventStreamProducer producer;
    private final boolean terminal = System.console() != null;
    private long lastNanos = System.nanoTime();
    private boolean printed;

    Progress(PrintWriter err, EventStreamProducer producer) {
      this.err = err;
      this.producer = producer;
    }

    void maybePrint(long sent) {
      long now = System.nanoTime();
      if (now - lastNanos < 1_000_000_000L) {
        return;
      }
      lastNanos = now;
      String line = "sent " + sent + ", acknowledged " + producer.acknowledged();
      if (terminal) {
        err.print("\r" + line);
      } else {
        err.println(line);
      }
      err.flush();
      printed = true;
    }

    void clear() {
      if (terminal && printed) {
        err.print("\r\033[K");
      }
    }
  }
}
