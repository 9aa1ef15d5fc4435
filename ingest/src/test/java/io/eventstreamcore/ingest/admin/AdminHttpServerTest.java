package io.eventstreamcore.ingest.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The admin server's connection bound as a health probe meets it, over TCP: connections that ask
 * for nothing do not keep a probe out.
 */
class AdminHttpServerTest {
  private static final String PROBE = "GET /health/live HTTP/1.1\r\nHost: admin\r\n\r\n";
  // How long a test waits for an answer or a close that must come (never reached when it works).
  private static final int READ_TIMEOUT_MILLIS = 10_000;

  private AdminHttpServer server;
  private InetSocketAddress address;

  private void start(int maxConnections) throws InterruptedException {
    AdminSettings settings =
        new AdminSettings(
            ConfigFactory.parseString(
                "eventstream.admin { enabled = true, host = 127.0.0.1, port = 0,"
                    + " idle-timeout = 60s, max-connections = "
                    + maxConnections
                    + " }"));
    server =
        new AdminHttpServer(
            settings, new PrometheusRegistry(), () -> true, () -> true, () -> "{}", 300);
    address = server.start();
  }

  @AfterEach
  void stop() throws InterruptedException {
    server.close();
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket(address.getAddress(), address.getPort());
    socket.setSoTimeout(READ_TIMEOUT_MILLIS);
    return socket;
  }

  /** Sends {@code request} and returns the answer's status line, reading the answer whole. */
  private static String ask(Socket socket, String request) throws IOException {
    socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed before an answer: " + head);
      }
      head.write(b);
    }
    String headers = head.toString(StandardCharsets.US_ASCII);
    int length =
        Integer.parseInt(headers.replaceAll("(?is).*content-length: *([0-9]+).*", "$1").trim());
    in.readNBytes(length);
    return headers.substring(0, headers.indexOf("\r\n"));
  }

  @Test
  void idleConnectionsAtTheBoundMakeRoomForAProbeTheLongestIdleFirst() throws Exception {
    start(2);
    try (Socket first = connect();
        Socket second = connect()) {
      assertThat(ask(first, PROBE)).isEqualTo("HTTP/1.1 200 OK");
      assertThat(ask(second, PROBE)).isEqualTo("HTTP/1.1 200 OK");
      // Both stay open, idle (a scraper's keep-alive, or a client holding places).
      try (Socket probe = connect()) {
        assertThat(ask(probe, PROBE)).isEqualTo("HTTP/1.1 200 OK");
      }
      assertThat(first.getInputStream().read()).as("the longest idle, closed").isEqualTo(-1);
      assertThat(ask(second, PROBE)).isEqualTo("HTTP/1.1 200 OK");
    }
  }

  @Test
  void aRequestThatTricklesInIsCutOffAtItsDeadline() throws Exception {
    start(2);
    try (Socket slow = connect()) {
      slow.getOutputStream().write("GET /hea".getBytes(StandardCharsets.US_ASCII));
      // Closed 300 ms after its first byte, long before the 60 s idle timeout.
      assertThat(slow.getInputStream().read()).isEqualTo(-1);
    }
  }
}
