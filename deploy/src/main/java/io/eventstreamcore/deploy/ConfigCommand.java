package io.eventstreamcore.deploy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigRenderOptions;
import io.eventstreamcore.engine.metrics.EngineMetrics;
import io.eventstreamcore.processors.ProcessorHandlers;
import java.io.File;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code config}: commands about the service's configuration. */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description = "Check a configuration file.",
    subcommands = {ConfigCommand.Check.class})
final class ConfigCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }

  /**
   * {@code config check}: validates a configuration exactly as {@code serve} would, without
   * starting anything, and prints the effective configuration.
   */
  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description = {
        "Validate a configuration file as serve would and print the effective configuration",
        "(the file over every default, under -D overrides). Exit 0 when valid, 2 when not."
      })
  static final class Check implements Callable<Integer> {
    @Option(
        names = {"-c", "--config"},
        paramLabel = "FILE",
        description = "Configuration file (HOCON); defaults to -Dconfig.file or built-in defaults.")
    File config;

    @Option(names = "--json", description = "Print the effective configuration as JSON.")
    boolean json;

    @Option(
        names = {"-q", "--quiet"},
        description = "Print nothing when valid.")
    boolean quiet;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      Config resolved;
      try {
        resolved = Main.load(config);
        ServiceSettings settings = ServiceSettings.of(resolved);
        // As serve does: every handler class is loaded and constructed (not started).
        ProcessorHandlers.create(
            settings.processors(),
            settings.engine(),
            new EngineMetrics(),
            Thread.currentThread().getContextClassLoader());
      } catch (ConfigException e) {
        spec.commandLine().getErr().println("configuration error: " + e.getMessage());
        return Main.EXIT_CONFIG;
      }
      if (!quiet) {
        // The configuration on stdout (pipeable, e.g. into jq with --json), the verdict on stderr.
        PrintWriter out = spec.commandLine().getOut();
        ConfigRenderOptions render =
            ConfigRenderOptions.defaults()
                .setOriginComments(false)
                .setComments(false)
                .setJson(json)
                .setFormatted(true);
        out.println(resolved.getConfig("eventstream").atKey("eventstream").root().render(render));
        out.flush();
        spec.commandLine()
            .getErr()
            .println("valid: " + (config == null ? "built-in defaults" : config.getPath()));
      }
      return 0;
    }
  }
}
