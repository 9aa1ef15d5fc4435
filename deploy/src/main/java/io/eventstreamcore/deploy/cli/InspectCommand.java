package io.eventstreamcore.deploy.cli;

import io.eventstreamcore.deploy.Main;
import io.eventstreamcore.engine.spi.EventQuery;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code inspect}: prints the stored events that match the filters, oldest first, from the file log
 * or the SQL tables. Reads only, so it can run beside the service that writes them.
 */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description = {
      "Print stored events of the file log or the SQL tables, oldest first.",
      "With --records also alerts, windows, dead letters and derived events; filtered by topic,"
          + " time and event id. Read-only: safe beside a running service.",
      "Exit 0; 1 when the log cannot be read, or not all of it (a corrupt record); 2 for bad"
          + " options."
    })
public final class InspectCommand implements Callable<Integer> {
  @Mixin LogQueryOptions options;

  @Option(
      names = {"-n", "--limit"},
      paramLabel = "N",
      description = "Print at most N events (default: all).")
  int limit = Integer.MAX_VALUE;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    OptionChecks.atLeast(spec, "--limit", limit, 0);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      EventQuery query = options.query(Instant.now()).limit(limit);
      long printed;
      String unread;
      try (LogSource source = options.open(false)) {
        MatchingItems matching =
            new MatchingItems(
                query,
                options,
                new RecordPrinter(out, options.format, source.positionName(), false));
        // Until everything stored so far was seen, the limit's events printed when records are
        // not asked for, or the output is gone (a pipe whose reader exited).
        while (!out.checkError()
            && (options.records || matching.events() < limit)
            && source.poll(matching, 4096) > 0) {
          // polls on
        }
        if (options.records && !out.checkError()) {
          source.separateRecords(
              record -> {
                matching.record(-1, record);
                return !out.checkError();
              });
        }
        printed = matching.events();
        unread = source.unreadParts();
      }
      out.flush();
      err.println(printed + " event(s)");
      if (unread != null) {
        err.println("the log was not read whole: " + unread);
        return 1;
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
}
