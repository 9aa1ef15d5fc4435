package io.eventstreamcore.engine.record;

/** A preallocated, reusable record; one type for every kind so that a queue of them is flat. */
public final class Record implements RecordView {
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
    return this;
  }

  /** Fills this record as a closed window summary. */
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
    return this;
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
}
