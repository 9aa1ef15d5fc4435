package io.eventstreamcore.engine.record;

import io.eventstreamcore.engine.event.EventView;
import io.eventstreamcore.engine.event.Priority;

/**
 * A preallocated, reusable record; one type for every kind so that a queue of them is flat.
 *
 * <p>A dead letter copies its event's payload into a buffer the record keeps and reuses, grown up
 * to {@link #RETAINED_PAYLOAD_BYTES}; a larger payload gets an array of its own that the record
 * drops when it is next filled, so that a queue of records never holds more than its capacity times
 * that bound, and ordinary dead letters allocate nothing once the buffers have grown.
 */
public final class Record implements RecordView {
  /** Largest payload a record keeps a reusable buffer for. */
  public static final int RETAINED_PAYLOAD_BYTES = 64 * 1024;

  private static final byte[] NO_PAYLOAD = new byte[0];

  private RecordKind kind = RecordKind.ALERT;
  private String topic = "";
  private String name = "";
  private String severity = "";
  private long timeMillis;
  private long eventId;
  private double value;
  private long startMillis;
  private long endMillis;
  private long count;
  private long payloadBytes;
  private long minEventId;
  private long maxEventId;
  private long minPayloadBytes;
  private long maxPayloadBytes;
  private long firstMillis;
  private long lastMillis;
  private DeadLetterReason reason;
  private Priority priority = Priority.BATCH;
  private long clientTimeMicros;
  private byte[] ownPayload = NO_PAYLOAD;
  private byte[] payload = NO_PAYLOAD;
  private int payloadLength;

  /** Fills this record as an alert. */
  public Record alert(
      String rule, String severity, String topic, long timeMillis, long eventId, double value) {
    this.kind = RecordKind.ALERT;
    this.name = rule;
    this.severity = severity;
    this.topic = topic;
    this.timeMillis = timeMillis;
    this.eventId = eventId;
    this.value = value;
    clearWindow();
    clearDeadLetter();
    return this;
  }

  /**
   * Fills this record as a closed window summary, with no payload sizes, event times or aggregate:
   * add those with {@link #payloadSizes}, {@link #eventTimes} and {@link #aggregate}.
   */
  public Record window(
      String topic,
      long startMillis,
      long endMillis,
      long count,
      long payloadBytes,
      long minEventId,
      long maxEventId) {
    this.kind = RecordKind.WINDOW;
    this.topic = topic;
    this.name = "";
    this.severity = "";
    this.timeMillis = endMillis;
    this.startMillis = startMillis;
    this.endMillis = endMillis;
    this.count = count;
    this.payloadBytes = payloadBytes;
    this.minEventId = minEventId;
    this.maxEventId = maxEventId;
    this.value = 0;
    this.minPayloadBytes = 0;
    this.maxPayloadBytes = 0;
    this.firstMillis = 0;
    this.lastMillis = 0;
    clearDeadLetter();
    return this;
  }

  /** Adds the smallest and largest payload size, in bytes, to the window this record holds. */
  public Record payloadSizes(long minPayloadBytes, long maxPayloadBytes) {
    requireWindow("payloadSizes");
    this.minPayloadBytes = minPayloadBytes;
    this.maxPayloadBytes = maxPayloadBytes;
    return this;
  }

  /**
   * Adds the earliest and latest time of the window's events (event time or received time, as the
   * window is kept) to the window this record holds.
   */
  public Record eventTimes(long firstMillis, long lastMillis) {
    requireWindow("eventTimes");
    this.firstMillis = firstMillis;
    this.lastMillis = lastMillis;
    return this;
  }

  /**
   * Adds a handler's own aggregate to the window this record holds: a name saying what it is (e.g.
   * {@code "sum:temperature"}) and its value. Stored by every backend beside the built-in fields.
   */
  public Record aggregate(String name, double value) {
    requireWindow("aggregate");
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("an aggregate needs a name");
    }
    this.name = name;
    this.value = value;
    return this;
  }

  private void requireWindow(String what) {
    if (kind != RecordKind.WINDOW) {
      throw new IllegalStateException(what + " is for a window record; this one is " + kind);
    }
  }

  private void clearWindow() {
    this.startMillis = 0;
    this.endMillis = 0;
    this.count = 0;
    this.payloadBytes = 0;
    this.minEventId = 0;
    this.maxEventId = 0;
    this.minPayloadBytes = 0;
    this.maxPayloadBytes = 0;
    this.firstMillis = 0;
    this.lastMillis = 0;
  }

  /**
   * Fills this record as a dead letter of {@code event}, copying its topic, id, times, priority and
   * payload: the event's slot is reused once the call that handed it over returns.
   */
  public Record deadLetter(DeadLetterReason reason, EventView event) {
    if (reason == null) {
      throw new IllegalArgumentException("a dead letter needs a reason");
    }
    this.kind = RecordKind.DEAD_LETTER;
    this.topic = event.topic();
    this.name = "";
    this.severity = "";
    this.timeMillis = event.receivedMillis();
    this.eventId = event.eventId();
    this.value = 0;
    this.reason = reason;
    this.priority = event.priority();
    this.clientTimeMicros = event.clientTimeMicros();
    clearWindow();
    int length = event.payloadLength();
    if (length > RETAINED_PAYLOAD_BYTES) {
      payload = new byte[length]; // this dead letter only; dropped when the record is refilled
    } else {
      if (ownPayload.length < length) {
        ownPayload =
            new byte[Math.min(RETAINED_PAYLOAD_BYTES, Math.max(length, ownPayload.length * 2))];
      }
      payload = ownPayload;
    }
    event.copyPayload(0, payload, 0, length);
    payloadLength = length;
    return this;
  }

  private void clearDeadLetter() {
    this.reason = null;
    this.priority = Priority.BATCH;
    this.clientTimeMicros = 0;
    this.payload = ownPayload;
    this.payloadLength = 0;
  }

  @Override
  public DeadLetterReason reason() {
    return reason;
  }

  @Override
  public Priority priority() {
    return priority;
  }

  @Override
  public long clientTimeMicros() {
    return clientTimeMicros;
  }

  @Override
  public int payloadLength() {
    return payloadLength;
  }

  @Override
  public void copyPayload(int offset, byte[] target, int targetOffset, int length) {
    if (offset < 0 || length < 0 || offset + length > payloadLength) {
      throw new IndexOutOfBoundsException(
          "payload range " + offset + "+" + length + " of " + payloadLength);
    }
    System.arraycopy(payload, offset, target, targetOffset, length);
  }

  @Override
  public RecordKind kind() {
    return kind;
  }

  @Override
  public String topic() {
    return topic;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String severity() {
    return severity;
  }

  @Override
  public long timeMillis() {
    return timeMillis;
  }

  @Override
  public long eventId() {
    return eventId;
  }

  @Override
  public double value() {
    return value;
  }

  @Override
  public long startMillis() {
    return startMillis;
  }

  @Override
  public long endMillis() {
    return endMillis;
  }

  @Override
  public long count() {
    return count;
  }

  @Override
  public long payloadBytes() {
    return payloadBytes;
  }

  @Override
  public long minEventId() {
    return minEventId;
  }

  @Override
  public long maxEventId() {
    return maxEventId;
  }

  @Override
  public long minPayloadBytes() {
    return minPayloadBytes;
  }

  @Override
  public long maxPayloadBytes() {
    return maxPayloadBytes;
  }

  @Override
  public long firstMillis() {
    return firstMillis;
  }

  @Override
  public long lastMillis() {
    return lastMillis;
  }
}
