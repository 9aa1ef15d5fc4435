package io.eventstreamcore.ingest.codec;

import static io.eventstreamcore.ingest.codec.FrameBuilder.bytes;
import static io.eventstreamcore.ingest.codec.FrameBuilder.concat;
import static io.eventstreamcore.ingest.codec.FrameBuilder.frame;
import static io.eventstreamcore.ingest.codec.FrameBuilder.keepAlive;
import static io.eventstreamcore.ingest.codec.FrameBuilder.withLength;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventstreamcore.engine.event.ErrorCode;
import io.eventstreamcore.engine.event.EventSlot;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.event.SlotKind;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link FrameDecoder} against shared/PROTOCOL.md, on an {@link EmbeddedChannel}. */
class FrameDecoderTest {
  private DecoderFixture fixture = new DecoderFixture();

  @AfterEach
  void closeChannel() {
    fixture.close();
  }

  /** Replaces the default fixture by one with another ring size or frame limit. */
  private DecoderFixture use(int ringSize, long maxFrameBytes) {
    fixture.close();
    fixture = new DecoderFixture(ringSize, maxFrameBytes);
    return fixture;
  }

  private static void checkNumbered(EventSlot slot, long frameNo, boolean acksRequested) {
    assertThat(slot.frameNo()).as("frame_no").isEqualTo(frameNo);
    assertThat(slot.acksRequested())
        .as("acksRequested of frame %d", frameNo)
        .isEqualTo(acksRequested);
  }

  @Nested
  class ValidFrames {
    @ParameterizedTest
    @EnumSource(Priority.class)
    void v1FrameOfEachPriorityIsPublished(Priority priority) {
      fixture.write(frame().head(priority.code()).topic("sensors.temp").payload("21.5").build());

      List<EventSlot> slots = fixture.published();
      assertThat(slots).hasSize(1);
      EventSlot slot = slots.get(0);
      ExpectedSlot.event(priority, "sensors.temp", "21.5").check(slot, "v1 frame");
      checkNumbered(slot, 1, false);
      assertThat(slot.source()).isSameAs(fixture.connection);
      assertThat(slot.receivedMillis()).isEqualTo(DecoderFixture.NOW.toEpochMilli());
      assertThat(fixture.received()).isEqualTo(1);
      for (ErrorCode code : ErrorCode.values()) {
        assertThat(fixture.rejected(code)).as("rejected %s", code).isZero();
      }
      // The decoder fills ring slots in place and passes nothing down the pipeline.
      assertThat(fixture.channel.inboundMessages()).isEmpty();
      assertThat(fixture.decoder.frameCount()).isEqualTo(1);
    }

    @Test
    void v2FrameWithAckBitIsPublishedAndAsksForAcks() {
      fixture.write(frame().priority(3).ack().topic("orders").payload("p").build());

      EventSlot slot = fixture.published().get(0);
      ExpectedSlot.event(Priority.HIGH, "orders", "p").check(slot, "v2 ack frame");
      checkNumbered(slot, 1, true);
    }

    @Test
    void v2ExtendedHeaderIsReadAndNotPartOfThePayload() {
      long eventId = 0x0102030405060708L;
      long clientTime = 1_767_225_600_123_456L;
      fixture.write(
          frame()
              .priority(4)
              .ack()
              .topic("alerts")
              .extended(eventId, clientTime)
              .payload("body")
              .build());

      EventSlot slot = fixture.published().get(0);
      ExpectedSlot.event(
              Priority.CRITICAL,
              "alerts".getBytes(StandardCharsets.UTF_8),
              "body".getBytes(StandardCharsets.UTF_8),
              eventId,
              clientTime)
          .check(slot, "extended frame");
      checkNumbered(slot, 1, true);
    }

    @Test
    void extendedHeaderKeepsAllSixtyFourBitsOfUnsignedValues() {
      // u64 on the wire: values above Long.MAX_VALUE come out with the same bits.
      fixture.write(frame().topic("t").extended(-1L, Long.MIN_VALUE).payload("x").build());

      EventSlot slot = fixture.published().get(0);
      assertThat(slot.eventId()).isEqualTo(0xFFFF_FFFF_FFFF_FFFFL);
      assertThat(slot.clientTimeMicros()).isEqualTo(0x8000_0000_0000_0000L);
      assertThat(DecoderFixture.payloadOf(slot)).isEqualTo(bytes('x'));
      checkNumbered(slot, 1, false);
    }

