package io.eventstreamcore.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eventstreamcore.engine.event.ErrorCode;
import io.eventstreamcore.engine.event.Priority;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.Test;

/**
 * PROTOCOL.md over a real socket: a rejected frame's ERROR comes before any ACK covering it, every
 * rejected frame gets exactly one, and ACKs never go back, while ACKs coalesce on the server (a raw
 * client here, reading every response frame in the order the server wrote them).
 */
class AckOrderTest {
  private static final int FRAMES = 20_000;
  private static final int EVERY_REJECTED = 97;
  private static final byte ACK = 1;
  private static final byte ERROR = 2;
  private static final byte[] TOPIC = "orders".getBytes(StandardCharsets.UTF_8);

  private record Response(byte type, long frameNo, int code) {}

  @Test
  void errorsPrecedeTheAcksCoveringThemAndAcksOnlyGrow() throws Exception {
    answersInOrder(frame -> frame % EVERY_REJECTED == 0, false);
  }

  @Test
  void aClientThatReadsGetsEveryErrorOfALongRunOfRejectedFrames() throws Exception {
    // Thousands of ERRORs in a row: more than a connection's output may hold unwritten before it
    // counts as not read. A client reading them as they come must get them all, then the ACK,
    // rather than have its connection closed part way through.
    answersInOrder(frame -> frame < FRAMES, true);
  }

  /**
   * Sends {@link #FRAMES} frames, those that {@code rejected} picks with a priority that does not
   * exist ({@code short}: with nothing after the head, 7 bytes, many to a read), reading the
   * answers as they come: each rejected frame must get one ERROR, in order, before the ACKs
   * covering it, and the last ACK must cover every frame.
   */
  private static void answersInOrder(LongPredicate rejected, boolean shortRejected)
      throws Exception {
    EventStreamService service =
        EventStreamService.start(
            TestConfigs.withOverrides("eventstream.storage.backends = [memory]"));
    try (Socket socket =
        new Socket(service.ingestAddress().getAddress(), service.ingestAddress().getPort())) {
      List<Response> responses = new ArrayList<>();
      Thread reader = new Thread(() -> read(socket, responses), "test-reader");
      reader.start();
      DataOutputStream out =
          new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 16));
      List<Long> expectedErrors = new ArrayList<>();
      for (int frame = 1; frame <= FRAMES; frame++) {
        boolean reject = rejected.test(frame);
        if (reject && shortRejected) {
          out.writeInt(3);
          out.writeByte(7 | 0x40);
          out.writeShort(0);
        } else {
          writeFrame(out, frame, reject ? 7 : Priority.MEDIUM.code());
        }
        if (reject) {
          expectedErrors.add((long) frame);
        }
      }
      out.flush();

      // Until every frame is acknowledged, or the server closed the connection.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> lastAck(responses) == FRAMES || !reader.isAlive());
      assertThat(lastAck(responses)).as("the last ACK before the stream ended").isEqualTo(FRAMES);
      socket.close();
      reader.join(10_000);
      assertThat(errorsInOrder(responses)).containsExactlyElementsOf(expectedErrors);
    } finally {
      service.close();
    }
  }

  @Test
  void acksWrittenWhileTheClientDoesNotReadArriveWholeOnceItDoes() throws Exception {
    // A client with a small receive buffer sends frames one at a time (so that fewer ACKs
    // coalesce) and reads nothing until the traffic stalls: its buffer fills with ACKs. Once it
    // reads, every frame must be acknowledged, and every ACK read must be a whole
    // frame, in order. (ConnectionTest covers a socket that takes part of an ACK.)
    int frames = 5_000;
    EventStreamService service =
        EventStreamService.start(
            TestConfigs.withOverrides("eventstream.storage.backends = [memory]"));
    try (Socket socket = new Socket()) {
      socket.setReceiveBufferSize(1024);
      socket.setTcpNoDelay(true);
      socket.connect(service.ingestAddress());
      Thread writer =
          new Thread(
              () -> {
                try {
                  ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                  DataOutputStream frame = new DataOutputStream(bytes);
                  for (int n = 1; n <= frames; n++) {
                    bytes.reset();
                    writeFrame(frame, n, Priority.MEDIUM.code());
                    socket.getOutputStream().write(bytes.toByteArray()); // a segment per frame
                    LockSupport.parkNanos(100_000); // time to acknowledge it on its own
                  }
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              },
              "test-writer");
      writer.start();
      // Until the server has read something and then no more for a while: the client's buffer is
      // full and the traffic has stalled (or every frame is in).
      AtomicLong received = new AtomicLong(-1);
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(300))
          .until(
              () -> {
                long now = (long) AdminHttp.metric(service, "eventstream_frames_received_total");
                return now > 0 && now == received.getAndSet(now);
              });

      List<Response> responses = new ArrayList<>();
      Thread reader = new Thread(() -> read(socket, responses), "test-reader");
      reader.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> lastAck(responses) == frames);
      writer.join(10_000);
      socket.close();
      reader.join(10_000);

      assertThat(errorsInOrder(responses)).isEmpty();
      assertThat(responses.size()).as("ACK frames").isGreaterThan(1);
    } finally {
      service.close();
    }
  }

  private static void writeFrame(DataOutputStream out, int frame, int priority) throws IOException {
    out.writeInt(3 + TOPIC.length + 16 + 1);
    out.writeByte(priority | 0x80 | 0x40);
    out.writeShort(TOPIC.length);
    out.write(TOPIC);
    out.writeLong(frame);
    out.writeLong(0);
    out.writeByte(frame);
  }

  /**
   * Checks that every response is an ACK or a BAD_HEAD ERROR, that ACKs never go back and that no
   * ERROR comes after an ACK covering it; returns the ERRORs' frame numbers in order.
   */
  private static List<Long> errorsInOrder(List<Response> responses) {
    List<Long> errors = new ArrayList<>();
    long highestAck = 0;
    synchronized (responses) {
      for (Response response : responses) {
        if (response.type() == ERROR) {
          assertThat(response.frameNo())
              .as("ERROR for frame %d after an ACK up to %d", response.frameNo(), highestAck)
              .isGreaterThan(highestAck);
          assertThat(response.code()).isEqualTo(ErrorCode.BAD_HEAD.code());
          errors.add(response.frameNo());
        } else {
          assertThat(response.type()).isEqualTo(ACK);
          assertThat(response.frameNo()).isGreaterThanOrEqualTo(highestAck);
          highestAck = response.frameNo();
        }
      }
    }
    return errors;
  }

  private static long lastAck(List<Response> responses) {
    synchronized (responses) {
      for (int i = responses.size() - 1; i >= 0; i--) {
        if (responses.get(i).type() == ACK) {
          return responses.get(i).frameNo();
        }
      }
      return 0;
    }
  }

  /** Reads ACK and ERROR frames until the socket closes. */
  private static void read(Socket socket, List<Response> responses) {
    try {
      DataInputStream in = new DataInputStream(socket.getInputStream());
      while (true) {
        int length = in.readInt();
        byte type = in.readByte();
        long frameNo = in.readLong();
        int code = 0;
        if (type == ERROR) {
          code = in.readUnsignedShort();
          in.skipNBytes(in.readUnsignedShort());
        } else {
          in.skipNBytes(length - 9);
        }
        synchronized (responses) {
          responses.add(new Response(type, frameNo, code));
        }
      }
    } catch (EOFException e) {
      // server closed
    } catch (IOException e) {
      // closed locally
    }
  }
}
