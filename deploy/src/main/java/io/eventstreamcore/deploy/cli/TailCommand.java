package io.eventstreamcore.deploy.cli;

import io.eventstreamcore.deploy.Main;
import io.eventstreamcore.engine.spi.EventQuery;
import io.eventstreamcore.engine.spi.StoredEvent;
import io.eventstreamcore.engine.spi.StoredRecord;
import io.eventstreamcore.storage.file.FileLogReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tail}: prints the last stored events and, with {@code -f}, every new one as the service
 * writes it, from the file log or the SQL tables. Reads only, so it runs beside the service.
 */
@Command(
    name = "tail",
    mixinStandardHelpOptions = true,
    description = {
      "Print the last stored events of the file log or the SQL tables.",
      "With -f, follow them as they grow (Ctrl-C stops). Records (--records) from the file log"
          + " only.",
      "Exit 0; 1 when the log cannot be read; 2 for bad options."
    })
public final class TailCommand implements Callable<Integer> {
  @Mixin LogQueryOptions options;

  @Option(
      names = {"-n", "--lines"},
      paramLabel = "N",
      description = "How many of the last matching items to print first (default: 10).")
  int last = 10;

  @Option(
      names = {"-f", "--follow"},
      description = "Keep printing new events as they are written.")
  boolean follow;

  @Option(
      names = "--poll-interval",
      paramLabel = "MILLIS",
      description = "How often to look for new records while following (default: 200).")
  long pollMillis = 200;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Follows until this turns false; interrupting the thread stops a follow. */
  BooleanSupplier running = () -> !Thread.currentThread().isInterrupted();

  @Override
  public Integer call() {
    OptionChecks.atLeast(spec, "--lines", last, 0);
    OptionChecks.atLeast(spec, "--poll-interval", pollMillis, 1);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      EventQuery query = options.query(Instant.now());
      try (LogSource source = options.open(follow)) {
        RecordPrinter printer = new RecordPrinter(out, options.format, source.positionName(), true);
        Latest latest = new Latest(Math.max(0, last));
        MatchingItems existing = new MatchingItems(query, options, latest);
        while (source.poll(existing, 4096) > 0) {
          // until everything stored so far was seen
        }
        latest.replay(printer);
        MatchingItems arriving = new MatchingItems(query, options, printer);
        // Until stopped (Ctrl-C ends a follow normally: exit 0), or until the output is gone (a
        // pipe whose reader exited).
        if (follow) {
          try (StopOnSignal stop = StopOnSignal.install()) {
            while (!stop.requested() && running.getAsBoolean() && !out.checkError()) {
              if (source.poll(arriving, 4096) == 0) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(pollMillis));
              }
            }
          }
        }
      }
      return 0;
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      return Main.EXIT_CONFIG;
    } catch (IOException e) {
      err.println("cannot read the log: " + e.getMessage());
      return 1;
    }
  }

  /** Keeps the last {@code n} items it is given. */
  private static final class Latest implements FileLogReader.Visitor {
    private final int n;
    private final ArrayDeque<Consumer<FileLogReader.Visitor>> kept = new ArrayDeque<>();

    Latest(int n) {
      this.n = n;
    }

    @Override
    public void event(long position, StoredEvent event) {
      keep(target -> target.event(position, event));
    }

    @Override
    public void record(long position, StoredRecord record) {
      keep(target -> target.record(position, record));
    }

    private void keep(Consumer<FileLogReader.Visitor> item) {
      if (n == 0) {
        return;
      }
      if (kept.size() == n) {
        kept.removeFirst();
      }
      kept.addLast(item);
    }

    /** Hands the kept items to {@code target}, oldest first. */
    void replay(FileLogReader.Visitor target) {
      kept.forEach(item -> item.accept(target));
    }
  }
}
