package io.eventstreamcore.ingest.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventstreamcore.engine.event.ErrorCode;
import io.eventstreamcore.ingest.codec.ResponseEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The client's decoding of what the server's {@link ResponseEncoder} writes. */
class ResponseDecoderTest {
  private static final UnpooledByteBufAllocator ALLOC = new UnpooledByteBufAllocator(false);

  /** A response as sent, and as decoded. */
  private record Response(boolean ack, long frameNo, ErrorCode code) {
    String decoded() {
      return ack ? "ACK " + frameNo : "ERROR " + frameNo + " " + code.code() + " " + code.message();
    }
  }

  @Provide
  Arbitrary<List<Response>> responses() {
    Arbitrary<Response> response =
        Combinators.combine(
                Arbitraries.of(true, false),
                Arbitraries.longs().between(0, Long.MAX_VALUE),
                Arbitraries.of(ErrorCode.class))
            .as(Response::new);
    return response.list().ofMaxSize(50);
  }

  @Property
  void everyResponseIsDecodedWhateverTheReadSizes(
      @ForAll("responses") List<Response> sent, @ForAll @IntRange(min = 1, max = 64) int chunk)
      throws IOException {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    for (Response r : sent) {
      ByteBuf buf =
          r.ack()
              ? ResponseEncoder.ack(ALLOC, r.frameNo())
              : ResponseEncoder.error(ALLOC, r.frameNo(), r.code());
      wire.writeBytes(ByteBufUtil.getBytes(buf));
      buf.release();
    }
    assertThat(decodeInChunks(wire.toByteArray(), chunk))
        .containsExactlyElementsOf(sent.stream().map(Response::decoded).toList());
  }

  @Test
  void anUnknownFrameTypeIsSkipped() throws IOException {
    byte[] unknown =
        ByteBuffer.allocate(4 + 3).putInt(3).put((byte) 0x7F).putShort((short) 1).array();
    byte[] ack = ByteBuffer.allocate(13).putInt(9).put((byte) 1).putLong(42).array();
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    wire.writeBytes(unknown);
    wire.writeBytes(ack);
    assertThat(decodeInChunks(wire.toByteArray(), 5)).containsExactly("ACK 42");
  }

  @Test
  void aLengthBeyondTheLargestResponseIsAnError() {
    byte[] bad = ByteBuffer.allocate(4).putInt(ResponseDecoder.MAX_BODY_BYTES + 1).array();
    assertThatThrownBy(() -> decodeInChunks(bad, 4))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("length");
  }

  @Test
  void aShortAckIsAnError() {
    byte[] bad = ByteBuffer.allocate(5).putInt(1).put((byte) 1).array();
    assertThatThrownBy(() -> decodeInChunks(bad, 5)).isInstanceOf(IOException.class);
  }

  /** Feeds {@code wire} to a decoder {@code chunk} bytes at a time, as socket reads would. */
  private static List<String> decodeInChunks(byte[] wire, int chunk) throws IOException {
    List<String> out = new ArrayList<>();
    ResponseDecoder.Handler handler =
        new ResponseDecoder.Handler() {
          @Override
          public void ack(long frameNo) {
            out.add("ACK " + frameNo);
          }

          @Override
          public void error(long frameNo, int code, String message) {
            out.add("ERROR " + frameNo + " " + code + " " + message);
          }
        };
    ResponseDecoder decoder = new ResponseDecoder();
    for (int at = 0; at < wire.length; at += chunk) {
      decoder.compact();
      int n = Math.min(chunk, wire.length - at);
      System.arraycopy(wire, at, decoder.buffer(), decoder.writeIndex(), n);
      decoder.decode(n, handler);
    }
    return out;
  }
}
