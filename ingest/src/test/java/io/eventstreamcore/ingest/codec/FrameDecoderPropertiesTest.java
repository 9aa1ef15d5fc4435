package io.eventstreamcore.ingest.codec;

import static io.eventstreamcore.ingest.codec.FrameBuilder.bytes;
import static io.eventstreamcore.ingest.codec.FrameBuilder.concat;
import static io.eventstreamcore.ingest.codec.FrameBuilder.frame;
import static io.eventstreamcore.ingest.codec.FrameBuilder.keepAlive;
import static io.eventstreamcore.ingest.codec.FrameBuilder.withLength;
import static org.assertj.core.api.Assertions.assertThat;

import io.eventstreamcore.engine.event.ErrorCode;
import io.eventstreamcore.engine.event.EventSlot;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.event.SlotKind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Properties of {@link FrameDecoder} over generated input: it never throws out of the pipeline, a
 * rejected frame never costs or corrupts any other frame, and every body decodes as an independent
 * model of shared/PROTOCOL.md says, however the bytes are chunked. Its UTF-8 check is held to the
 * JDK's strict decoder.
 */
class FrameDecoderPropertiesTest {
  private static final int[][] BAD_UTF8 = {
    {0xC0, 0x80},
    {0xC1, 0xBF},
    {0xFF},
    {0xFE},
    {0x80},
    {0xBF},
    {0xED, 0xA0, 0x80},
    {0xED, 0xBF, 0xBF},
    {0xE0, 0x80, 0x80},
    {0xE0, 0x9F, 0xBF},
    {0xF0, 0x80, 0x80, 0x80},
    {0xF0, 0x8F, 0xBF, 0xBF},
    {0xF4, 0x90, 0x80, 0x80},
    {0xF5, 0x80, 0x80, 0x80},
    {0xC3, 0x41},
    {0xE2, 0x28, 0xA1},
    {0xE2, 0x82, 0xC0},
    {0xF0, 0x9F, 0x98, 0xFF},
    {0xF0, 0x9F, 0xC0, 0x80}
  };

  // ---------------------------------------------------------------------------------------------
  // (a) Arbitrary bytes.

  @Property(tries = 200)
  void arbitraryBytesInArbitraryChunksNeverMakeTheDecoderThrow(
      @ForAll("noise") byte[] bytes,
      @ForAll @Size(max = 6) List<@IntRange(min = 1, max = 64) Integer> chunkSizes,
      @ForAll("maxFrameBytes") long maxFrameBytes) {
    DecoderFixture fixture = new DecoderFixture(1024, maxFrameBytes);
    try {
      // write() rethrows anything the pipeline caught.
      fixture.writeInChunks(bytes, chunkSizes);
      checkInvariants(fixture);
    } finally {
      // Closing decodes what is left over (decodeLast) and rethrows anything caught.
      fixture.close();
    }
  }

