package io.eventstreamcore.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code bench}'s own checks of its options and its server, as the command line reports them. */
class BenchCommandTest {
  private final StringWriter err = new StringWriter();

  private int bench(String... args) throws IOException {
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(new StringWriter(), true));
    cli.setErr(new PrintWriter(err, true));
    String[] all = new String[args.length + 3];
    all[0] = "bench";
    all[1] = "--port";
    all[2] = Integer.toString(FixedPort.free());
    System.arraycopy(args, 0, all, 3, args.length);
    return cli.execute(all);
  }

  @Test
  void durationsTakeTheUnitsConfigurationTakesAndABadOneIsNamed() throws IOException {
    assertThat(bench("-d", "10")).isEqualTo(2);
    assertThat(bench("-d", "5x")).isEqualTo(2);
    assertThat(bench("-d", "0s")).isEqualTo(2);
    assertThat(bench("-d", "2s", "--warmup", "3s")).isEqualTo(2);
    assertThat(err.toString())
        .contains(
            "bench: --duration must be a duration with its unit, such as 500ms, 30s or 5m;"
                + " was 10")
        .contains("was 5x")
        .contains("bench: --duration must be positive, was 0s")
        .contains("bench: --warmup must be at least 0 and less than --duration (2s), was 3s");
  }

  @Test
  void aServerThatIsNotThereIsSaidWithoutAnExceptionClass() throws IOException {
    assertThat(bench("-d", "500ms")).isEqualTo(1); // 500ms parses: the connect is what fails
    assertThat(err.toString()).startsWith("bench: cannot connect to ").doesNotContain("Exception");
  }
}
