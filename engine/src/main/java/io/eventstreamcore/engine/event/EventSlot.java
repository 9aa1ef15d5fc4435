package io.eventstreamcore.engine.event;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One preallocated slot of the ring. The ingest side fills it in place from the network buffer; the
 * stages read and annotate it in order; it is reused when the ring wraps.
 *
 * <p>Threading: each field is written by exactly one stage and read only by later stages, which the
 * Disruptor's sequence barriers order (a stage's sequence is published with release semantics after
 * it writes, and read with acquire semantics before the next stage reads). Buffers grow to fit the
 * largest topic or payload seen and are then reused, so steady state allocates nothing.
 */
public final class EventSlot implements EventView {
  // Most topics fit; a longer one grows the buffer once. Preallocated for every slot, so each byte
  // here is 64 KiB of heap with the default ring.
  private static final int INITIAL_TOPIC_BYTES = 32;

  // Written by the publisher (ingest or ticker).
  private SlotKind kind = SlotKind.TICK;
  private AckTarget source;
  private long frameNo;
  private boolean acksRequested;
  private ErrorCode error;
  private boolean closeAfter;
  private Priority framePriority = Priority.BATCH;
  private byte[] ownTopic = new byte[INITIAL_TOPIC_BYTES];
  private byte[] topicBytes = ownTopic;
  private int topicLength;
  private long eventId;
  private long clientTimeMicros;
  private long receivedMillis;
  private long receivedNanos;
  private byte[] ownPayload;
  private byte[] payloadBytes;
  private int payloadLength;
  private final int retainedPayloadBytes;
  private long largeReservation;

  // Written by the classify stage.
  private Priority priority = Priority.BATCH;
  private Route route = Route.BATCH;
  private String topic;
  // Whether topic is the shared overflow entry, not the topic the client sent.
  private boolean topicShared;
  private int topicId;
  private boolean duplicate;
  private boolean shed;

  // Written by each processor stage: end of the records it emitted up to this slot. Fields rather
  // than an array indexed by route: an array would cost another object per slot.
  private long realtimeRecordsEnd;
  private long transactionalRecordsEnd;
  private long batchRecordsEnd;

  /** Creates a slot whose own payload buffer starts at {@code initialPayloadBytes}, unbounded. */
  public EventSlot(int initialPayloadBytes) {
    this(initialPayloadBytes, Integer.MAX_VALUE);
  }

  /**
   * Creates a slot whose own payload buffer starts at {@code initialPayloadBytes} and grows, to be
   * reused, up to {@code retainedPayloadBytes}; a larger payload gets a buffer of its own that the
   * slot drops once the event is acknowledged, so that a ring full of slots never holds more than
   * ring size times the retained bytes.
   */
  public EventSlot(int initialPayloadBytes, int retainedPayloadBytes) {
    this.ownPayload = new byte[Math.min(initialPayloadBytes, retainedPayloadBytes)];
    this.payloadBytes = ownPayload;
    this.retainedPayloadBytes = retainedPayloadBytes;
  }

  /** Starts filling this slot with a frame from {@code source}; clears what the last use left. */
  public void beginFrame(AckTarget source, long frameNo, boolean acksRequested) {
    this.kind = SlotKind.EVENT;
    this.source = source;
    this.frameNo = frameNo;
    this.acksRequested = acksRequested;
    this.error = null;
    this.closeAfter = false;
    this.topicLength = 0;
    this.payloadLength = 0;
    this.eventId = 0;
    this.clientTimeMicros = 0;
    this.duplicate = false;
    this.topic = null;
  }

  /** Turns this slot into a control slot (tick or flush) with no source. */
  public void beginControl(SlotKind controlKind, long nowMillis, long nowNanos) {
    this.kind = controlKind;
    this.source = null;
    this.frameNo = 0;
    this.acksRequested = false;
    this.error = null;
    this.closeAfter = false;
    this.receivedMillis = nowMillis;
    this.receivedNanos = nowNanos;
  }

  /** Marks the frame as rejected; {@code closeAfter} closes the connection once answered. */
  public void reject(ErrorCode code, boolean closeAfter) {
    this.kind = SlotKind.REJECTED;
    this.error = code;
    this.closeAfter = closeAfter;
  }

  /** Sets the header fields of an event frame. */
  public void header(Priority framePriority, long eventId, long clientTimeMicros) {
    this.framePriority = framePriority;
    this.eventId = eventId;
    this.clientTimeMicros = clientTimeMicros;
  }

  /** Sets when the frame was read. */
  public void received(long millis, long nanos) {
    this.receivedMillis = millis;
    this.receivedNanos = nanos;
  }

  /**
   * Returns a topic buffer of at least {@code length} bytes to fill, and sets the length. Like a
   * payload's, a topic longer than the retained size (only in a large frame) gets a buffer for this
   * event only, dropped by {@link #releaseLarge()}: slots do not keep 64 KiB topics.
   */
  public byte[] topicBuffer(int length) {
    if (length > retainedPayloadBytes) {
      topicBytes = new byte[length];
    } else {
      if (ownTopic.length < length) {
        ownTopic = new byte[Math.min(retainedPayloadBytes, Math.max(length, ownTopic.length * 2))];
      }
      topicBytes = ownTopic;
    }
    topicLength = length;
    return topicBytes;
  }

