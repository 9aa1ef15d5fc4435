package io.eventstreamcore.engine.record;

import io.eventstreamcore.engine.event.EventLimits;
import io.eventstreamcore.engine.event.EventView;
import io.eventstreamcore.engine.event.Priority;

/**
 * A preallocated, reusable record; one type for every kind so that a queue of them is flat.
 *
 * <p>A dead letter copies its event's payload, and a derived event takes its payload, into a buffer
 * the record keeps and reuses, grown up to {@link #RETAINED_PAYLOAD_BYTES}; a larger payload gets
 * an array of its own that the record drops when it is next filled, so that a queue of records
 * never holds more than its capacity times that bound, and ordinary dead letters and derived events
 * allocate nothing once the buffers have grown.
 *
 * <p>A topic or payload a handler gives is checked against what the configured storage backends
 * hold ({@link EventLimits}), as ingest checks each frame: a record beyond it would fail its
 * backend on every retry and stall storage for good, so the call that fills it throws instead.
 */
public final class Record implements RecordView {
  /** Largest payload a record keeps a reusable buffer for. */
  public static final int RETAINED_PAYLOAD_BYTES = 64 * 1024;

  /**
   * Largest payload of a derived event: the default {@code max-frame-bytes}, so that a derived
   * event is never larger than an event the service takes in (the file log, SQL batches and Kafka
   * records are sized for those).
   */
  public static final int MAX_DERIVED_PAYLOAD_BYTES = 1024 * 1024;

  private static final byte[] NO_PAYLOAD = new byte[0];

  private final EventLimits limits;
  private final int maxDerivedPayloadBytes;

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

  /** Longest name a handler gives a record (a rule, a severity, an aggregate, a derived event). */
  public static final int MAX_NAME_CHARS = 512;

  /** A record for storage that holds whatever the protocol allows. */
  public Record() {
    this(EventLimits.PROTOCOL);
  }

  /** A record whose topics and derived payloads must fit {@code limits}. */
  public Record(EventLimits limits) {
    this.limits = limits;
    this.maxDerivedPayloadBytes = Math.min(MAX_DERIVED_PAYLOAD_BYTES, limits.maxPayloadBytes());
  }

  /**
   * Whether every backend can store {@code name} as a record's name: see {@link #MAX_NAME_CHARS}.
   */
  public static boolean isStorableName(String name) {
    return name.length() <= MAX_NAME_CHARS && name.indexOf('\u0000') < 0;
  }

  /**
   * A name every backend can store: PostgreSQL's {@code text} cannot hold U+0000, and its indexes
   * take about 2.7 KB; such a record would fail its batch on every retry and stall storage.
   */
  private static void requireStorableName(String what, String name) {
    if (!isStorableName(name)) {
      throw new IllegalArgumentException(
          what + " must be at most " + MAX_NAME_CHARS + " characters, without U+0000");
    }
  }

  /** A topic every configured backend can store, as ingest requires of an event's. */
  private void requireStorableTopic(String what, String topic) {
    int max = limits.maxTopicBytes();
    // Three bytes at most per UTF-16 char: count only a topic that could be too long.
    if (topic.length() > max / 3 && utf8Length(topic) > max) {
      throw new IllegalArgumentException(
          what + " of " + utf8Length(topic) + " bytes; storage holds topics up to " + max);
    }
    if (!limits.nulInTopic() && topic.indexOf('\u0000') >= 0) {
      throw new IllegalArgumentException(what + " may not contain U+0000 with this storage");
    }
  }

