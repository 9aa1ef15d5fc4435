package io.eventstreamcore.ingest.codec;

import static io.eventstreamcore.ingest.codec.FrameBuilder.bytes;
import static io.eventstreamcore.ingest.codec.FrameBuilder.concat;
import static org.assertj.core.api.Assertions.assertThat;

import io.eventstreamcore.engine.event.ErrorCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The server's ACK and ERROR frames, byte for byte as shared/PROTOCOL.md lays them out. */
class ResponseEncoderTest {
  private static final ByteBufAllocator ALLOC = new UnpooledByteBufAllocator(false);

  /** The ERROR codes as the protocol numbers them. */
  private static final Map<ErrorCode, Integer> WIRE_CODES =
      Map.of(
          ErrorCode.BAD_HEAD, 1,
          ErrorCode.BAD_TOPIC, 2,
          ErrorCode.FRAME_TOO_LARGE, 3,
          ErrorCode.TOPIC_NOT_STORABLE, 2,
          ErrorCode.PAYLOAD_NOT_STORABLE, 3,
          ErrorCode.TRUNCATED_HEADER, 4,
          ErrorCode.OVERLOAD, 5,
          ErrorCode.SHUTTING_DOWN, 6,
          ErrorCode.NOT_HANDLED, 6,
          ErrorCode.NOT_AUTHORISED, 7);

  private static byte[] drain(ByteBuf buf) {
    try {
      return ByteBufUtil.getBytes(buf);
    } finally {
      buf.release();
    }
  }

  @Test
  void ackIsLengthNineTypeOneAndFrameNumber() {
    byte[] ack = drain(ResponseEncoder.ack(ALLOC, 0x0102030405060708L));

    assertThat(ack)
        .isEqualTo(bytes(0, 0, 0, 9, 0x01, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08));
  }

  @Test
  void ackOfFrameOne() {
    assertThat(drain(ResponseEncoder.ack(ALLOC, 1)))
        .isEqualTo(bytes(0, 0, 0, 9, 0x01, 0, 0, 0, 0, 0, 0, 0, 1));
  }

  @Test
  void errorLaysOutFrameNumberCodeAndMessage() {
    byte[] message = ErrorCode.BAD_TOPIC.message().getBytes(StandardCharsets.UTF_8);
    int body = 1 + 8 + 2 + 2 + message.length;

    byte[] error = drain(ResponseEncoder.error(ALLOC, 0x0A0B0C0D0E0F1011L, ErrorCode.BAD_TOPIC));

    assertThat(error)
        .isEqualTo(
            concat(
                bytes(body >>> 24, body >>> 16, body >>> 8, body),
                bytes(0x02),
                bytes(0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x10, 0x11),
                bytes(0x00, 0x02),
                bytes(message.length >>> 8, message.length),
                message));
  }

  @Test
  void errorBlamingNoSingleFrameCarriesFrameNumberZero() {
    byte[] error = drain(ResponseEncoder.error(ALLOC, 0, ErrorCode.SHUTTING_DOWN));

    assertThat(error[4]).isEqualTo((byte) 0x02);
    assertThat(Arrays.copyOfRange(error, 5, 13)).isEqualTo(new byte[8]);
    assertThat(error[13]).isZero();
    assertThat(error[14]).isEqualTo((byte) 6);
  }

  @ParameterizedTest
  @EnumSource(ErrorCode.class)
  void everyErrorCodeHasItsProtocolNumberAndItsUtf8Message(ErrorCode code) {
    byte[] error = drain(ResponseEncoder.error(ALLOC, 77, code));

    ByteBuffer frame = ByteBuffer.wrap(error);
    int length = frame.getInt();
    assertThat(length).as("length counts the bytes after it").isEqualTo(error.length - 4);
    assertThat(frame.get()).as("type").isEqualTo((byte) 0x02);
    assertThat(frame.getLong()).as("frame_no").isEqualTo(77);
    assertThat(Short.toUnsignedInt(frame.getShort())).as("code").isEqualTo(WIRE_CODES.get(code));
    int messageLength = Short.toUnsignedInt(frame.getShort());
    assertThat(messageLength).as("msg_len").isEqualTo(frame.remaining()).isPositive();
    byte[] message = new byte[messageLength];
    frame.get(message);
    assertThat(new String(message, StandardCharsets.UTF_8)).isEqualTo(code.message());
  }
}
