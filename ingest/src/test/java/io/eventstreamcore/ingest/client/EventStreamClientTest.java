package io.eventstreamcore.ingest.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventstreamcore.engine.event.Priority;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The plain test and tool client, against a server that answers as the protocol lets it. */
class EventStreamClientTest {
  @Test
  void aResponseOfATypeItDoesNotKnowOrLongerThanItNeedsIsSkippedByItsLength() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Void> served =
          CompletableFuture.runAsync(
              () -> {
                try (Socket socket = server.accept()) {
                  DataOutputStream out = new DataOutputStream(socket.getOutputStream());
                  out.writeInt(12); // a type of a later version, 12 bytes long
                  out.writeByte(0x03);
                  out.write(new byte[11]);
                  out.writeInt(13); // an ACK with 4 bytes more than this version's
                  out.writeByte(0x01);
                  out.writeLong(7);
                  out.writeInt(0);
                  out.writeInt(9);
                  out.writeByte(0x01);
                  out.writeLong(9);
                  out.flush();
                  socket.getInputStream().read(); // until the client closes
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
      try (EventStreamClient client =
          EventStreamClient.connect((InetSocketAddress) server.getLocalSocketAddress())) {
        assertThat(client.awaitAck(9, Duration.ofSeconds(10))).isTrue();
        assertThat(client.errors()).isEmpty();
      }
      served.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aTopicTheFrameCannotCarryIsRefusedBeforeAnythingIsWritten() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        EventStreamClient client =
            EventStreamClient.connect((InetSocketAddress) server.getLocalSocketAddress());
        Socket accepted = server.accept()) {
      // 65,536 bytes would wrap the u16 length to 0; a lone surrogate would go out as '?'.
      assertThatThrownBy(() -> client.sendV1(Priority.LOW, "t".repeat(0x10000), new byte[0]))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("topic must be 1..65535 UTF-8 bytes, was 65536");
      assertThatThrownBy(() -> client.send(Priority.LOW, "a\ud800", 1, new byte[0], true))
          .hasMessageContaining("lone surrogate");
      assertThatThrownBy(() -> client.sendV1(Priority.LOW, "", new byte[0]))
          .hasMessage("topic must be 1..65535 UTF-8 bytes, was 0");

      client.sendV1(Priority.LOW, "t", new byte[0]); // the next frame is whole and first
      client.flush();
      byte[] frame = accepted.getInputStream().readNBytes(4 + 4);
      assertThat(frame).containsExactly(0, 0, 0, 4, Priority.LOW.code(), 0, 1, 't');
    }
  }
}