  /** Returns a payload buffer of at least {@code length} bytes to fill, and sets the length. */
  public byte[] payloadBuffer(int length) {
    if (length > retainedPayloadBytes) {
      payloadBytes = new byte[length]; // this event only; dropped by releaseLarge()
    } else {
      if (ownPayload.length < length) {
        ownPayload =
            new byte[Math.min(retainedPayloadBytes, Math.max(length, ownPayload.length * 2))];
      }
      payloadBytes = ownPayload;
    }
    payloadLength = length;
    return payloadBytes;
  }

  /** Records the large-payload bytes the publisher reserved for this frame. */
  public void largeReservation(long bytes) {
    this.largeReservation = bytes;
  }

  /**
   * Acknowledger use, once the event is done: drops a payload buffer beyond the retained size and
   * returns the large-payload bytes reserved for it (0 when none), to be released.
   */
  public long releaseLarge() {
    long reserved = largeReservation;
    if (reserved != 0) {
      largeReservation = 0;
      payloadBytes = ownPayload; // only a reserved (large) frame can have had other buffers
      topicBytes = ownTopic;
    }
    return reserved;
  }

  /** Sets the classification of this event. */
  public void classify(String topic, int topicId, Priority priority, boolean duplicate) {
    this.topic = topic;
    this.topicShared = false;
    this.topicId = topicId;
    this.priority = priority;
    this.route = Route.of(priority);
    this.duplicate = duplicate;
    this.shed = false;
  }

  /**
   * Classify: an overload policy sheds this event; its processor writes it as a dead letter instead
   * of handling it.
   */
  public void shed() {
    this.shed = true;
  }

  /** True when classify shed this event for overload. */
  public boolean isShed() {
    return shed;
  }

  /** Records where processor {@code route}'s emitted records end after this slot. */
  public void recordsEnd(Route route, long end) {
    switch (route) {
      case REALTIME -> realtimeRecordsEnd = end;
      case TRANSACTIONAL -> transactionalRecordsEnd = end;
      case BATCH -> batchRecordsEnd = end;
      default -> throw new IllegalArgumentException("unknown route " + route);
    }
  }

  /** Where processor {@code route}'s emitted records end after this slot. */
  public long recordsEnd(Route route) {
    return switch (route) {
      case REALTIME -> realtimeRecordsEnd;
      case TRANSACTIONAL -> transactionalRecordsEnd;
      case BATCH -> batchRecordsEnd;
    };
  }

  public SlotKind kind() {
    return kind;
  }

  public AckTarget source() {
    return source;
  }

  public long frameNo() {
    return frameNo;
  }

  /** True when the connection had asked for acks by the time of this frame. */
  public boolean acksRequested() {
    return acksRequested;
  }

  public ErrorCode error() {
    return error;
  }

  public boolean closeAfter() {
    return closeAfter;
  }

  /** True when classify found this event_id already seen within the dedup window. */
  public boolean duplicate() {
    return duplicate;
  }

  /** The raw topic bytes; valid up to {@link #topicLength()}. */
  public byte[] topicBytes() {
    return topicBytes;
  }

  @Override
  public Priority priority() {
    return priority;
  }

  @Override
  public Priority framePriority() {
    return framePriority;
  }

  @Override
  public Route route() {
    return route;
  }

  @Override
  public String topic() {
    return topic;
  }

  /** Classify: the topic is one of those beyond the bound, which share {@link #topic()}. */
  public void topicShared() {
    this.topicShared = true;
  }

  @Override
  public String sentTopic() {
    return topicShared ? new String(topicBytes, 0, topicLength, StandardCharsets.UTF_8) : topic;
  }

  @Override
  public int topicId() {
    return topicId;
  }

  @Override
  public int topicLength() {
    return topicLength;
  }

  @Override
  public void writeTopic(ByteBuffer target) {
    target.put(topicBytes, 0, topicLength);
  }

  @Override
  public long eventId() {
    return eventId;
  }

  @Override
  public long clientTimeMicros() {
    return clientTimeMicros;
  }

  @Override
  public long receivedMillis() {
    return receivedMillis;
  }

  @Override
  public long receivedNanos() {
    return receivedNanos;
  }

  @Override
  public int payloadLength() {
    return payloadLength;
  }

  @Override
  public byte payloadByte(int index) {
    if (index >= payloadLength) {
      throw new IndexOutOfBoundsException(index);
    }
    return payloadBytes[index];
  }

  @Override
  public void writePayload(ByteBuffer target) {
    target.put(payloadBytes, 0, payloadLength);
  }

  @Override
  public void copyPayload(int offset, byte[] target, int targetOffset, int length) {
    if (offset + length > payloadLength) {
      throw new IndexOutOfBoundsException(offset + length);
    }
    System.arraycopy(payloadBytes, offset, target, targetOffset, length);
  }
}
