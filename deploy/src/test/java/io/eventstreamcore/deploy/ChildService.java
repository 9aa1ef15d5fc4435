package io.eventstreamcore.deploy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The service as a child JVM ({@code serve --config}), with this JVM's class path and the module
 * flags Chronicle Wire needs (taken from this JVM's own arguments, which surefire's argLine set).
 */
final class ChildService implements AutoCloseable {
  private static final Pattern LISTENING =
      Pattern.compile("ingest listening on /127\\.0\\.0\\.1:(\\d+)");

  private final Process process;
  private final int port;
  private final Thread drain;

  private ChildService(Process process, int port, Thread drain) {
    this.process = process;
    this.port = port;
    this.drain = drain;
  }

  /** Starts the service on {@code conf} and waits until it listens. */
  static ChildService start(Path conf) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmFlags());
    command.add("-Xmx256m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("io.eventstreamcore.deploy.Main");
    command.addAll(List.of("serve", "--config", conf.toString()));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      BufferedReader output =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      int port = awaitPort(output);
      // Keep reading the child's log so that it never blocks on a full pipe.
      Thread drain = new Thread(() -> drain(output), "service-log-drain");
      drain.start();
      return new ChildService(process, port, drain);
    } catch (IOException | RuntimeException | Error e) {
      process.destroyForcibly();
      throw e;
    }
  }

  /** The module flags of this JVM ({@code --add-opens}, {@code --add-exports}, Chronicle's). */
  static List<String> jvmFlags() {
    List<String> flags = new ArrayList<>();
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("--add-opens")
          || arg.startsWith("--add-exports")
          || arg.startsWith("-Dchronicle.")) {
        flags.add(arg);
      }
    }
    return flags;
  }

  int port() {
    return port;
  }

  Process process() {
    return process;
  }

  /** SIGKILL (on Linux): no shutdown hook, no drain, no flush. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      throw new AssertionError("child did not die after SIGKILL");
    }
    drain.join(5_000);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }

  private static void drain(BufferedReader output) {
    try {
      while (output.readLine() != null) {
        // discard
      }
    } catch (IOException ignored) {
      // the stream closes when the process exits
    }
  }

  private static int awaitPort(BufferedReader output) throws IOException {
    String line;
    while ((line = output.readLine()) != null) {
      Matcher m = LISTENING.matcher(line);
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
    }
    throw new AssertionError("service exited before listening");
  }
}
