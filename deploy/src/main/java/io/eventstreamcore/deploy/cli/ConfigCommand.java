package io.eventstreamcore.deploy.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import io.eventstreamcore.deploy.EventStreamService;
import io.eventstreamcore.deploy.Main;
import java.io.File;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code config}: commands about the service's configuration. */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description = "Check a configuration file.",
    subcommands = {ConfigCommand.Check.class})
public final class ConfigCommand implements Callable<Integer> {
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
    private static final String HIDDEN = "[hidden]";
    private static final Pattern SECRET_KEY =
        Pattern.compile(
            "password|secret|jaas|token|credential|keystore\\.key|certificate",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern URL_PASSWORD =
        Pattern.compile("([?&;]password=)[^&;]*", Pattern.CASE_INSENSITIVE);

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
        EventStreamService.check(resolved);
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
        out.println(
            redacted(resolved.getConfig("eventstream")).atKey("eventstream").root().render(render));
        out.flush();
        spec.commandLine()
            .getErr()
            .println("valid: " + (config == null ? "built-in defaults" : config.getPath()));
      }
      return 0;
    }

    /**
     * {@code eventstream} with the values of keys that name secrets (passwords, JAAS
     * configurations, tokens) and a URL's {@code password=} parameter shown as {@code [hidden]}, as
     * Kafka logs its passwords: the output goes to terminals, tickets and CI logs.
     */
    static Config redacted(Config eventstream) {
      Config shown = eventstream;
      for (Map.Entry<String, ConfigValue> entry : eventstream.entrySet()) {
        String key = entry.getKey();
        Object value = entry.getValue().unwrapped();
        if (SECRET_KEY.matcher(key).find() && !"".equals(value)) {
          shown = shown.withValue(key, ConfigValueFactory.fromAnyRef(HIDDEN));
        } else if (value instanceof String text && URL_PASSWORD.matcher(text).find()) {
          String masked = URL_PASSWORD.matcher(text).replaceAll("$1" + HIDDEN);
          shown = shown.withValue(key, ConfigValueFactory.fromAnyRef(masked));
        }
      }
      return shown;
    }
  }
}
