package io.eventstreamcore.ingest.codec;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Builds client frames byte for byte as shared/PROTOCOL.md lays them out, including deliberately
 * broken ones: a head byte, a declared topic_len and an extended header can each be set
 * independently of what actually follows.
 */
final class FrameBuilder {
  private int head;
  private byte[] topic = "t".getBytes(StandardCharsets.UTF_8);
  private int topicLength = -1;
  private byte[] extended = new byte[0];
  private byte[] payload = new byte[0];

  private FrameBuilder() {}

  /** A v1 frame of priority 0 on topic "t" with an empty payload. */
  static FrameBuilder frame() {
    return new FrameBuilder();
  }

  /** Sets the whole head byte as is, flags and reserved bits included. */
  FrameBuilder head(int headByte) {
    this.head = headByte & 0xff;
    return this;
  }

  /** Sets bits 0-2 of the head byte, keeping the other bits. */
  FrameBuilder priority(int priorityCode) {
    this.head = (head & ~FrameDescriptor.PRIORITY_MASK) | (priorityCode & 0x07);
    return this;
  }

  /** Sets the ACK bit. */
  FrameBuilder ack() {
    this.head |= FrameDescriptor.ACK_FLAG;
    return this;
  }

  FrameBuilder topic(String text) {
    return topic(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Sets the topic bytes as is (they need not be valid UTF-8). */
  FrameBuilder topic(byte[] bytes) {
    this.topic = bytes.clone();
    return this;
  }

  /** Declares a topic_len other than the length of the topic bytes written. */
  FrameBuilder declaredTopicLength(int length) {
    this.topicLength = length;
    return this;
  }

  /** Sets the extended flag and writes event_id and client_time_us after the topic. */
  FrameBuilder extended(long eventId, long clientTimeMicros) {
    this.head |= FrameDescriptor.EXTENDED_FLAG;
    this.extended =
        ByteBuffer.allocate(FrameDescriptor.EXTENDED_HEADER_BYTES)
            .putLong(eventId)
            .putLong(clientTimeMicros)
            .array();
    return this;
  }

  /**
   * Sets the extended flag but writes only the first {@code bytesPresent} (0..15) bytes of the
   * extended header, and no payload: the body ends inside the extended header.
   */
  FrameBuilder truncatedExtended(int bytesPresent) {
    this.head |= FrameDescriptor.EXTENDED_FLAG;
    byte[] header = new byte[bytesPresent];
    for (int i = 0; i < bytesPresent; i++) {
      header[i] = (byte) (0xA0 + i);
    }
    this.extended = header;
    this.payload = new byte[0];
    return this;
  }

  FrameBuilder payload(byte[] bytes) {
    this.payload = bytes.clone();
    return this;
  }

  FrameBuilder payload(String text) {
    return payload(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The body: head, topic_len, topic, extended header if set, payload. */
  byte[] body() {
    int declared = topicLength >= 0 ? topicLength : topic.length;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(head);
    out.write(declared >>> 8);
    out.write(declared);
    out.writeBytes(topic);
    out.writeBytes(extended);
    out.writeBytes(payload);
    return out.toByteArray();
  }

  /** The whole frame: length prefix and body. */
  byte[] build() {
    return withLength(body());
  }

  /** A frame with {@code body} as is after its length prefix. */
  static byte[] withLength(byte[] body) {
    return ByteBuffer.allocate(FrameDescriptor.LENGTH_FIELD_BYTES + body.length)
        .putInt(body.length)
        .put(body)
        .array();
  }

  /** Only a length prefix, for frames whose body never needs to be sent (too large). */
  static byte[] lengthPrefix(long length) {
    return ByteBuffer.allocate(FrameDescriptor.LENGTH_FIELD_BYTES).putInt((int) length).array();
  }

  /** A keep-alive: a length of 0 and no body. */
  static byte[] keepAlive() {
    return new byte[FrameDescriptor.LENGTH_FIELD_BYTES];
  }

  /** The bytes of {@code parts} one after the other. */
  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  /** Bytes from ints, for hand-written sequences such as {@code bytes(0xC0, 0x80)}. */
  static byte[] bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }
}
