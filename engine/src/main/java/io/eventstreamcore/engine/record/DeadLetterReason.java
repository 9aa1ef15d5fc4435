package io.eventstreamcore.engine.record;

/**
 * Why an event was not processed normally and became a dead letter. A small fixed set, so that
 * {@code eventstream_dead_letters_total{reason}} has a bounded label set registered at start.
 */
public enum DeadLetterReason {
  /** A handler retried the event and gave up. */
  HANDLER_GAVE_UP("handler-gave-up"),
  /** The event arrived later than the allowed lateness. */
  LATE("late"),
  /** An overload policy shed the event. */
  OVERLOAD("overload"),
  /** A handler refused the event for a reason of its own. */
  HANDLER("handler");

  private final String label;

  DeadLetterReason(String label) {
    this.label = label;
  }

  /** The label stored by backends and used as the metric label value. */
  public String label() {
    return label;
  }

  /**
   * The reason with {@code label}.
   *
   * @throws IllegalArgumentException for an unknown label
   */
  public static DeadLetterReason ofLabel(String label) {
    for (DeadLetterReason reason : values()) {
      if (reason.label.equals(label)) {
        return reason;
      }
    }
    throw new IllegalArgumentException("unknown dead-letter reason: " + label);
  }
}
