package io.eventstreamcore.deploy;

import io.eventstreamcore.engine.spi.EventQuery;
import io.eventstreamcore.engine.spi.StoredEvent;
import io.eventstreamcore.engine.spi.StoredRecord;
import io.eventstreamcore.storage.file.FileLogReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code inspect}: prints the events of a file log that match the filters, oldest first. Reads the
 * segment files only, so it can run beside the service that writes them.
 */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description = {
      "Print stored events of a file log (and with --records its alerts and windows),",
      "oldest first, filtered by topic, time and event id. Safe beside a running service.",
      "Exit 0; 1 when the log cannot be read; 2 for bad options."
    })
final class InspectCommand implements Callable<Integer> {
  @Mixin LogQueryOptions options;

  @Option(
      names = {"-n", "--limit"},
      paramLabel = "N",
      description = "Print at most N events (default: all).")
  int limit = Integer.MAX_VALUE;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      EventQuery query = options.query(Instant.now()).limit(limit);
      RecordPrinter printer = new RecordPrinter(out, options.format);
      long[] printed = new long[1];
      FileLogReader.read(
          options.directory(),
          new FileLogReader.Visitor() {
            @Override
            public void event(long offset, StoredEvent event) {
              if (printed[0] < query.limit() && query.matches(event)) {
                printer.event(offset, event);
                printed[0]++;
              }
            }

            @Override
            public void record(long offset, StoredRecord record) {
              if (options.matches(record)) {
                printer.record(offset, record);
              }
            }
          });
      out.flush();
      err.println(printed[0] + " event(s)");
      return 0;
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      return Main.EXIT_CONFIG;
    } catch (IOException e) {
      err.println("cannot read the log: " + e.getMessage());
      return 1;
    }
  }
}
