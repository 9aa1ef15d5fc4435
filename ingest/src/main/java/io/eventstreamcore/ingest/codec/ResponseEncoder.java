package io.eventstreamcore.ingest.codec;

import io.eventstreamcore.engine.event.ErrorCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;

/** Encodes the server's ACK and ERROR frames (see {@link FrameDescriptor}). */
public final class ResponseEncoder {
  private static final Map<ErrorCode, byte[]> MESSAGES = new EnumMap<>(ErrorCode.class);

  static {
    for (ErrorCode code : ErrorCode.values()) {
      MESSAGES.put(code, code.message().getBytes(StandardCharsets.UTF_8));
    }
  }

  private ResponseEncoder() {}

  /** Bytes of an ACK frame. */
  public static final int ACK_FRAME_BYTES =
      FrameDescriptor.LENGTH_FIELD_BYTES + FrameDescriptor.ACK_BODY_BYTES;

  /** An ACK frame covering every frame numbered up to {@code frameNo}. */
  public static ByteBuf ack(ByteBufAllocator alloc, long frameNo) {
    ByteBuf buf = alloc.buffer(ACK_FRAME_BYTES);
    buf.writeInt(FrameDescriptor.ACK_BODY_BYTES);
    buf.writeByte(FrameDescriptor.TYPE_ACK);
    buf.writeLong(frameNo);
    return buf;
  }

  /** Puts the same ACK frame into {@code into}, which has room for it. */
  public static void ack(ByteBuffer into, long frameNo) {
    into.putInt(FrameDescriptor.ACK_BODY_BYTES);
    into.put((byte) FrameDescriptor.TYPE_ACK);
    into.putLong(frameNo);
  }

  /** An ERROR frame for {@code frameNo} with the code's fixed message. */
  public static ByteBuf error(ByteBufAllocator alloc, long frameNo, ErrorCode code) {
    byte[] message = MESSAGES.get(code);
    int body = FrameDescriptor.ERROR_FIXED_BODY_BYTES + message.length;
    ByteBuf buf = alloc.buffer(FrameDescriptor.LENGTH_FIELD_BYTES + body);
    buf.writeInt(body);
    buf.writeByte(FrameDescriptor.TYPE_ERROR);
    buf.writeLong(frameNo);
    buf.writeShort(code.code());
    buf.writeShort(message.length);
    buf.writeBytes(message);
    return buf;
  }
}
