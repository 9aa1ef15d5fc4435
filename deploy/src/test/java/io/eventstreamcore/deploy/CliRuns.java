package io.eventstreamcore.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** Runs the CLI in-process for tests, and reads what its JSON-lines output says. */
final class CliRuns {
  private CliRuns() {}

  /** The CLI with its output and errors discarded. */
  static CommandLine quiet() {
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(new StringWriter(), true));
    cli.setErr(new PrintWriter(new StringWriter(), true));
    return cli;
  }

  /** Runs a command that must succeed; returns what it printed. */
  static String run(String... args) {
    StringWriter out = new StringWriter();
    CommandLine cli = quiet();
    cli.setOut(new PrintWriter(out, true));
    assertThat(cli.execute(args)).isZero();
    return out.toString();
  }

  /** Every non-blank line, as JSON. */
  static List<JsonNode> jsonLines(String text) throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> nodes = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (!line.isBlank()) {
        nodes.add(json.readTree(line));
      }
    }
    return nodes;
  }

  /** The JSON lines whose {@code kind} is {@code kind}. */
  static List<JsonNode> jsonLinesOfKind(String text, String kind) throws Exception {
    return jsonLines(text).stream().filter(n -> n.get("kind").asText().equals(kind)).toList();
  }
}
