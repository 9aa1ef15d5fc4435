package io.eventstreamcore.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The distribution's launcher script, run against a stand-in JDK that prints its arguments. */
class LauncherTest {
  private static final Path LAUNCHER = Path.of("src", "dist", "bin", "eventstream");

  @TempDir Path jdk;

  /** JVM options only some JDK versions know: any other one refuses to start with them. */
  @ParameterizedTest
  @CsvSource({
    "17.0.8, false",
    "17.0.9, true",
    "17.0.15, true",
    "20.0.2, false",
    "21, false",
    "21.0.1, true",
    "22, true",
    "25.0.1, true"
  })
  void nativeHeapTrimmingOnlyWhereTheJdkHasIt(String version, boolean trims) throws Exception {
    String printed = launch(version);
    assertThat(printed).contains("io.eventstreamcore.deploy.Main serve");
    assertThat(printed.contains("-XX:TrimNativeHeapInterval=")).isEqualTo(trims);
    assertThat(printed).contains("-XX:+ExitOnOutOfMemoryError");
  }

  /** Runs the launcher with no arguments (serve) under a JDK of {@code version}. */
  private String launch(String version) throws IOException, InterruptedException {
    Files.writeString(jdk.resolve("release"), "JAVA_VERSION=\"" + version + "\"\n");
    Path java = Files.createDirectories(jdk.resolve("bin")).resolve("java");
    Files.writeString(java, "#!/bin/sh\necho \"$@\"\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    ProcessBuilder builder = new ProcessBuilder("bash", LAUNCHER.toString());
    builder.environment().put("JAVA_HOME", jdk.toString());
    builder.environment().remove("EVENTSTREAM_OPTS");
    builder.environment().remove("EVENTSTREAM_GC");
    Process process = builder.redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(out).isZero();
    return out;
  }
}
