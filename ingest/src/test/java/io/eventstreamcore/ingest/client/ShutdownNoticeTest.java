package io.eventstreamcore.ingest.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventstreamcore.engine.event.Priority;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The producer against a server that names the frame it did not handle in its ERROR 6 ("shutting
 * down"), then sends the ACK covering it, as the protocol lets a server answer a rejected frame:
 * the event is resent on the next connection, not taken for acknowledged. This project's server
 * sends ERROR 6 naming a frame only when it failed to classify it, which cannot be arranged from
 * outside, so the server here is a plain socket.
 */
class ShutdownNoticeTest {
  @Test
  void anEventTheServerDidNotHandleIsResentThoughAnAckCoveredItsFrame() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      CompletableFuture<List<Long>> resent =
          CompletableFuture.supplyAsync(() -> serveTwoConnections(server));
      try (EventStreamProducer producer =
          EventStreamProducer.builder(
                  new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()))
              .reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(100))
              .connect()) {
        for (long id = 1; id <= 3; id++) {
          producer.send(Priority.MEDIUM, "orders", id, new byte[] {(byte) id});
        }

        assertThat(producer.flush(Duration.ofSeconds(20))).isTrue();
        assertThat(producer.acknowledged()).isEqualTo(3);
        assertThat(producer.rejected()).isZero();
      }
      assertThat(resent.get()).as("event ids the second connection carried").containsExactly(2L);
    }
  }

  /**
   * First connection: reads three frames, answers ERROR(2, 6) and ACK(3), closes. Second: ACKs each
   * frame and returns the event ids it carried once a frame with id 2 came.
   */
  private static List<Long> serveTwoConnections(ServerSocket server) {
    try {
      try (Socket first = server.accept()) {
        DataInputStream in = new DataInputStream(first.getInputStream());
        for (int i = 0; i < 3; i++) {
          readEventId(in);
        }
        DataOutputStream out = new DataOutputStream(first.getOutputStream());
        byte[] message = "server shutting down".getBytes(StandardCharsets.UTF_8);
        out.writeInt(1 + 8 + 2 + 2 + message.length);
        out.writeByte(0x02);
        out.writeLong(2);
        out.writeShort(6);
        out.writeShort(message.length);
        out.write(message);
        writeAck(out, 3);
        out.flush();
      }
      try (Socket second = server.accept()) {
        DataInputStream in = new DataInputStream(second.getInputStream());
        DataOutputStream out = new DataOutputStream(second.getOutputStream());
        List<Long> ids = new ArrayList<>();
        for (long frame = 1; !ids.contains(2L); frame++) {
          ids.add(readEventId(in));
          writeAck(out, frame);
          out.flush();
        }
        second.getInputStream().read(); // until the producer closes
        return ids;
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reads one v2 frame and returns its event id. */
  private static long readEventId(DataInputStream in) throws IOException {
    byte[] body = new byte[in.readInt()];
    in.readFully(body);
    ByteBuffer b = ByteBuffer.wrap(body);
    b.get(); // head
    int topicLength = b.getShort() & 0xffff;
    b.position(b.position() + topicLength);
    return b.getLong();
  }

  private static void writeAck(DataOutputStream out, long frame) throws IOException {
    out.writeInt(1 + 8);
    out.writeByte(0x01);
    out.writeLong(frame);
  }
}
