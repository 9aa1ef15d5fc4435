package io.eventstreamcore.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Finds Debian's {@code prometheus} and {@code promtool} and runs promtool. Without them the tests
 * skip with a message, unless {@code EVENTSTREAM_REQUIRE_PROMETHEUS=1} (set by .ci/run, which
 * installs the package) makes their absence a failure.
 */
final class PrometheusTools {
  private PrometheusTools() {}

  /** The deploy module's prometheus/ directory (tests run with the module as working directory). */
  static final Path RULES_DIR = Path.of("prometheus").toAbsolutePath();

  /** The binary's path; skips (or fails when required) the test if it is not installed. */
  static Path require(String binary) {
    Path path = Path.of("/usr/bin", binary);
    boolean present = Files.isExecutable(path);
    if (!present && "1".equals(System.getenv("EVENTSTREAM_REQUIRE_PROMETHEUS"))) {
      throw new AssertionError(
          binary + " is required (EVENTSTREAM_REQUIRE_PROMETHEUS=1) but missing");
    }
    assumeTrue(
        present,
        binary
            + " not installed: `apt-get install prometheus` to run the Prometheus tests"
            + " (.ci/run does)");
    return path;
  }

  /** Result of one promtool run. */
  record Run(int exitCode, String output) {}

  /** Runs promtool with {@code args}, feeding {@code stdin} when not null. */
  static Run promtool(String stdin, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(require("promtool").toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (stdin != null) {
      process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
    return new Run(process.exitValue(), output);
  }
}