  /** Bytes of {@code s} in UTF-8; a lone surrogate counted as the 3 bytes of U+FFFD. */
  private static int utf8Length(String s) {
    int bytes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes++;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  /**
   * Fills this record as an alert. Its strings may not be null: storage could write such a record
   * but not read it back, and the file log's recovery would cut the log off there.
   */
  public Record alert(
      String rule, String severity, String topic, long timeMillis, long eventId, double value) {
    if (rule == null || severity == null || topic == null) {
      throw new IllegalArgumentException("an alert needs a rule, a severity and a topic");
    }
    requireStorableName("an alert's rule", rule);
    requireStorableName("an alert's severity", severity);
    requireStorableTopic("an alert's topic", topic);
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
    if (topic == null) {
      throw new IllegalArgumentException("a window needs a topic");
    }
    requireStorableTopic("a window's topic", topic);
    this.kind = RecordKind.WINDOW;
    this.topic = topic;
    this.name = "";
    this.severity = "";
    this.timeMillis = endMillis;
    this.eventId = 0; // a window is of many events; a reused record may hold an alert's id
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
    requireStorableName("an aggregate's name", name);
    this.name = name;
    this.value = value;
    return this;
  }

  private void requireWindow(String what) {
    requireKind(RecordKind.WINDOW, what);
  }

  private void requireKind(RecordKind wanted, String what) {
    if (kind != wanted) {
      throw new IllegalStateException(
          what + " is for a " + wanted + " record; this one is " + kind);
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
   * Fills this record as a dead letter of {@code event}, copying its topic as the client sent it
   * (what a replay sends again), its id, times, priority and payload: the event's slot is reused
   * once the call that handed it over returns.
   */
  public Record deadLetter(DeadLetterReason reason, EventView event) {
    if (reason == null) {
      throw new IllegalArgumentException("a dead letter needs a reason");
    }
    this.kind = RecordKind.DEAD_LETTER;
    this.topic = event.sentTopic();
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
    payload = payloadArray(length);
    event.copyPayload(0, payload, 0, length);
    payloadLength = length;
    return this;
  }

  /**
   * Fills this record as a derived event: a new event the handler computed, stored beside the
   * events by every backend. It does not re-enter the ring: no dedup, routing, handling or ACK.
   * Give its payload next with {@link #payloadBuffer}, {@link #payload(byte[], int, int)} or {@link
   * #payload(EventView, int, int)}; until then it is empty.
   *
   * @param name what the derived event is, e.g. the derived stream's name; handlers usually pass
   *     their configured name ({@code HandlerContext.name()}), as they do for an alert's rule
   * @param topic the topic it belongs to, usually its source event's; stored, never routed
   * @param eventId the id of the event it was derived from, 0 for none
   * @param timeMillis its time, in epoch milliseconds (e.g. the source's received time)
   * @param priority its priority, stored with it
   */
  public Record derived(
      String name, String topic, long eventId, long timeMillis, Priority priority) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a derived event needs a name");
    }
    if (topic == null || priority == null) {
      throw new IllegalArgumentException("a derived event needs a topic and a priority");
    }
    requireStorableName("a derived event's name", name);
    requireStorableTopic("a derived event's topic", topic);
    this.kind = RecordKind.DERIVED_EVENT;
    this.name = name;
    this.topic = topic;
    this.severity = "";
    this.timeMillis = timeMillis;
    this.eventId = eventId;
    this.value = 0;
    clearWindow();
    clearDeadLetter();
    this.priority = priority;
    return this;
  }

  /**
   * Fills this record as a derived event of {@code source}: its topic as the client sent it (not
   * {@code _overflow}, as a dead letter keeps it), event id, received time and effective priority,
   * as {@link #derived(String, String, long, long, Priority)} describes.
   */
  public Record derived(String name, EventView source) {
    return derived(
        name, source.sentTopic(), source.eventId(), source.receivedMillis(), source.priority());
  }

  /**
   * Sets the derived event's payload length to {@code length} and returns the array to write it
   * into, from index 0: the record's own reused buffer (which may be longer, and holds old bytes
   * until written), or a new array for a payload above {@link #RETAINED_PAYLOAD_BYTES}. Write it
   * before the handler call returns; it is reused once the record is.
   *
   * @throws IllegalArgumentException when {@code length} is negative, above {@link
   *     #MAX_DERIVED_PAYLOAD_BYTES} or above what the configured storage holds of a payload
   */
  public byte[] payloadBuffer(int length) {
    requireKind(RecordKind.DERIVED_EVENT, "payloadBuffer");
    if (length < 0 || length > maxDerivedPayloadBytes) {
      throw new IllegalArgumentException(
          "derived payload of "
              + length
              + " bytes; at most "
              + maxDerivedPayloadBytes
              + " are stored");
    }
    payload = payloadArray(length);
    payloadLength = length;
    return payload;
  }

  /** Copies {@code length} bytes of {@code source} from {@code offset} as the derived payload. */
  public Record payload(byte[] source, int offset, int length) {
    if (offset < 0 || length < 0 || offset + length > source.length) {
      throw new IndexOutOfBoundsException(
          "source range " + offset + "+" + length + " of " + source.length);
    }
    System.arraycopy(source, offset, payloadBuffer(length), 0, length);
    return this;
  }

  /**
   * Copies {@code length} bytes of {@code event}'s payload from {@code offset} as the derived
   * payload (the whole payload: {@code payload(event, 0, event.payloadLength())}).
   */
  public Record payload(EventView event, int offset, int length) {
    if (offset < 0 || length < 0 || offset + length > event.payloadLength()) {
      throw new IndexOutOfBoundsException(
          "event payload range " + offset + "+" + length + " of " + event.payloadLength());
    }
    event.copyPayload(offset, payloadBuffer(length), 0, length);
    return this;
  }

  /** The array for a payload of {@code length}: the reused buffer, grown, or one of its own. */
  private byte[] payloadArray(int length) {
    if (length > RETAINED_PAYLOAD_BYTES) {
      return new byte[length]; // this record only; dropped when the record is refilled
    }
    if (ownPayload.length < length) {
      ownPayload =
          new byte[Math.min(RETAINED_PAYLOAD_BYTES, Math.max(length, ownPayload.length * 2))];
    }
    return ownPayload;
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
