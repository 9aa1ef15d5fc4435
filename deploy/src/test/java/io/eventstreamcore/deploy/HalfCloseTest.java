package io.eventstreamcore.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eventstreamcore.engine.spi.ReadableBackend;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client that shuts its output down after its last frame (half-close, as {@code nc -N} does)
 * still gets the answers to everything it sent, then the server closes; one that never asked for
 * acks is closed at once. A client that stops in the middle of a frame for the frame timeout ends
 * the same way, without that frame. Plain sockets, as any client in any language would do it.
 */
class HalfCloseTest {
  private static final int FRAMES = 2_000;
  private EventStreamService service;

  @BeforeEach
  void start() throws Exception {
    service =
        EventStreamService.start(
            TestConfigs.withOverrides(
                "eventstream.storage.backends = [memory]\n"
                    + "eventstream.ingest.frame-timeout = 1s\n"));
  }

  @AfterEach
  void stop() throws InterruptedException {
    service.close();
  }

  @Test
  void aHalfClosedClientGetsTheAckOfItsLastFrameThenTheEndOfTheStream() throws Exception {
    try (Socket socket = connect(service.ingestAddress())) {
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      for (int i = 1; i <= FRAMES; i++) {
        writeFrame(out, 0x80 | 0x40 | 2, i); // v2, ACK requested, MEDIUM
      }
      out.flush();
      socket.shutdownOutput();

      DataInputStream in = new DataInputStream(socket.getInputStream());
      long lastAck = 0;
      while (true) {
        int length;
        try {
          length = in.readInt();
        } catch (EOFException end) {
          break; // the server closed after its answers
        }
        byte[] body = new byte[length];
        in.readFully(body);
        assertThat(body[0]).as("frame type (0x01 ACK)").isEqualTo((byte) 0x01);
        lastAck = ByteBuffer.wrap(body, 1, 8).getLong();
      }
      assertThat(lastAck).isEqualTo(FRAMES);
    }
    assertThat(storedEvents()).isEqualTo(FRAMES);
  }

  @Test
  void aHalfClosedV1ClientIsClosedAndItsEventsStored() throws Exception {
    try (Socket socket = connect(service.ingestAddress())) {
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      for (int i = 1; i <= FRAMES; i++) {
        writeFrame(out, 2, i); // v1: the head byte is the priority
      }
      out.flush();
      socket.shutdownOutput();

      assertThat(socket.getInputStream().read()).as("end of stream, nothing written").isEqualTo(-1);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> storedEvents() == FRAMES);
  }

  @Test
  void aClientStoppedInTheMiddleOfAFrameGetsTheAcksOfTheFramesBeforeThenTheEnd() throws Exception {
    try (Socket socket = connect(service.ingestAddress())) {
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      for (int i = 1; i <= 10; i++) {
        writeFrame(out, 0x80 | 0x40 | 2, i);
      }
      out.flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      assertThat(readAck(in)).isEqualTo(10);
      // The server's side probes a peer that goes away without a word (looked at before the
      // partial frame, whose timeout would close the connection under a slow look). While the
      // client's TCP has not yet acknowledged the last ACK frame, ss shows the retransmit timer
      // in the keepalive timer's place, so look until that is over.
      int port = service.ingestAddress().getPort();
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(() -> assertThat(serverSideTimers(port)).contains("keepalive"));
      out.writeInt(100); // a frame of 100 bytes, then nothing more
      out.writeByte(0x80 | 0x40 | 2);
      out.flush();

      assertThat(in.read()).as("end of stream, after the timeout").isEqualTo(-1);
    }
    assertThat(storedEvents()).isEqualTo(10);
    assertThat(AdminHttp.metric(service, "eventstream_ingest_frame_timeouts_total")).isEqualTo(1.0);
  }

  private static long readAck(DataInputStream in) throws IOException {
    long ack = 0;
    while (ack < 10) {
      byte[] body = new byte[in.readInt()];
      in.readFully(body);
      assertThat(body[0]).as("frame type (0x01 ACK)").isEqualTo((byte) 0x01);
      ack = ByteBuffer.wrap(body, 1, 8).getLong();
    }
    return ack;
  }

  /** The socket timers {@code ss} lists for the server's end of connections to {@code port}. */
  private static String serverSideTimers(int port) throws Exception {
    Process ss =
        new ProcessBuilder("ss", "-tnoH", "state", "established", "sport", "= :" + port)
            .redirectErrorStream(true)
            .start();
    String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(ss.waitFor()).as(out).isZero();
    return out;
  }

  private static Socket connect(InetSocketAddress address) throws IOException {
    Socket socket = new Socket(address.getAddress(), address.getPort());
    socket.setSoTimeout(10_000); // a server that never closes fails the test, not hangs it
    return socket;
  }

  /** One frame of topic {@code orders}; v2 heads carry event id {@code i}. */
  private static void writeFrame(DataOutputStream out, int head, int i) throws IOException {
    byte[] topic = "orders".getBytes(StandardCharsets.UTF_8);
    byte[] payload = ("event-" + i).getBytes(StandardCharsets.UTF_8);
    boolean extended = (head & 0x80) != 0;
    out.writeInt(1 + 2 + topic.length + (extended ? 16 : 0) + payload.length);
    out.writeByte(head);
    out.writeShort(topic.length);
    out.write(topic);
    if (extended) {
      out.writeLong(i);
      out.writeLong(0);
    }
    out.write(payload);
  }

  private long storedEvents() throws IOException {
    return ((ReadableBackend) service.backend("memory")).readEvents().size();
  }
}