  /** Mostly the default limit; sometimes one small enough for generated frames to exceed. */
  @Provide
  Arbitrary<Long> maxFrameBytes() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.just(DecoderFixture.DEFAULT_MAX_FRAME_BYTES)),
        Tuple.of(1, Arbitraries.longs().between(1, 256)));
  }

  /**
   * Arbitrary bytes: sometimes wholly random (whose first length is nearly always too large), more
   * often generated frames and runs of random bytes behind their length, so that junk bodies get
   * decoded too, broken up by stray length prefixes and stray bytes that throw the framing off.
   */
  @Provide
  Arbitrary<byte[]> noise() {
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(2048);
    Arbitrary<byte[]> run = Arbitraries.bytes().array(byte[].class).ofMaxSize(48);
    Arbitrary<byte[]> strayLength =
        Arbitraries.integers().between(0, 48).map(FrameBuilder::lengthPrefix);
    Arbitrary<byte[]> framed =
        Arbitraries.frequencyOf(
                Tuple.of(10, frameCases().map(FrameCase::bytes)),
                Tuple.of(10, run.map(FrameBuilder::withLength)),
                Tuple.of(1, strayLength),
                Tuple.of(1, run))
            .list()
            .ofMinSize(1)
            .ofMaxSize(80)
            .withSizeDistribution(RandomDistribution.uniform())
            .map(parts -> concat(parts.toArray(new byte[0][])));
    return Arbitraries.frequencyOf(Tuple.of(1, random), Tuple.of(3, framed));
  }

  private static void checkInvariants(DecoderFixture fixture) {
    List<EventSlot> slots = fixture.published();
    for (int i = 0; i < slots.size(); i++) {
      EventSlot slot = slots.get(i);
      assertThat(slot.frameNo()).isEqualTo(i + 1);
      assertThat(slot.kind()).isIn(SlotKind.EVENT, SlotKind.REJECTED);
      boolean last = i == slots.size() - 1;
      if (slot.error() == ErrorCode.FRAME_TOO_LARGE) {
        assertThat(last).as("nothing is decoded after a framing error").isTrue();
        assertThat(slot.closeAfter()).isTrue();
      } else {
        assertThat(slot.closeAfter()).isFalse();
      }
      if (slot.kind() == SlotKind.EVENT) {
        byte[] topic = DecoderFixture.topicOf(slot);
        assertThat(topic).isNotEmpty();
        assertThat(isUtf8(topic)).isTrue();
      }
    }
    assertThat(fixture.received()).isEqualTo(slots.size());
  }

  // ---------------------------------------------------------------------------------------------
  // (b) Valid frames mixed with well-delimited invalid ones.

  /** One generated frame and what it must become; {@code expected} is null for a keep-alive. */
  record FrameCase(String label, byte[] bytes, ExpectedSlot expected, boolean asksForAcks) {
    @Override
    public String toString() {
      return label + " " + ByteBufUtil.hexDump(bytes);
    }
  }

  @Property(tries = 200)
  void rejectedFramesNeverCorruptTheFramesAroundThem(
      @ForAll("frameCaseLists") List<FrameCase> cases,
      @ForAll @Size(max = 6) List<@IntRange(min = 1, max = 48) Integer> chunkSizes) {
    byte[] stream = concat(cases.stream().map(FrameCase::bytes).toArray(byte[][]::new));
    try (DecoderFixture fixture = new DecoderFixture()) {
      fixture.writeInChunks(stream, chunkSizes);

      List<EventSlot> slots = fixture.published();
      Map<ErrorCode, Long> rejected = new EnumMap<>(ErrorCode.class);
      boolean asked = false;
      int seq = 0;
      for (FrameCase frameCase : cases) {
        if (frameCase.expected() == null) {
          continue; // keep-alive: no slot, no number
        }
        assertThat(seq).as("slots published").isLessThan(slots.size());
        EventSlot slot = slots.get(seq++);
        asked |= frameCase.asksForAcks();
        frameCase.expected().check(slot, frameCase.toString());
        assertThat(slot.frameNo()).as("number of %s", frameCase).isEqualTo(seq);
        assertThat(slot.acksRequested()).as("acksRequested of %s", frameCase).isEqualTo(asked);
        if (frameCase.expected().error() != null) {
          rejected.merge(frameCase.expected().error(), 1L, Long::sum);
        }
      }
      assertThat(slots).hasSize(seq);
      assertThat(fixture.received()).isEqualTo(seq);
      for (ErrorCode code : ErrorCode.values()) {
        assertThat(fixture.rejected(code))
            .as("rejected %s", code)
            .isEqualTo(rejected.getOrDefault(code, 0L));
      }
    }
  }

  @Provide
  Arbitrary<List<FrameCase>> frameCaseLists() {
    return frameCases().list().ofMaxSize(40).withSizeDistribution(RandomDistribution.uniform());
  }

  private static Arbitrary<FrameCase> frameCases() {
    return Arbitraries.frequencyOf(
        Tuple.of(6, validFrames()),
        Tuple.of(1, Arbitraries.just(new FrameCase("keep-alive", keepAlive(), null, false))),
        Tuple.of(1, badHeads()),
        Tuple.of(1, topicLengthZero()),
        Tuple.of(1, topicLengthBeyondBody()),
        Tuple.of(1, shortBodies()),
        Tuple.of(1, truncatedExtendedHeaders()),
        Tuple.of(1, badUtf8Topics()));
  }

  private static Arbitrary<FrameCase> validFrames() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 4),
            Arbitraries.of(false, true),
            Arbitraries.of(false, true),
            Arbitraries.longs(),
            Arbitraries.longs(),
            topics(),
            payloads())
        .as(
            (priority, ack, extended, eventId, clientTime, topic, payload) -> {
              FrameBuilder builder = frame().priority(priority).topic(topic).payload(payload);
              if (ack) {
                builder.ack();
              }
              if (extended) {
                builder.extended(eventId, clientTime);
              }
              ExpectedSlot expected =
                  ExpectedSlot.event(
                      Priority.ofCode(priority),
                      topic.getBytes(StandardCharsets.UTF_8),
                      payload,
                      extended ? eventId : 0,
                      extended ? clientTime : 0);
              return new FrameCase("valid", builder.build(), expected, ack);
            });
  }

  private static Arbitrary<FrameCase> badHeads() {
    Arbitrary<Integer> heads = Arbitraries.integers().between(0, 255).filter(h -> badHead(h));
    return Combinators.combine(heads, payloads())
        .as(
            (head, rest) ->
                rejectedCase("bad head", concat(bytes(head), rest), ErrorCode.BAD_HEAD, true));
  }

  private static Arbitrary<FrameCase> topicLengthZero() {
    return Combinators.combine(validHeads(), payloads())
        .as(
            (head, rest) ->
                rejectedCase(
                    "topic_len 0",
                    concat(bytes(head, 0, 0), rest),
                    ErrorCode.BAD_TOPIC,
                    asksForAcks(head)));
  }

  private static Arbitrary<FrameCase> topicLengthBeyondBody() {
    return Combinators.combine(validHeads(), payloads())
        .flatAs(
            (head, rest) ->
                Arbitraries.integers()
                    .between(rest.length + 1, 65_535)
                    .map(
                        declared ->
                            rejectedCase(
                                "topic_len past the body",
                                concat(bytes(head, declared >>> 8, declared), rest),
                                ErrorCode.BAD_TOPIC,
                                asksForAcks(head))));
  }

  private static Arbitrary<FrameCase> shortBodies() {
    Arbitrary<byte[]> tails = Arbitraries.bytes().array(byte[].class).ofMaxSize(1);
    return Combinators.combine(validHeads(), tails)
        .as(
            (head, tail) ->
                rejectedCase(
                    "body of 1 or 2 bytes",
                    concat(bytes(head), tail),
                    ErrorCode.BAD_TOPIC,
                    asksForAcks(head)));
  }

  private static Arbitrary<FrameCase> truncatedExtendedHeaders() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 4),
            Arbitraries.of(false, true),
            topics(),
            Arbitraries.integers().between(0, FrameDescriptor.EXTENDED_HEADER_BYTES - 1))
        .as(
            (priority, ack, topic, present) -> {
              FrameBuilder builder = frame().priority(priority).topic(topic);
              if (ack) {
                builder.ack();
              }
              builder.truncatedExtended(present);
              return rejectedCase(
                  "truncated extended header", builder.body(), ErrorCode.TRUNCATED_HEADER, ack);
            });
  }

  private static Arbitrary<FrameCase> badUtf8Topics() {
    Arbitrary<String> affixes = Arbitraries.oneOf(Arbitraries.just(""), topics());
    return Combinators.combine(validHeads(), affixes, Arbitraries.of(BAD_UTF8), affixes, payloads())
        .as(
            (head, prefix, bad, suffix, payload) -> {
              byte[] topic =
                  concat(
                      prefix.getBytes(StandardCharsets.UTF_8),
                      bytes(bad),
                      suffix.getBytes(StandardCharsets.UTF_8));
              byte[] extended = new byte[(head & FrameDescriptor.EXTENDED_FLAG) != 0 ? 16 : 0];
              byte[] body =
                  concat(bytes(head, topic.length >>> 8, topic.length), topic, extended, payload);
              return rejectedCase("topic not UTF-8", body, ErrorCode.BAD_TOPIC, asksForAcks(head));
            });
  }

  private static FrameCase rejectedCase(
      String label, byte[] body, ErrorCode code, boolean asksForAcks) {
    return new FrameCase(label, withLength(body), ExpectedSlot.rejected(code), asksForAcks);
  }

  // ---------------------------------------------------------------------------------------------
  // (c) Bodies built field by field, mostly near-valid, checked against a model of the protocol.

  @Property(tries = 200)
  void randomBodiesDecodeExactlyAsTheProtocolSays(
      @ForAll("bodyLists") List<byte[]> bodies,
      @ForAll @Size(max = 6) List<@IntRange(min = 1, max = 32) Integer> chunkSizes) {
    byte[][] frames = new byte[bodies.size()][];
    for (int i = 0; i < frames.length; i++) {
      frames[i] = withLength(bodies.get(i));
    }
    try (DecoderFixture fixture = new DecoderFixture()) {
      fixture.writeInChunks(concat(frames), chunkSizes);

      List<EventSlot> slots = fixture.published();
      assertThat(slots).hasSameSizeAs(bodies);
      boolean asked = false;
      for (int i = 0; i < slots.size(); i++) {
        byte[] body = bodies.get(i);
        int head = body[0] & 0xff;
        asked |= badHead(head) || (head & FrameDescriptor.ACK_FLAG) != 0;
        String what = "frame " + (i + 1) + " body " + ByteBufUtil.hexDump(body);
        model(body).check(slots.get(i), what);
        assertThat(slots.get(i).frameNo()).as("%s number", what).isEqualTo(i + 1);
        assertThat(slots.get(i).acksRequested()).as("%s acksRequested", what).isEqualTo(asked);
      }
      assertThat(fixture.received()).isEqualTo(bodies.size());
      assertThat(fixture.channel.config().isAutoRead()).isTrue();
    }
  }

  @Provide
  Arbitrary<List<byte[]>> bodyLists() {
    return bodies().list().ofMaxSize(40).withSizeDistribution(RandomDistribution.uniform());
  }

  /**
   * Bodies laid out field by field, each field mostly right and sometimes wrong: any head byte,
   * topic_len usually the topic's length, a topic usually valid UTF-8, and after it an extended
   * header of 16 bytes or a shorter run, then a payload; plus bodies of 1 or 2 bytes.
   */
  private static Arbitrary<byte[]> bodies() {
    Arbitrary<Integer> heads =
        Arbitraries.frequencyOf(
            Tuple.of(4, validHeads()), Tuple.of(1, Arbitraries.integers().between(0, 255)));
    Arbitrary<byte[]> topicBytes =
        Arbitraries.frequencyOf(Tuple.of(3, encodedTopics()), Tuple.of(1, utf8ish()));
    Arbitrary<byte[]> afterTopic =
        Arbitraries.frequencyOf(
            Tuple.of(2, Arbitraries.bytes().array(byte[].class).ofSize(16)),
            Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(15)),
            Tuple.of(1, Arbitraries.just(new byte[0])));
    Arbitrary<byte[]> fullBodies =
        Combinators.combine(heads, topicBytes, afterTopic, payloads())
            .flatAs(
                (head, topic, after, payload) ->
                    Arbitraries.frequencyOf(
                            Tuple.of(6, Arbitraries.just(topic.length)),
                            Tuple.of(1, Arbitraries.integers().between(0, topic.length + 20)),
                            Tuple.of(1, Arbitraries.integers().between(0, 65_535)))
                        .map(
                            declared ->
                                concat(
                                    bytes(head, declared >>> 8, declared), topic, after, payload)));
    Arbitrary<byte[]> shortOnes = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(2);
    return Arbitraries.frequencyOf(Tuple.of(9, fullBodies), Tuple.of(1, shortOnes));
  }

  /** What shared/PROTOCOL.md says {@code body} must become, fields checked in wire order. */
  private static ExpectedSlot model(byte[] body) {
    int head = body[0] & 0xff;
    if (badHead(head)) {
      return ExpectedSlot.rejected(ErrorCode.BAD_HEAD);
    }
    if (body.length < FrameDescriptor.FIXED_HEADER_BYTES) {
      return ExpectedSlot.rejected(ErrorCode.BAD_TOPIC);
    }
    int topicLength = ((body[1] & 0xff) << 8) | (body[2] & 0xff);
    int topicEnd = FrameDescriptor.FIXED_HEADER_BYTES + topicLength;
    if (topicLength == 0 || topicEnd > body.length) {
      return ExpectedSlot.rejected(ErrorCode.BAD_TOPIC);
    }
    byte[] topic = Arrays.copyOfRange(body, FrameDescriptor.FIXED_HEADER_BYTES, topicEnd);
    if (!isUtf8(topic)) {
      return ExpectedSlot.rejected(ErrorCode.BAD_TOPIC);
    }
    int payload = topicEnd;
    long eventId = 0;
    long clientTime = 0;
    if ((head & FrameDescriptor.EXTENDED_FLAG) != 0) {
      if (body.length - topicEnd < FrameDescriptor.EXTENDED_HEADER_BYTES) {
        return ExpectedSlot.rejected(ErrorCode.TRUNCATED_HEADER);
      }
      ByteBuffer extended = ByteBuffer.wrap(body, topicEnd, FrameDescriptor.EXTENDED_HEADER_BYTES);
      eventId = extended.getLong();
      clientTime = extended.getLong();
      payload += FrameDescriptor.EXTENDED_HEADER_BYTES;
    }
    return ExpectedSlot.event(
        Priority.ofCode(head & 0x07),
        topic,
        Arrays.copyOfRange(body, payload, body.length),
        eventId,
        clientTime);
  }

  // ---------------------------------------------------------------------------------------------
  // (d) The UTF-8 check against the JDK's strict decoder.

  @Property(tries = 1000)
  void utf8ValidatorAgreesWithTheJdkDecoder(@ForAll("utf8ishBytes") byte[] text) {
    // Bytes around the range that would change the answer if read: 0xFF before, continuation
    // bytes after (they would complete a sequence cut at the end).
    ByteBuf buf = Unpooled.wrappedBuffer(concat(bytes(0xFF), text, bytes(0x80, 0x80, 0x80)));
    try {
      assertThat(Utf8Validator.isValid(buf, 1, text.length)).isEqualTo(isUtf8(text));
    } finally {
      buf.release();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Generators and oracles.

  private static boolean badHead(int head) {
    return (head & FrameDescriptor.RESERVED_MASK) != 0
        || (head & FrameDescriptor.PRIORITY_MASK) > Priority.CRITICAL.code();
  }

  private static boolean asksForAcks(int head) {
    return badHead(head) || (head & FrameDescriptor.ACK_FLAG) != 0;
  }

  private static boolean isUtf8(byte[] bytes) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  /** Valid head bytes: priority 0..4 with any of the ACK and extended flags. */
  private static Arbitrary<Integer> validHeads() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 4), Arbitraries.of(0, 0x40, 0x80, 0xC0))
        .as((priority, flags) -> priority | flags);
  }

  /** Non-empty topics, mostly ASCII, with code points of every UTF-8 length. */
  private static Arbitrary<String> topics() {
    Arbitrary<Integer> ascii = Arbitraries.integers().between(0x21, 0x7E);
    Arbitrary<Integer> any =
        Arbitraries.integers()
            .between(0, Character.MAX_CODE_POINT)
            .filter(cp -> cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE);
    return Arbitraries.frequencyOf(Tuple.of(4, ascii), Tuple.of(1, any))
        .list()
        .ofMinSize(1)
        .ofMaxSize(16)
        .map(
            codePoints -> {
              StringBuilder topic = new StringBuilder();
              codePoints.forEach(topic::appendCodePoint);
              return topic.toString();
            });
  }

  private static Arbitrary<byte[]> payloads() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(40);
  }

  /**
   * Text for the UTF-8 check: often valid text with exactly one doubtful piece in it, so that the
   * answer turns on that piece alone; otherwise any mix of pieces.
   */
  @Provide
  Arbitrary<byte[]> utf8ishBytes() {
    Arbitrary<byte[]> text = Arbitraries.oneOf(Arbitraries.just(new byte[0]), encodedTopics());
    Arbitrary<byte[]> onePiece =
        Combinators.combine(text, doubtfulPieces(), text).as(FrameBuilder::concat);
    return Arbitraries.frequencyOf(Tuple.of(3, onePiece), Tuple.of(1, utf8ish()));
  }

  private static Arbitrary<byte[]> encodedTopics() {
    return topics().map(text -> text.getBytes(StandardCharsets.UTF_8));
  }

  /** Byte strings near UTF-8: encoded code points mixed with the bytes that break the rules. */
  private static Arbitrary<byte[]> utf8ish() {
    return Arbitraries.frequencyOf(Tuple.of(1, encodedTopics()), Tuple.of(1, doubtfulPieces()))
        .list()
        .ofMaxSize(12)
        .map(parts -> concat(parts.toArray(new byte[0][])));
  }

  /** Short byte runs on either side of the UTF-8 rules. */
  private static Arbitrary<byte[]> doubtfulPieces() {
    Arbitrary<byte[]> edges =
        Arbitraries.of(
                0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0,
                0xF4, 0xF5, 0xF8, 0xFF)
            .map(b -> bytes(b));
    Arbitrary<byte[]> any = Arbitraries.bytes().map(b -> new byte[] {b});
    // One multi-byte character with one of its bytes replaced, or cut short.
    Arbitrary<byte[]> damaged =
        Combinators.combine(
                Arbitraries.integers()
                    .between(0x80, Character.MAX_CODE_POINT)
                    .filter(cp -> cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE),
                Arbitraries.integers().between(0, 3),
                Arbitraries.bytes(),
                Arbitraries.of(false, true))
            .as(
                (codePoint, index, replacement, cut) -> {
                  byte[] character =
                      new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8);
                  int at = index % character.length;
                  if (cut) {
                    return Arrays.copyOf(character, at);
                  }
                  character[at] = replacement;
                  return character;
                });
    // A lead byte, valid or not, followed by bytes from the continuation range, usually as many
    // as the lead calls for: overlongs (C0, C1, E0 80-9F, F0 80-8F), surrogates (ED A0-BF),
    // code points above U+10FFFF (F4 90-BF, F5-F7), and sequences too short or too long. The
    // leads with a special second-byte range come up more often.
    Arbitrary<Integer> leads =
        Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.of(0xC0, 0xC1, 0xE0, 0xED, 0xF0, 0xF4, 0xF5)),
            Tuple.of(1, Arbitraries.integers().between(0xC2, 0xFF)));
    Arbitrary<Integer> continuationBytes =
        Arbitraries.frequencyOf(
            Tuple.of(1, Arbitraries.of(0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF)),
            Tuple.of(1, Arbitraries.integers().between(0x80, 0xBF)));
    Arbitrary<byte[]> sequences =
        leads.flatMap(
            lead ->
                Arbitraries.frequencyOf(
                        Tuple.of(3, Arbitraries.just(lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : 1)),
                        Tuple.of(1, Arbitraries.integers().between(0, 4)))
                    .flatMap(count -> continuationBytes.list().ofSize(count))
                    .map(
                        continuation -> {
                          byte[] sequence = new byte[1 + continuation.size()];
                          sequence[0] = (byte) (int) lead;
                          for (int i = 0; i < continuation.size(); i++) {
                            sequence[i + 1] = (byte) (int) continuation.get(i);
                          }
                          return sequence;
                        }));
    return Arbitraries.frequencyOf(
        Tuple.of(3, sequences), Tuple.of(2, damaged), Tuple.of(1, edges), Tuple.of(1, any));
  }
}
