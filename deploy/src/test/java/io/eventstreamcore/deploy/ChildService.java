package io.eventstreamcore.deploy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The service as a child JVM ({@code serve --config}), with this JVM's class path and the module
 * flags Chronicle Wire needs (taken from this JVM's own arguments, which surefire's argLine set).
 * Its log is read by a thread of its own from the start, so the child never blocks on a full pipe,
 * and kept, so a test can wait for a line.
 */
final class ChildService implements AutoCloseable {
  private static final Pattern LISTENING =
      Pattern.compile("ingest listening on /127\\.0\\.0\\.1:(\\d+)");
  private static final Duration STARTUP = Duration.ofSeconds(60);

  private final Process process;
  private final Thread drain;
  private int port; // set once by start(), before the child is handed out
  private final Object lock = new Object();
  // Guarded by lock: every line logged so far, and whether the log has ended.
  private final List<String> log = new ArrayList<>();
  private boolean ended;

  private ChildService(Process process) {
    this.process = process;
    BufferedReader output =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    this.drain = new Thread(() -> drain(output), "service-log-drain");
    drain.start();
  }

  /** Starts the service on {@code conf} and waits until it listens and serves. */
  static ChildService start(Path conf) throws IOException {
    return start(conf, List.of());
  }

  /**
   * Starts the service on {@code conf} under {@code wrapper} (a command such as {@code nohup} that
   * runs the rest of its arguments) and waits until it listens and serves.
   */
  static ChildService start(Path conf, List<String> wrapper) throws IOException {
    ChildService child = launch(conf, wrapper);
    try {
      Matcher m = LISTENING.matcher(child.awaitLine("ingest listening on", STARTUP));
      if (!m.find()) {
        throw new AssertionError("unexpected listening line");
      }
      child.port = Integer.parseInt(m.group(1));
      // Ingest listens before serve counts the service as started: a SIGTERM in between exits at
      // once, without the stop's drain and flush, as one during a start does.
      child.awaitLine("EventStreamCore ready", STARTUP);
      return child;
    } catch (RuntimeException | Error e) {
      try {
        child.close();
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
      throw e;
    }
  }

  /** Starts the service on {@code conf} under {@code wrapper}, without waiting for anything. */
  static ChildService launch(Path conf, List<String> wrapper) throws IOException {
    List<String> command = new ArrayList<>(wrapper);
    command.addAll(mainCommand("-Xmx256m", "serve", "--config", conf.toString()));
    return new ChildService(new ProcessBuilder(command).redirectErrorStream(true).start());
  }

  /**
   * A command running {@code Main} with {@code args} in a JVM of this one's JDK, class path and
   * module flags, plus {@code jvmOption}.
   */
  static List<String> mainCommand(String jvmOption, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmFlags());
    command.add(jvmOption);
    command.addAll(List.of("-cp", System.getProperty("java.class.path")));
    command.add(Main.class.getName());
    command.addAll(List.of(args));
    return command;
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

  /** SIGTERM (on Linux), then waits for the child to exit; returns its exit code. */
  int terminate() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      throw new AssertionError("child did not exit within 20s of SIGTERM");
    }
    drain.join(5_000);
    return process.exitValue();
  }

  /**
   * The first line of the child's log, from its start on, that contains {@code part}; waits for it
   * at most {@code timeout}.
   */
  String awaitLine(String part, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      int next = 0;
      while (true) {
        for (; next < log.size(); next++) {
          if (log.get(next).contains(part)) {
            return log.get(next);
          }
        }
        long left = deadline - System.nanoTime();
        if (ended || left <= 0) {
          throw new AssertionError(
              "service "
                  + (ended ? "ended its log" : "logged for " + timeout)
                  + " without a line containing '"
                  + part
                  + "'; its log:\n"
                  + String.join("\n", log));
        }
        try {
          lock.wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted waiting for '" + part + "'", e);
        }
      }
    }
  }

  /** Whether a line logged so far contains {@code part}. */
  boolean logged(String part) {
    synchronized (lock) {
      return log.stream().anyMatch(line -> line.contains(part));
    }
  }

  /** Kills the child if it still runs, and joins the thread reading its log. */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
    drain.join(5_000);
  }

  private void drain(BufferedReader output) {
    try {
      String line;
      while ((line = output.readLine()) != null) {
        synchronized (lock) {
          log.add(line);
          lock.notifyAll();
        }
      }
    } catch (IOException ignored) {
      // the stream closes when the process exits
    } finally {
      synchronized (lock) {
        ended = true;
        lock.notifyAll();
      }
    }
  }
}
