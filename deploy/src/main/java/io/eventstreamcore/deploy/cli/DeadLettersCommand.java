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
import java.util.ArrayList;
import java.util.List;
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

  /**
   * The stored dead letters, oldest first, matching the topic, time and id filters of {@code
   * options} (applied to the dead event) and {@code reason} when not null.
   *
   * @throws IllegalArgumentException for a bad filter or an unknown reason
   */
  static List<StoredRecord> read(LogQueryOptions options, String reason) throws IOException {
    DeadLetterReason wanted = reason == null ? null : DeadLetterReason.ofLabel(reason);
    EventQuery query = options.query(Instant.now());
    List<StoredRecord> found = new ArrayList<>();
    FileLogReader.Visitor collect =
        new FileLogReader.Visitor() {
          @Override
          public void event(long position, StoredEvent event) {}

          @Override
          public void record(long position, StoredRecord record) {
            if (record.kind() == RecordKind.DEAD_LETTER
                && (wanted == null || record.reason() == wanted)
                && query.matches(deadEvent(record))) {
              found.add(record);
            }
          }
        };
    try (LogSource source = options.open()) {
      while (source.poll(collect, 4096) > 0) {
        // until everything stored so far was seen
      }
      for (StoredRecord record : source.separateRecords()) {
        collect.record(-1, record);
      }
    }
    return found;
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
