package io.eventstreamcore.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The configuration the Kubernetes ConfigMap ships is valid, and honours the environment overrides
 * the README documents, as the shipped application.conf does.
 */
class KubernetesConfigTest {
  private static final Path CONFIG_MAP = Path.of("kubernetes/configmap.yaml");

  @Test
  void theConfigMapsFileHonoursThePortAndRingSizeOverrides(@TempDir Path dir) throws Exception {
    Path conf = dir.resolve("application.conf");
    Files.writeString(conf, applicationConf());
    Map<String, String> env =
        Map.of(
            "EVENTSTREAM_DATA_DIR", dir.resolve("data").toString(),
            "EVENTSTREAM_PORT", "9100",
            "EVENTSTREAM_ADMIN_PORT", "9565",
            "EVENTSTREAM_RING_SIZE", "1024");

    JsonNode effective = configCheck(conf, env);

    assertThat(effective.at("/eventstream/ingest/port").asInt()).isEqualTo(9100);
    assertThat(effective.at("/eventstream/admin/port").asInt()).isEqualTo(9565);
    assertThat(effective.at("/eventstream/ring/size").asInt()).isEqualTo(1024);
    JsonNode pinned = configCheck(conf, Map.of("EVENTSTREAM_DATA_DIR", dir.toString()));
    assertThat(pinned.at("/eventstream/ring/size").asInt()).isEqualTo(65536);
  }

  @Test
  void serviceLinksThatWouldSetThePortVariableAreTurnedOff(@TempDir Path dir) throws Exception {
    Path conf = dir.resolve("application.conf");
    Files.writeString(conf, applicationConf());
    // What Kubernetes puts in a pod's environment for the Service named eventstream.
    assertThat(Files.readString(Path.of("kubernetes/service.yaml"))).contains("name: eventstream");
    Process refused =
        configCheckProcess(
            conf,
            Map.of(
                "EVENTSTREAM_DATA_DIR",
                dir.toString(),
                "EVENTSTREAM_PORT",
                "tcp://10.96.0.12:9000"));
    assertThat(refused.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(refused.exitValue()).isEqualTo(2);
    assertThat(Files.readString(Path.of("kubernetes/deployment.yaml")))
        .contains("enableServiceLinks: false");
  }

  /** The application.conf block of the ConfigMap, its indentation removed. */
  private static String applicationConf() throws Exception {
    List<String> lines = Files.readAllLines(CONFIG_MAP, StandardCharsets.UTF_8);
    int start = lines.indexOf("  application.conf: |") + 1;
    assertThat(start).as("the ConfigMap's application.conf block").isPositive();
    return lines.subList(start, lines.size()).stream()
        .map(line -> line.length() >= 4 ? line.substring(4) : "")
        .collect(Collectors.joining("\n"));
  }

  /** {@code config check --json} of {@code conf} in a child JVM with {@code env} added. */
  private static JsonNode configCheck(Path conf, Map<String, String> env) throws Exception {
    Process process = configCheckProcess(conf, env);
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(out).isZero();
    return new ObjectMapper().readTree(out);
  }

  private static Process configCheckProcess(Path conf, Map<String, String> env) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(
            ChildService.mainCommand(
                "-Xmx64m", "config", "check", "--json", "-c", conf.toString()));
    builder.environment().keySet().removeIf(name -> name.startsWith("EVENTSTREAM_"));
    builder.environment().putAll(env);
    return builder.redirectError(ProcessBuilder.Redirect.DISCARD).start();
  }
}
