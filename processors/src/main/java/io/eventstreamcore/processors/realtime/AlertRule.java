package io.eventstreamcore.processors.realtime;

import io.eventstreamcore.engine.event.EventView;

/**
 * One alert rule of the realtime processor: a name, a topic pattern ({@link TopicGlob}), a
 * condition on the event and a severity. Immutable; evaluated without allocation.
 */
public final class AlertRule {
  private final String name;
  private final TopicGlob topic;
  private final AlertCondition condition;
  private final String severity;

  /** Creates a rule over a compiled topic pattern. */
  public AlertRule(String name, TopicGlob topic, AlertCondition condition, String severity) {
    this.name = name;
    this.topic = topic;
    this.condition = condition;
    this.severity = severity;
  }

  /**
   * Creates a rule; {@code topic} is a glob, null meaning {@code *}.
   *
   * @throws IllegalArgumentException when the glob is bad
   */
  public AlertRule(String name, String topic, AlertCondition condition, String severity) {
    this(name, TopicGlob.compile(topic == null ? "*" : topic), condition, severity);
  }

  /**
   * The measured value when the rule matches {@code event} (topic and condition), or NaN when it
   * does not. The realtime handler caches the topic match per topic id and calls {@link
   * #condition()} itself; this is the uncached form.
   */
  public double evaluate(EventView event) {
    return topic.matches(event.topic()) ? condition.evaluate(event) : Double.NaN;
  }

  public String name() {
    return name;
  }

  public TopicGlob topic() {
    return topic;
  }

  public AlertCondition condition() {
    return condition;
  }

  public String severity() {
    return severity;
  }

  @Override
  public String toString() {
    return name + "(" + topic + " " + condition + " -> " + severity + ")";
  }
}
