package io.eventstreamcore.deploy;

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
      "Print the last stored events of the file log or the SQL tables; with -f, follow them",
      "as they grow (Ctrl-C stops). Alerts and windows (--records) from the file log only.",
      "Exit 0; 1 when the log cannot be read; 2 for bad options."
    })
final class TailCommand implements Callable<Integer> {
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
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      EventQuery query = options.query(Instant.now());
      try (LogSource source = options.open()) {
        RecordPrinter printer = new RecordPrinter(out, options.format, source.positionName());
        Latest latest = new Latest(query, Math.max(0, last));
        while (source.poll(latest, 4096) > 0) {
          // until everything stored so far was seen
        }
        latest.printTo(printer);
        out.flush();
        FileLogReader.Visitor printing = new Printing(query, printer, out);
        while (follow && running.getAsBoolean()) {
          if (source.poll(printing, 4096) == 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(pollMillis));
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

  /** Keeps the last {@code n} matching items of a pass over the log. */
  private final class Latest implements FileLogReader.Visitor {
    private final EventQuery query;
    private final int n;
    private final ArrayDeque<Runnable> kept = new ArrayDeque<>();
    private RecordPrinter printer;

    Latest(EventQuery query, int n) {
      this.query = query;
      this.n = n;
    }

    @Override
    public void event(long offset, StoredEvent event) {
      if (query.matches(event)) {
        keep(() -> printer.event(offset, event));
      }
    }

    @Override
    public void record(long offset, StoredRecord record) {
      if (options.matches(record)) {
        keep(() -> printer.record(offset, record));
      }
    }

    private void keep(Runnable print) {
      if (n == 0) {
        return;
      }
      if (kept.size() == n) {
        kept.removeFirst();
      }
      kept.addLast(print);
    }

    void printTo(RecordPrinter target) {
      printer = target;
      kept.forEach(Runnable::run);
    }
  }

  /** Prints each matching item as the follow delivers it. */
  private final class Printing implements FileLogReader.Visitor {
    private final EventQuery query;
    private final RecordPrinter printer;
    private final PrintWriter out;

    Printing(EventQuery query, RecordPrinter printer, PrintWriter out) {
      this.query = query;
      this.printer = printer;
      this.out = out;
    }

    @Override
    public void event(long offset, StoredEvent event) {
      if (query.matches(event)) {
        printer.event(offset, event);
        out.flush();
      }
    }

    @Override
    public void record(long offset, StoredRecord record) {
      if (options.matches(record)) {
        printer.record(offset, record);
        out.flush();
      }
    }
  }
}
