package io.eventstreamcore.deploy.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Bounds on option values that their types do not give: a value out of them is a usage error. */
final class OptionChecks {
  private OptionChecks() {}

  /** A TCP port to connect to. */
  static void port(CommandSpec spec, int port) {
    if (port < 1 || port > 65_535) {
      throw new ParameterException(spec.commandLine(), "--port must be 1..65535, was " + port);
    }
  }

  /** {@code value} of {@code option} at least {@code min}. */
  static void atLeast(CommandSpec spec, String option, long value, long min) {
    if (value < min) {
      throw new ParameterException(
          spec.commandLine(), option + " must be at least " + min + ", was " + value);
    }
  }
}
