package io.eventstreamcore.deploy.cli;

import io.eventstreamcore.deploy.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dead-letters list}: prints the stored dead letters that match the filters. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = {
      "Print the stored dead letters of the file log or the SQL tables, oldest first.",
      "Filtered by reason, topic, time and event id.",
      "Exit 0; 1 when the log cannot be read; 2 for bad options."
    })
public final class DeadLetterListCommand implements Callable<Integer> {
  @Mixin LogQueryOptions options;

  @Option(
      names = "--reason",
      paramLabel = "REASON",
      description = "Only this reason: handler-gave-up, late, overload or handler.")
  String reason;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      RecordPrinter printer = new RecordPrinter(out, options.format, "position", false);
      long listed =
          DeadLettersCommand.forEach(
              options,
              DeadLettersCommand.Filter.of(options, reason),
              record -> {
                printer.record(-1, record);
                return !out.checkError(); // stop once the output is gone (| head)
              });
      out.flush();
      err.println(listed + " dead letter(s)");
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
