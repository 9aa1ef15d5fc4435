package io.eventstreamcore.deploy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import io.eventstreamcore.deploy.cli.ConfigCommand;
import io.eventstreamcore.deploy.cli.DeadLettersCommand;
import io.eventstreamcore.deploy.cli.InspectCommand;
import io.eventstreamcore.deploy.cli.SendCommand;
import io.eventstreamcore.deploy.cli.TailCommand;
import io.eventstreamcore.deploy.load.LoadGeneratorCommand;
import java.io.BufferedWriter;
import java.io.File;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
// CHECKSTYLE:OFF IllegalImport: sun.misc.Signal is the only way to exit 0 on SIGTERM.
import sun.misc.Signal;
import sun.misc.SignalHandler;

// CHECKSTYLE:ON

/** Command-line entry point of EventStreamCore. */
@Command(
    name = "eventstream",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "EventStreamCore: high-performance event processing service.",
    subcommands = {
      Main.Serve.class,
      SendCommand.class,
      InspectCommand.class,
      TailCommand.class,
      ConfigCommand.class,
      LoadGeneratorCommand.class,
      DeadLettersCommand.class
    })
public final class Main implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  /** Exit code of a configuration that does not load or validate. */
  public static final int EXIT_CONFIG = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Runs the CLI and exits with its code. */
  public static void main(String[] args) {
    CommandLine cli = commandLine();
    // Standard output as UTF-8 whatever the locale, and a writer whose checkError() sees a write
    // that failed, a closed pipe (| head) say: System.out would swallow it and keep a follow going.
    PrintWriter out =
        new PrintWriter(
            new BufferedWriter(
                new OutputStreamWriter(
                    new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8)));
    cli.setOut(out);
    int code = cli.execute(args);
    out.flush();
    System.exit(code);
  }

  /**
   * The command line: enum values in any case; a bad option or an unexpected failure is reported in
   * one line (and a pointer to --help), not a usage page or a stack trace.
   */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
    cli.setParameterExceptionHandler(
        (e, args) -> {
          CommandLine failed = e.getCommandLine();
          failed.getErr().println(e.getMessage());
          failed.getErr().println("Try '" + failed.getCommandSpec().qualifiedName() + " --help'.");
          return EXIT_CONFIG;
        });
    cli.setExecutionExceptionHandler(
        (e, failed, parsed) -> {
          failed.getErr().println("error: " + e);
          LOG.debug("command failed", e);
          return 1;
        });
    return cli;
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }

  /** The version of this build, from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"EventStreamCore " + ServiceStatus.version()};
    }
  }

  /**
   * {@code serve}: runs the service until SIGTERM or Ctrl-C, then stops cleanly; or until the
   * pipeline fails for good, then stops and exits 1.
   */
  @Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the service.")
  static final class Serve implements Callable<Integer> {
    // Queued with the signals when the pipeline fails.
    private static final String FAILED = "pipeline failed";

    @Option(
        names = {"-c", "--config"},
        description = "Configuration file (HOCON); defaults to -Dconfig.file or built-in defaults.")
    File config;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      Config resolved;
      try {
        resolved = load(config);
      } catch (ConfigException e) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("configuration error: " + e.getMessage());
        return EXIT_CONFIG;
      }
      // Signals are queued to this thread: TERM and INT stop (exit 0, not 128+signal), HUP
      // reloads the topic table and alert rules from the same file. The JVM leaves a signal that
      // was ignored when it started ignored: nohup does that to HUP (and a shell to INT for a
      // background job, which TERM still stops). TERM or INT while starting exits at once.
      BlockingQueue<String> signals = new LinkedBlockingQueue<>();
      AtomicBoolean serving = new AtomicBoolean();
      for (String name : List.of("TERM", "INT", "HUP")) {
        SignalHandler previous =
            Signal.handle(
                new Signal(name),
                signal -> {
                  if (!serving.get() && !"HUP".equals(signal.getName())) {
                    exitWhileStarting(signal.getName());
                  }
                  signals.add(signal.getName());
                });
        if ("HUP".equals(name) && previous == SignalHandler.SIG_IGN) {
          LOG.warn(
              "SIGHUP was ignored when the service started (nohup?) and stays ignored: the topic"
                  + " table and alert rules reload only on restart");
        }
      }
      EventStreamService started = start(resolved);
      if (started == null) {
        return EXIT_CONFIG;
      }
      serving.set(true);
      try (EventStreamService service = started) {
        service.onFailure(() -> signals.add(FAILED));
        LOG.info(
            "EventStreamCore ready: ingest {} admin {}",
            service.ingestAddress(),
            service.adminAddress());
        String signal;
        while ("HUP".equals(signal = signals.take())) {
          reload(service);
        }
        if (FAILED.equals(signal)) {
          LOG.error(
              "stopping: the pipeline failed for good (see above) and acknowledges nothing more;"
                  + " exit status 1, for a supervisor to restart the service");
          return 1;
        }
      }
      return 0;
    }

    /**
     * A stop asked for while the service starts (a dedup rebuild over a large log can take minutes)
     * would otherwise wait for the start to end, past a supervisor's stop timeout. Nothing is
     * acknowledged before the start ends, and storage recovers at the next start as after a crash,
     * so the process just exits.
     */
    private static void exitWhileStarting(String signal) {
      LOG.info("SIG{} while starting: exiting (storage recovers at the next start)", signal);
      System.exit(0);
    }

    /**
     * Starts the service; when the configuration cannot run, says why in one line and returns null.
     */
    private EventStreamService start(Config resolved) throws IOException, InterruptedException {
      PrintWriter err = spec.commandLine().getErr();
      try {
        return EventStreamService.start(resolved);
      } catch (ConfigException e) {
        err.println("configuration error: " + e.getMessage());
      } catch (IllegalStateException e) {
        if (!(e.getCause() instanceof ConfigException)) {
          throw e;
        }
        // A handler's start() read a bad value from its own config: as bad as any other key.
        err.println("configuration error: " + e.getMessage());
      } catch (OutOfMemoryError e) {
        // The ring, the dedup window and the memory backend are allocated whole at start.
        err.println(
            "configuration error: the service does not fit in the heap ("
                + Runtime.getRuntime().maxMemory() / (1024 * 1024)
                + " MB): eventstream.ring.size, eventstream.dedup.max-keys and"
                + " eventstream.storage.memory.max-bytes are allocated at start; lower them, or"
                + " give the JVM more with EVENTSTREAM_OPTS=-Xmx...");
      } catch (LinkageError e) {
        err.println(
            "configuration error: a class could not be loaded or linked ("
                + e
                + "): is a handler's jar, or one it needs, missing from lib/?");
      }
      return null;
    }

    /** Reloads the running service from the configuration file; a bad file changes nothing. */
    private void reload(EventStreamService service) {
      try {
        service.reload(load(config));
      } catch (RuntimeException e) {
        // A bad file (ConfigException, an invalid path, a handler factory that fails to load)
        // must never stop the running service.
        LOG.warn("reload refused, configuration unchanged: {}", e.toString());
      }
    }
  }

  /**
   * Defaults from every module's reference.conf, under the given file, under -D overrides; without
   * a file, Typesafe Config's default one ({@code -Dconfig.file}, or application.conf), read again
   * each time (a reload must see the file as it is now, not as the first load cached it).
   */
  public static Config load(File file) {
    if (file == null) {
      ConfigFactory.invalidateCaches();
      return ConfigFactory.load();
    }
    if (!file.isFile()) {
      throw new ConfigException.IO(
          com.typesafe.config.ConfigOriginFactory.newSimple(file.getPath()), "no such file");
    }
    Config parsed =
        ConfigFactory.parseFile(file, ConfigParseOptions.defaults().setAllowMissing(false));
    return ConfigFactory.defaultOverrides()
        .withFallback(parsed)
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }
}
