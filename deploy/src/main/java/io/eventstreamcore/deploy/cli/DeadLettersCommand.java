package io.eventstreamcore.deploy.cli;

import io.eventstreamcore.engine.event.Route;
import io.eventstreamcore.engine.record.DeadLetterReason;
import io.eventstreamcore.engine.record.RecordKind;
import io.eventstreamcore.engine.spi.EventQuery;
import io.eventstreamcore.engine.spi.StoredEvent;
import io.eventstreamcore.engine.spi.StoredRecord;
import io.eventstreamcore.storage.file.FileLogReader;
import java.io.IOException;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code dead-letters}: lists ({@code list}) and resends ({@code replay}) the dead letters a file
 * log or the SQL tables hold. Reads only, so it can run beside the service.
 */
@Command(
    name = "dead-letters",
    mixinStandardHelpOptions = true,
    description = "List or replay stored dead letters: events the engine did not process normally.",
    subcommands = {DeadLetterListCommand.class, DeadLetterReplayCommand.class})
public final class DeadLettersCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }

  /** Takes the dead letters one at a time; false stops the reading. */
  interface Each {
    boolean take(StoredRecord deadLetter) throws InterruptedException;
  }

  /**
   * Which dead letters: the topic, time and id filters of the options (applied to the dead event)
   * and a reason, when not null.
   */
  record Filter(EventQuery query, DeadLetterReason reason) {
    /**
     * The filter of the command's options.
     *
     * @throws IllegalArgumentException for a bad filter or an unknown reason
     */
    static Filter of(LogQueryOptions options, String reason) {
      return new Filter(
          options.query(Instant.now()), reason == null ? null : DeadLetterReason.ofLabel(reason));
    }

    boolean matches(StoredRecord record) {
      return record.kind() == RecordKind.DEAD_LETTER
          && (reason == null || record.reason() == reason)
          && query.matches(deadEvent(record));
    }
  }

  /**
   * Hands {@code each} the stored dead letters that match {@code filter}, oldest first, one at a
   * time, so that a store may hold more of them than memory does.
   *
   * @return how many were handed over
   */
  static long forEach(LogQueryOptions options, Filter filter, Each each)
      throws IOException, InterruptedException {
    Taker taker = new Taker(filter, each);
    try (LogSource source = options.open(false)) {
      while (!taker.stopped() && source.poll(taker, 4096) > 0) {
        // until everything stored so far was seen
      }
      if (!taker.stopped()) {
        source.separateRecords(
            record -> {
              taker.record(-1, record);
              return !taker.stopped();
            });
      }
    }
    if (taker.interrupted) {
      throw new InterruptedException();
    }
    return taker.taken;
  }

  /** Passes the matching dead letters on until told to stop. */
  private static final class Taker implements FileLogReader.Visitor {
    private final Filter filter;
    private final Each each;
    private boolean stop;
    private boolean interrupted;
    private long taken;

    Taker(Filter filter, Each each) {
      this.filter = filter;
      this.each = each;
    }

    boolean stopped() {
      return stop;
    }

    @Override
    public void event(long position, StoredEvent event) {}

    @Override
    public void record(long position, StoredRecord record) {
      if (stop || !filter.matches(record)) {
        return;
      }
      taken++;
      try {
        stop = !each.take(record);
      } catch (InterruptedException e) {
        interrupted = true;
        stop = true;
      }
    }
  }

  /** The dead event of a dead letter. */
  static StoredEvent deadEvent(StoredRecord deadLetter) {
    return new StoredEvent(
        deadLetter.topic(),
        deadLetter.priority(),
        Route.of(deadLetter.priority()),
        deadLetter.eventId(),
        deadLetter.clientTimeMicros(),
        deadLetter.timeMillis(),
        deadLetter.payload());
  }
}