    @Test
    void extendedHeaderWithoutAckBitDoesNotAskForAcks() {
      fixture.write(frame().priority(1).topic("t").extended(7, 8).build());

      EventSlot slot = fixture.published().get(0);
      ExpectedSlot.event(Priority.LOW, bytes('t'), new byte[0], 7, 8).check(slot, "frame");
      checkNumbered(slot, 1, false);
    }

    @Test
    void emptyPayloadIsAccepted() {
      fixture.write(
          concat(frame().topic("a.b").build(), frame().topic("c").extended(1, 2).build()));

      List<EventSlot> slots = fixture.published();
      ExpectedSlot.event(Priority.BATCH, "a.b", "").check(slots.get(0), "v1 empty payload");
      ExpectedSlot.event(Priority.BATCH, bytes('c'), new byte[0], 1, 2)
          .check(slots.get(1), "v2 empty payload");
    }

    @Test
    void keepAliveIsIgnoredAndNotNumbered() {
      fixture.write(keepAlive());
      assertThat(fixture.publishedCount()).isZero();
      assertThat(fixture.received()).isZero();

      fixture.write(
          concat(
              frame().topic("a").build(),
              keepAlive(),
              keepAlive(),
              frame().topic("b").build(),
              keepAlive()));

      List<EventSlot> slots = fixture.published();
      assertThat(slots).hasSize(2);
      ExpectedSlot.event(Priority.BATCH, "a", "").check(slots.get(0), "first");
      ExpectedSlot.event(Priority.BATCH, "b", "").check(slots.get(1), "second");
      checkNumbered(slots.get(0), 1, false);
      checkNumbered(slots.get(1), 2, false);
      assertThat(fixture.received()).isEqualTo(2);
      assertThat(fixture.decoder.frameCount()).isEqualTo(2);
    }

    @Test
    void severalFramesInOneBufferArePublishedInOrder() {
      fixture.write(
          concat(
              frame().priority(0).topic("one").payload("1").build(),
              frame().priority(2).ack().topic("two").payload("22").build(),
              frame().priority(4).topic("three").extended(3, 33).payload("333").build(),
              frame().priority(1).topic("four").payload("4444").build()));

      List<EventSlot> slots = fixture.published();
      assertThat(slots).hasSize(4);
      ExpectedSlot.event(Priority.BATCH, "one", "1").check(slots.get(0), "frame 1");
      ExpectedSlot.event(Priority.MEDIUM, "two", "22").check(slots.get(1), "frame 2");
      ExpectedSlot.event(
              Priority.CRITICAL,
              "three".getBytes(StandardCharsets.UTF_8),
              "333".getBytes(StandardCharsets.UTF_8),
              3,
              33)
          .check(slots.get(2), "frame 3");
      ExpectedSlot.event(Priority.LOW, "four", "4444").check(slots.get(3), "frame 4");
      for (int i = 0; i < 4; i++) {
        checkNumbered(slots.get(i), i + 1, i >= 1);
      }
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "é",
          "température",
          "€uro",
          "日本語/トピック",
          "emoji.😀",
          "\uD7FF",
          "\uE000",
          "\uDBFF\uDFFF",
          "\u0080\u07FF\u0800\uFFFF"
        })
    void validMultiByteUtf8TopicIsAccepted(String topic) {
      fixture.write(frame().topic(topic).payload("v").build());

      EventSlot slot = fixture.published().get(0);
      ExpectedSlot.event(Priority.BATCH, topic, "v").check(slot, "utf-8 topic");
    }

    @Test
    void largestTopicAndLargePayloadAreCopiedWhole() {
      // topic_len is a u16: 65535 must not be read as negative; both exceed the slot's buffers.
      byte[] topic = new byte[65_535];
      Arrays.fill(topic, (byte) 'x');
      byte[] payload = new byte[100_000];
      for (int i = 0; i < payload.length; i++) {
        payload[i] = (byte) i;
      }
      fixture.write(frame().topic(topic).extended(5, 6).payload(payload).build());

      EventSlot slot = fixture.published().get(0);
      ExpectedSlot.event(Priority.BATCH, topic, payload, 5, 6).check(slot, "large frame");
    }

