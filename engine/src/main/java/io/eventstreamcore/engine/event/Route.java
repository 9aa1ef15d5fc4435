package io.eventstreamcore.engine.event;

/** The processor an event is routed to, decided by its effective priority. */
public enum Route {
  /** HIGH and CRITICAL events: alerting, low latency. */
  REALTIME,
  /** MEDIUM and LOW events: idempotent handling, exactly-once effect. */
  TRANSACTIONAL,
  /** BATCH events: windowed aggregation. */
  BATCH;

  private static final Route[] BY_PRIORITY = {
    BATCH, TRANSACTIONAL, TRANSACTIONAL, REALTIME, REALTIME
  };

  /** The route of the original engine for a priority. */
  public static Route of(Priority priority) {
    return BY_PRIORITY[priority.ordinal()];
  }

  /** Lower-case name, as used in metric labels and configuration. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
