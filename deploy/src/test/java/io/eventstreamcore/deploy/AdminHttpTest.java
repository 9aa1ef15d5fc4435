package io.eventstreamcore.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventstreamcore.ingest.admin.AdminHttpServer;
import io.eventstreamcore.ingest.admin.AdminSettings;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The admin port under requests it cannot serve as asked. */
class AdminHttpTest {
  private static EventStreamService service;

  @BeforeAll
  static void start() throws Exception {
    service =
        EventStreamService.start(
            TestConfigs.withOverrides("eventstream.storage.backends = [memory]\n"));
  }

  @AfterAll
  static void stop() throws InterruptedException {
    service.close();
  }

  @Test
  void aScraperThatPrefersProtobufGetsTheTextFormat() throws Exception {
    // What Prometheus sends with native histograms on; this service ships no protobuf writer.
    String accept =
        "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;"
            + "encoding=delimited;q=0.6,text/plain;version=0.0.4;q=0.3,*/*;q=0.2";
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:" + service.adminAddress().getPort() + "/metrics"))
                    .header("Accept", accept)
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).get().asString().startsWith("text/");
    assertThat(response.body()).contains("eventstream_frames_received_total");
  }

  @Test
  void aRequestWithAHeaderTooLongIsABadRequestNotAnAnswer() throws Exception {
    String request =
        "GET /health/ready HTTP/1.1\r\nHost: x\r\nX-Long: " + "a".repeat(9_000) + "\r\n\r\n";
    assertThat(rawExchange(request)).startsWith("HTTP/1.1 400");
  }

  @Test
  void aPathWithABrokenEscapeIsABadRequest() throws Exception {
    assertThat(rawExchange("GET /metrics%zz HTTP/1.1\r\nHost: x\r\n\r\n"))
        .startsWith("HTTP/1.1 400");
  }

  @Test
  void livenessFailsOnceTheServiceCannotRecoverWithoutARestart() throws Exception {
    AtomicBoolean live = new AtomicBoolean(true);
    AdminHttpServer server = standalone("", live::get);
    int port = server.start().getPort();
    try {
      String url = "http://127.0.0.1:" + port + "/health/live";
      assertThat(AdminHttp.get(url).statusCode()).isEqualTo(200);

      live.set(false); // as after a writer or the acknowledger failed for good

      HttpResponse<String> failed = AdminHttp.get(url);
      assertThat(failed.statusCode()).isEqualTo(503);
      assertThat(failed.body()).contains("restart");
    } finally {
      server.close();
    }
  }

  @Test
  void aConnectionThatSendsNothingIsClosedAfterTheIdleTimeout() throws Exception {
    AdminHttpServer server = standalone("eventstream.admin.idle-timeout = 300ms", () -> true);
    int port = server.start().getPort();
    try (Socket idle = new Socket("127.0.0.1", port)) {
      idle.setSoTimeout(10_000); // without the timeout: SocketTimeoutException after 10 s

      assertThat(idle.getInputStream().read()).as("closed by the server").isEqualTo(-1);
    } finally {
      server.close();
    }
  }

  @Test
  void aConnectionBeyondTheBoundClosesTheOneIdleLongest() throws Exception {
    AdminHttpServer server = standalone("eventstream.admin.max-connections = 2", () -> true);
    int port = server.start().getPort();
    // Accepted in this order; the first two never send anything.
    try (Socket first = new Socket("127.0.0.1", port);
        Socket second = new Socket("127.0.0.1", port);
        Socket third = new Socket("127.0.0.1", port)) {
      first.setSoTimeout(10_000);
      assertThat(first.getInputStream().read()).as("closed by the server").isEqualTo(-1);
      for (Socket kept : new Socket[] {second, third}) {
        kept.setSoTimeout(10_000);
        kept.getOutputStream()
            .write(
                "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        byte[] head = new byte[12];
        new DataInputStream(kept.getInputStream()).readFully(head);
        assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
      }
    } finally {
      server.close();
    }
  }

  /** An admin server of its own, always ready, with {@code overrides} and liveness {@code live}. */
  private static AdminHttpServer standalone(String overrides, BooleanSupplier live) {
    return new AdminHttpServer(
        new AdminSettings(TestConfigs.withOverrides(overrides)),
        new PrometheusRegistry(),
        live,
        () -> true,
        () -> "{}");
  }

  /** Sends {@code request} on a new connection; returns what came back until the server closed. */
  private static String rawExchange(String request) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", service.adminAddress().getPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
  }
}
