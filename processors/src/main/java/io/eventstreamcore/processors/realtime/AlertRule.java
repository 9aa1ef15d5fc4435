package io.eventstreamcore.processors.realtime;

import io.eventstreamcore.engine.event.EventView;

/**
 * One alert rule of the realtime processor: a topic (exact, or {@code *} for every topic), a
 * condition on the event, and a severity. Immutable; evaluated without allocation.
 */
public final class AlertRule {
  /** What the rule measures. */
  public enum Condition {
    /** Payload length in bytes is over the threshold. */
    PAYLOAD_BYTES_OVER,
    /** First payload byte, unsigned, is over the threshold (events with a payload only). */
    FIRST_BYTE_OVER
  }

  private final String name;
  private final String topic;
  private final Condition condition;
  private final long threshold;
  private final String severity;

  /** Creates a rule; {@code topic} null or {@code *} matches every topic. */
  public AlertRule(
      String name, String topic, Condition condition, long threshold, String severity) {
    this.name = name;
    this.topic = topic == null || "*".equals(topic) ? null : topic;
    this.condition = condition;
    this.threshold = threshold;
    this.severity = severity;
  }

  /**
   * The measured value when the rule matches {@code event}, or -1 when it does not. Values are
   * never negative, so -1 is free to mean "no match".
   */
  public long evaluate(EventView event) {
    if (topic != null && !topic.equals(event.topic())) {
      return -1;
    }
    long value;
    switch (condition) {
      case PAYLOAD_BYTES_OVER:
        value = event.payloadLength();
        break;
      case FIRST_BYTE_OVER:
        if (event.payloadLength() == 0) {
          return -1;
        }
        value = event.payloadByte(0) & 0xff;
        break;
      default:
        return -1;
    }
    return value > threshold ? value : -1;
  }

  public String name() {
    return name;
  }

  public String severity() {
    return severity;
  }

  @Override
  public String toString() {
    return name
        + "("
        + (topic == null ? "*" : topic)
        + " "
        + condition
        + " "
        + threshold
        + " -> "
        + severity
        + ")";
  }
}