    @Test
    void frameOfExactlyTheMaximumLengthIsAccepted() {
      use(16, 64);
      byte[] body = frame().topic("t").payload(new byte[60]).body();
      assertThat(body).hasSize(64);

      fixture.write(withLength(body));

      EventSlot slot = fixture.published().get(0);
      ExpectedSlot.event(Priority.BATCH, bytes('t'), new byte[60], 0, 0).check(slot, "max frame");
      assertThat(fixture.channel.config().isAutoRead()).isTrue();
    }
  }

  @Nested
  class Splitting {
    private final byte[][] frames = {
      frame().priority(2).topic("alpha").payload("first").build(),
      keepAlive(),
      frame().priority(4).ack().topic("β").extended(42, 4242).payload("second").build(),
      frame().head(0x07).topic("bad").payload("head").build(),
      frame().topic("omega").payload("").build(),
    };
    private final byte[] stream = concat(frames);

    private void checkStream() {
      List<EventSlot> slots = fixture.published();
      assertThat(slots).hasSize(4);
      ExpectedSlot.event(Priority.MEDIUM, "alpha", "first").check(slots.get(0), "frame 1");
      ExpectedSlot.event(
              Priority.CRITICAL,
              "β".getBytes(StandardCharsets.UTF_8),
              "second".getBytes(StandardCharsets.UTF_8),
              42,
              4242)
          .check(slots.get(1), "frame 2");
      ExpectedSlot.rejected(ErrorCode.BAD_HEAD).check(slots.get(2), "frame 3");
      ExpectedSlot.event(Priority.BATCH, "omega", "").check(slots.get(3), "frame 4");
      checkNumbered(slots.get(0), 1, false);
      checkNumbered(slots.get(1), 2, true);
      checkNumbered(slots.get(2), 3, true);
      checkNumbered(slots.get(3), 4, true);
    }

    @Test
    void framesWrittenByteByBytePublishExactlyWhenTheirLastByteArrives() {
      int[] frameEnds = new int[frames.length];
      int end = 0;
      for (int f = 0; f < frames.length; f++) {
        end += frames[f].length;
        frameEnds[f] = end;
      }
      for (int i = 0; i < stream.length; i++) {
        fixture.write(new byte[] {stream[i]});
        int written = i + 1;
        long complete = 0;
        for (int f = 0; f < frames.length; f++) {
          if (frameEnds[f] <= written && frames[f].length > FrameDescriptor.LENGTH_FIELD_BYTES) {
            complete++;
          }
        }
        assertThat(fixture.publishedCount()).as("after byte %d", written).isEqualTo(complete);
      }
      checkStream();
    }

    @Test
    void anySplitIntoTwoWritesGivesTheSameFrames() {
      for (int split = 0; split <= stream.length; split++) {
        use(1024, DecoderFixture.DEFAULT_MAX_FRAME_BYTES);
        fixture.write(Arrays.copyOfRange(stream, 0, split));
        fixture.write(Arrays.copyOfRange(stream, split, stream.length));
        checkStream();
      }
    }

    @Test
    void unevenChunksGiveTheSameFrames() {
      fixture.writeInChunks(stream, List.of(3, 1, 7, 2, 11));
      checkStream();
    }
  }

  static Stream<Arguments> invalidBodies() {
    return Stream.of(
        Arguments.of(
            "priority 5", frame().head(5).topic("t").payload("p").body(), ErrorCode.BAD_HEAD),
        Arguments.of("priority 6", frame().head(6).topic("t").body(), ErrorCode.BAD_HEAD),
        Arguments.of(
            "priority 7 with ack", frame().head(0x47).topic("t").body(), ErrorCode.BAD_HEAD),
        Arguments.of("reserved bit 3", frame().head(0x08).topic("t").body(), ErrorCode.BAD_HEAD),
        Arguments.of("reserved bit 4", frame().head(0x12).topic("t").body(), ErrorCode.BAD_HEAD),
        Arguments.of("reserved bit 5", frame().head(0x24).topic("t").body(), ErrorCode.BAD_HEAD),
        Arguments.of(
            "reserved bits with v2 flags",
            frame().head(0xF8).topic("t").extended(1, 2).body(),
            ErrorCode.BAD_HEAD),
        Arguments.of("bad head, body of 1 byte", bytes(0x05), ErrorCode.BAD_HEAD),
        Arguments.of("body of 1 byte", bytes(0x02), ErrorCode.BAD_TOPIC),
        Arguments.of("body of 2 bytes", bytes(0x02, 0x00), ErrorCode.BAD_TOPIC),
        Arguments.of("topic_len 0, no topic", bytes(0x01, 0x00, 0x00), ErrorCode.BAD_TOPIC),
        Arguments.of(
            "topic_len 0 with payload",
            frame().topic("abc").declaredTopicLength(0).body(),
            ErrorCode.BAD_TOPIC),
        Arguments.of(
            "topic_len 1 past the body",
            frame().topic("abc").declaredTopicLength(4).body(),
            ErrorCode.BAD_TOPIC),
        Arguments.of(
            "topic_len 65535 in a short body",
            frame().topic("abc").declaredTopicLength(65_535).payload("xyz").body(),
            ErrorCode.BAD_TOPIC),
        Arguments.of(
            "extended header absent",
            frame().truncatedExtended(0).body(),
            ErrorCode.TRUNCATED_HEADER),
        Arguments.of(
            "extended header of 1 byte",
            frame().ack().truncatedExtended(1).body(),
            ErrorCode.TRUNCATED_HEADER),
        Arguments.of(
            "extended header of 8 bytes",
            frame().truncatedExtended(8).body(),
            ErrorCode.TRUNCATED_HEADER),
        Arguments.of(
            "extended header of 15 bytes",
            frame().truncatedExtended(15).body(),
            ErrorCode.TRUNCATED_HEADER),
        Arguments.of("overlong C0 80", topicBody(0xC0, 0x80), ErrorCode.BAD_TOPIC),
        Arguments.of("lone FF", topicBody(0xFF), ErrorCode.BAD_TOPIC),
        Arguments.of("surrogate ED A0 80", topicBody(0xED, 0xA0, 0x80), ErrorCode.BAD_TOPIC),
        Arguments.of("overlong E0 80 80", topicBody(0xE0, 0x80, 0x80), ErrorCode.BAD_TOPIC),
        Arguments.of(
            "overlong F0 80 80 80", topicBody(0xF0, 0x80, 0x80, 0x80), ErrorCode.BAD_TOPIC),
        Arguments.of("above U+10FFFF", topicBody(0xF4, 0x90, 0x80, 0x80), ErrorCode.BAD_TOPIC),
        Arguments.of("lead F5", topicBody(0xF5, 0x80, 0x80, 0x80), ErrorCode.BAD_TOPIC),
        Arguments.of("lone continuation", topicBody('a', 0x80, 'b'), ErrorCode.BAD_TOPIC),
        Arguments.of("bad continuation", topicBody(0xC3, 'A'), ErrorCode.BAD_TOPIC),
        Arguments.of("bad third byte", topicBody(0xE2, 0x82, 0xC0), ErrorCode.BAD_TOPIC),
        Arguments.of("bad fourth byte", topicBody(0xF0, 0x9F, 0x98, 0xFF), ErrorCode.BAD_TOPIC),
        Arguments.of("sequence cut at topic end", topicBody('a', 0xE2, 0x82), ErrorCode.BAD_TOPIC),
        Arguments.of(
            "sequence cut at topic end, payload completes it",
            frame().topic(bytes(0xE2, 0x82)).payload(bytes(0xAC)).body(),
            ErrorCode.BAD_TOPIC),
        Arguments.of(
            "bad utf-8 in an extended frame",
            frame().ack().topic(bytes(0xED, 0xBF, 0xBF)).extended(9, 9).body(),
            ErrorCode.BAD_TOPIC));
  }

  private static byte[] topicBody(int... topic) {
    return frame().topic(bytes(topic)).payload("payload").body();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidBodies")
  void invalidFrameIsRejectedAloneAndTheNextFrameDecodes(
      String name, byte[] invalidBody, ErrorCode expected) {
    fixture.write(
        concat(
            frame().priority(1).topic("before").payload("b").build(),
            withLength(invalidBody),
            frame().priority(3).topic("after").extended(11, 12).payload("a").build()));

    List<EventSlot> slots = fixture.published();
    assertThat(slots).hasSize(3);
    ExpectedSlot.event(Priority.LOW, "before", "b").check(slots.get(0), "frame before");
    ExpectedSlot.rejected(expected).check(slots.get(1), name);
    ExpectedSlot.event(
            Priority.HIGH,
            "after".getBytes(StandardCharsets.UTF_8),
            "a".getBytes(StandardCharsets.UTF_8),
            11,
            12)
        .check(slots.get(2), "frame after");
    for (int i = 0; i < 3; i++) {
      assertThat(slots.get(i).frameNo()).isEqualTo(i + 1);
      assertThat(slots.get(i).source()).isSameAs(fixture.connection);
    }
    assertThat(fixture.received()).isEqualTo(3);
    assertThat(fixture.rejected(expected)).isEqualTo(1);
    assertThat(fixture.channel.config().isAutoRead()).isTrue();
    assertThat(fixture.channel.isActive()).isTrue();
  }

  @Test
  void priorityAboveFourIsBadHeadForEachInvalidCode() {
    fixture.write(
        concat(
            frame().head(5).topic("t").build(),
            frame().head(6).topic("t").build(),
            frame().head(7).topic("t").build()));

    List<EventSlot> slots = fixture.published();
    assertThat(slots).extracting(EventSlot::kind).containsOnly(SlotKind.REJECTED);
    assertThat(slots).extracting(EventSlot::error).containsOnly(ErrorCode.BAD_HEAD);
    assertThat(fixture.rejected(ErrorCode.BAD_HEAD)).isEqualTo(3);
  }

  @Nested
  class NumberingAndAcks {
    @Test
    void framesAreNumberedFromOneWithRejectedOnesIncluded() {
      fixture.write(
          concat(
              frame().topic("a").build(),
              keepAlive(),
              frame().topic("b").declaredTopicLength(0).build(),
              frame().head(0x06).build(),
              frame().topic("c").build(),
              frame().truncatedExtended(3).build(),
              frame().topic("d").build()));

      List<EventSlot> slots = fixture.published();
      assertThat(slots).extracting(EventSlot::frameNo).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
      assertThat(slots)
          .extracting(EventSlot::kind)
          .containsExactly(
              SlotKind.EVENT,
              SlotKind.REJECTED,
              SlotKind.REJECTED,
              SlotKind.EVENT,
              SlotKind.REJECTED,
              SlotKind.EVENT);
      assertThat(fixture.decoder.frameCount()).isEqualTo(6);
      assertThat(fixture.received()).isEqualTo(6);
      assertThat(fixture.rejected(ErrorCode.BAD_TOPIC)).isEqualTo(1);
      assertThat(fixture.rejected(ErrorCode.BAD_HEAD)).isEqualTo(1);
      assertThat(fixture.rejected(ErrorCode.TRUNCATED_HEADER)).isEqualTo(1);
    }

    @Test
    void acksAreRequestedFromTheFirstAckBitOnForEveryLaterFrame() {
      fixture.write(
          concat(
              frame().topic("a").build(),
              frame().priority(4).extended(1, 1).build(),
              frame().topic(bytes(0xFF)).build(),
              frame().ack().topic("b").build(),
              frame().topic("c").build(),
              frame().topic(bytes(0xC0, 0x80)).build(),
              frame().extended(2, 2).build()));

      assertThat(fixture.published())
          .extracting(EventSlot::acksRequested)
          .containsExactly(false, false, false, true, true, true, true);
    }

    @Test
    void aRejectedFrameWithTheAckBitAsksForAcks() {
      fixture.write(
          concat(
              frame().topic("a").build(),
              frame().ack().topic("b").declaredTopicLength(9).build(),
              frame().topic("c").build()));

      List<EventSlot> slots = fixture.published();
      assertThat(slots.get(1).error()).isEqualTo(ErrorCode.BAD_TOPIC);
      assertThat(slots).extracting(EventSlot::acksRequested).containsExactly(false, true, true);
    }

    @ParameterizedTest
    @ValueSource(ints = {0x05, 0x07, 0x08, 0x10, 0x20, 0x83})
    void anInvalidHeadByteCountsAsAskingForAcks(int head) {
      // 0x83 is valid (extended, priority 3) but truncated: not a head error, so no ack request.
      boolean badHead = head != 0x83;
      fixture.write(
          concat(
              frame().topic("a").build(),
              frame().head(head).topic("b").build(),
              frame().topic("c").build()));

      List<EventSlot> slots = fixture.published();
      assertThat(slots.get(1).error())
          .isEqualTo(badHead ? ErrorCode.BAD_HEAD : ErrorCode.TRUNCATED_HEADER);
      assertThat(slots)
          .extracting(EventSlot::acksRequested)
          .containsExactly(false, badHead, badHead);
    }

    @Test
    void numberingAndAckStateArePerConnection() {
      DecoderFixture.SilentConnection other = new DecoderFixture.SilentConnection();
      EmbeddedChannel second = DecoderFixture.newChannel(fixture.newDecoder(other));
      try {
        fixture.write(concat(frame().ack().topic("a1").build(), frame().topic("a2").build()));
        DecoderFixture.write(second, frame().topic("b1").build());
        fixture.write(frame().topic("a3").build());
        DecoderFixture.write(second, frame().topic("b2").build());

        List<EventSlot> slots = fixture.published();
        assertThat(slots)
            .extracting(slot -> new String(DecoderFixture.topicOf(slot), StandardCharsets.UTF_8))
            .containsExactly("a1", "a2", "b1", "a3", "b2");
        assertThat(slots).extracting(EventSlot::frameNo).containsExactly(1L, 2L, 1L, 3L, 2L);
        assertThat(slots)
            .extracting(EventSlot::acksRequested)
            .containsExactly(true, true, false, true, false);
        assertThat(slots)
            .extracting(EventSlot::source)
            .containsExactly(
                fixture.connection, fixture.connection, other, fixture.connection, other);
      } finally {
        second.finishAndReleaseAll();
      }
    }
  }

  @Nested
  class FramingError {
    @Test
    void anOversizedFrameThatSetsTheAckBitHasAskedForAcksItself() {
      use(64, 1024);
      // The first frame of the connection, over the limit, with its head byte (ACK bit) present.
      fixture.write(concat(FrameBuilder.lengthPrefix(1025), new byte[] {(byte) 0x42}));

      List<EventSlot> slots = fixture.published();
      assertThat(slots).hasSize(1);
      assertThat(slots.get(0).error()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
      checkNumbered(slots.get(0), 1, true);
    }

    @Test
    void anOversizedFrameWhoseHeadByteArrivesLaterHasStillAskedForAcks() {
      use(64, 1024);
      fixture.write(FrameBuilder.lengthPrefix(1025));
      assertThat(fixture.publishedCount()).isZero(); // the head byte decides whether to answer

      fixture.write(new byte[] {(byte) 0x42});

      List<EventSlot> slots = fixture.published();
      assertThat(slots).hasSize(1);
      assertThat(slots.get(0).error()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
      checkNumbered(slots.get(0), 1, true);
    }

    @Test
    void anOversizedFirstFrameWithoutTheAckBitIsAnsweredByClosingOnly() {
      use(64, 1024);
      fixture.write(concat(FrameBuilder.lengthPrefix(1025), new byte[] {(byte) 0x02}));

      List<EventSlot> slots = fixture.published();
      assertThat(slots).hasSize(1);
      assertThat(slots.get(0).closeAfter()).isTrue();
      checkNumbered(slots.get(0), 1, false);
    }

    @Test
    void lengthAboveTheMaximumRejectsTheFrameAndStopsReading() {
      use(64, 1024);
      fixture.write(frame().ack().topic("ok").build());
      // Only the length prefix: the decoder must not wait for a body it will never accept.
      fixture.write(FrameBuilder.lengthPrefix(1025));

      List<EventSlot> slots = fixture.published();
      assertThat(slots).hasSize(2);
      EventSlot tooLarge = slots.get(1);
      assertThat(tooLarge.kind()).isEqualTo(SlotKind.REJECTED);
      assertThat(tooLarge.error()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
      assertThat(tooLarge.closeAfter()).isTrue();
      assertThat(tooLarge.source()).isSameAs(fixture.connection);
      checkNumbered(tooLarge, 2, true);
      assertThat(fixture.channel.config().isAutoRead()).isFalse();
      assertThat(fixture.received()).isEqualTo(2);
      assertThat(fixture.rejected(ErrorCode.FRAME_TOO_LARGE)).isEqualTo(1);

      // Frame boundaries are lost: nothing after it is decoded, however valid it looks.
      fixture.write(concat(new byte[1025], frame().topic("later").build()));
      fixture.runResume();
      assertThat(fixture.publishedCount()).isEqualTo(2);
      assertThat(fixture.decoder.frameCount()).isEqualTo(2);
      assertThat(fixture.channel.config().isAutoRead()).isFalse();
    }

    @Test
    void framesBeforeTheOversizedOneInTheSameBufferAreKeptAndTheRestDropped() {
      use(64, 100);
      fixture.write(
          concat(
              frame().topic("first").build(),
              frame().topic("second").build(),
              FrameBuilder.lengthPrefix(101),
              frame().topic("hidden").build()));

      List<EventSlot> slots = fixture.published();
      assertThat(slots).hasSize(3);
      ExpectedSlot.event(Priority.BATCH, "first", "").check(slots.get(0), "first");
      ExpectedSlot.event(Priority.BATCH, "second", "").check(slots.get(1), "second");
      assertThat(slots.get(2).error()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
      assertThat(slots.get(2).closeAfter()).isTrue();
      checkNumbered(slots.get(2), 3, false);
    }

    @ParameterizedTest
    @ValueSource(longs = {0x8000_0000L, 0xFFFF_FFFFL})
    void lengthIsUnsigned(long length) {
      fixture.write(concat(FrameBuilder.lengthPrefix(length), new byte[] {(byte) 0x02}));

      EventSlot slot = fixture.published().get(0);
      assertThat(slot.error()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
      assertThat(slot.closeAfter()).isTrue();
      assertThat(fixture.channel.config().isAutoRead()).isFalse();
    }
  }

  @Nested
  class Backpressure {
    private static final int RING = 8;

    private byte[] numberedFrames(int from, int to) {
      byte[][] frames = new byte[to - from + 1][];
      for (int n = from; n <= to; n++) {
        frames[n - from] = frame().priority(n % 5).topic("topic-" + n).payload("p" + n).build();
      }
      return concat(frames);
    }

    private void checkFrame(long sequence, int n) {
      EventSlot slot = fixture.ring.get(sequence);
      ExpectedSlot.event(Priority.ofCode(n % 5), "topic-" + n, "p" + n).check(slot, "frame " + n);
      assertThat(slot.frameNo()).isEqualTo(n);
    }

    @Test
    void fullRingStopsReadingThenResumesInOrder() {
      use(RING, DecoderFixture.DEFAULT_MAX_FRAME_BYTES);
      fixture.write(numberedFrames(1, 12));

      assertThat(fixture.publishedCount()).isEqualTo(RING);
      for (int n = 1; n <= RING; n++) {
        checkFrame(n - 1, n);
      }
      assertThat(fixture.channel.config().isAutoRead()).isFalse();
      assertThat(fixture.received()).isEqualTo(RING);
      assertThat(fixture.metrics.backpressurePauses().get()).isEqualTo(1);

      // Bytes already on their way still arrive while paused: kept, in order, behind the rest.
      fixture.write(numberedFrames(13, 14));
      assertThat(fixture.publishedCount()).isEqualTo(RING);

      // Before the retry delay nothing is retried, even with room in the ring.
      fixture.consumeUpTo(RING - 1);
      fixture.channel.runPendingTasks();
      assertThat(fixture.publishedCount()).isEqualTo(RING);
      assertThat(fixture.channel.config().isAutoRead()).isFalse();

      fixture.runResume();

      assertThat(fixture.publishedCount()).isEqualTo(14);
      for (int n = RING + 1; n <= 14; n++) {
        checkFrame(n - 1, n);
      }
      assertThat(fixture.channel.config().isAutoRead()).isTrue();
      assertThat(fixture.received()).isEqualTo(14);
      assertThat(fixture.decoder.frameCount()).isEqualTo(14);

      // Reading on normally afterwards; filling the ring again is a second pause.
      fixture.write(numberedFrames(15, 15));
      checkFrame(14, 15);
      fixture.write(numberedFrames(16, 30));
      assertThat(fixture.publishedCount()).isEqualTo(2 * RING);
      assertThat(fixture.channel.config().isAutoRead()).isFalse();
      assertThat(fixture.metrics.backpressurePauses().get()).isEqualTo(2);
    }

    @Test
    void retryWhileStillFullPublishesWhatFitsAndStaysPaused() {
      use(RING, DecoderFixture.DEFAULT_MAX_FRAME_BYTES);
      fixture.write(numberedFrames(1, 13));
      assertThat(fixture.publishedCount()).isEqualTo(RING);

      fixture.consumeUpTo(1); // two slots free
      fixture.runResume();
      assertThat(fixture.publishedCount()).isEqualTo(RING + 2);
      checkFrame(8, 9);
      checkFrame(9, 10);
      assertThat(fixture.channel.config().isAutoRead()).isFalse();

      fixture.runResume(); // nothing freed: nothing published, still paused
      assertThat(fixture.publishedCount()).isEqualTo(RING + 2);
      assertThat(fixture.channel.config().isAutoRead()).isFalse();
      assertThat(fixture.metrics.backpressurePauses().get()).as("one pause, retried").isEqualTo(1);

      fixture.consumeUpTo(RING + 1);
      fixture.runResume();
      assertThat(fixture.publishedCount()).isEqualTo(13);
      checkFrame(10, 11);
      checkFrame(11, 12);
      checkFrame(12, 13);
      assertThat(fixture.channel.config().isAutoRead()).isTrue();
      assertThat(fixture.received()).isEqualTo(13);
    }

    @Test
    void rejectedFramesAlsoWaitForASlot() {
      use(RING, DecoderFixture.DEFAULT_MAX_FRAME_BYTES);
      fixture.write(
          concat(numberedFrames(1, RING), frame().head(0x05).build(), numberedFrames(10, 10)));
      assertThat(fixture.publishedCount()).isEqualTo(RING);
      assertThat(fixture.rejected(ErrorCode.BAD_HEAD)).isZero();

      fixture.consumeUpTo(RING - 1);
      fixture.runResume();

      EventSlot rejected = fixture.ring.get(RING);
      assertThat(rejected.error()).isEqualTo(ErrorCode.BAD_HEAD);
      assertThat(rejected.frameNo()).isEqualTo(9);
      checkFrame(RING + 1, 10);
      assertThat(fixture.rejected(ErrorCode.BAD_HEAD)).isEqualTo(1);
      assertThat(fixture.channel.config().isAutoRead()).isTrue();
    }

    @Test
    void stopReadingDropsWhatIsBufferedAndNeverResumes() {
      use(RING, DecoderFixture.DEFAULT_MAX_FRAME_BYTES);
      fixture.write(numberedFrames(1, 10));
      assertThat(fixture.publishedCount()).isEqualTo(RING);

      fixture.decoder.stopReading();
      fixture.consumeUpTo(RING - 1);
      fixture.runResume();
      fixture.write(numberedFrames(11, 11));

      assertThat(fixture.publishedCount()).isEqualTo(RING);
      assertThat(fixture.decoder.frameCount()).isEqualTo(RING);
      assertThat(fixture.channel.config().isAutoRead()).isFalse();
    }

    @Test
    void anErrorWhileRetryingReachesThePipelineWhichClosesTheConnection() {
      // Out of memory for a large payload, say: on the socket-read path Netty hands it to the
      // pipeline, whose last handler closes the connection; the retry must do the same, or the
      // connection stays paused for good with its frame never answered.
      use(RING, DecoderFixture.DEFAULT_MAX_FRAME_BYTES);
      fixture.write(numberedFrames(1, 10));
      fixture.consumeUpTo(RING - 1);
      fixture.clock.failNext(new OutOfMemoryError("test"));

      assertThatThrownBy(fixture::runResume)
          .isInstanceOf(OutOfMemoryError.class)
          .hasMessage("test");
    }

    @Test
    void closingWhilePausedThrowsNothing() {
      use(RING, DecoderFixture.DEFAULT_MAX_FRAME_BYTES);
      fixture.write(numberedFrames(1, 10));
      assertThat(fixture.channel.config().isAutoRead()).isFalse();

      // finish() closes the channel, decodes what is left, and rethrows anything caught.
      fixture.channel.finish();
      fixture.consumeUpTo(RING - 1);
      fixture.runResume();

      assertThat(fixture.channel.isActive()).isFalse();
    }
  }
}
