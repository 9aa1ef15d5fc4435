package io.eventstreamcore.ingest.codec;

import static io.eventstreamcore.ingest.codec.FrameBuilder.concat;
import static io.eventstreamcore.ingest.codec.FrameBuilder.frame;
import static org.assertj.core.api.Assertions.assertThat;

import io.eventstreamcore.engine.event.ErrorCode;
import io.eventstreamcore.engine.event.EventLimits;
import io.eventstreamcore.engine.event.EventSlot;
import io.eventstreamcore.engine.event.Priority;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link FrameDecoder} with {@link EventLimits}: what the storage backends cannot hold is rejected
 * frame by frame, like any other invalid frame.
 */
class FrameDecoderLimitsTest {
  private DecoderFixture fixture = new DecoderFixture();

  @AfterEach
  void closeChannel() {
    fixture.close();
  }

  @Test
  void topicsAndPayloadsBeyondWhatStorageHoldsAreRejectedOnTheirOwn() {
    fixture.close();
    fixture =
        new DecoderFixture(
            16, DecoderFixture.DEFAULT_MAX_FRAME_BYTES, new EventLimits(4, false, 8));

    fixture.write(
        concat(
            frame().topic("abcd").payload("12345678").build(),
            frame().topic("abcde").payload("p").build(),
            frame().topic("a\u0000").payload("p").build(),
            frame().topic("t").payload("123456789").build(),
            frame().topic("t").payload("ok").build()));

    List<EventSlot> slots = fixture.published();
    assertThat(slots).hasSize(5);
    ExpectedSlot.event(Priority.BATCH, "abcd", "12345678").check(slots.get(0), "at the limits");
    ExpectedSlot.rejected(ErrorCode.TOPIC_NOT_STORABLE).check(slots.get(1), "long topic");
    ExpectedSlot.rejected(ErrorCode.TOPIC_NOT_STORABLE).check(slots.get(2), "U+0000");
    ExpectedSlot.rejected(ErrorCode.PAYLOAD_NOT_STORABLE).check(slots.get(3), "large payload");
    ExpectedSlot.event(Priority.BATCH, "t", "ok").check(slots.get(4), "after them");
    assertThat(fixture.rejected(ErrorCode.TOPIC_NOT_STORABLE)).isEqualTo(2);
    assertThat(fixture.rejected(ErrorCode.PAYLOAD_NOT_STORABLE)).isEqualTo(1);
    assertThat(fixture.channel.isActive()).isTrue();
    assertThat(fixture.channel.config().isAutoRead()).isTrue();
  }

  @Test
  void u0000IsATopicCharacterWhereStorageHoldsIt() {
    fixture.write(frame().topic("a\u0000b").payload("p").build());

    ExpectedSlot.event(Priority.BATCH, "a\u0000b", "p").check(fixture.published().get(0), "NUL");
  }
}
