package io.eventstreamcore.engine.ring;

/**
 * What a processor kind does when it falls behind the ring, chosen per kind by configuration. The
 * backlog is counted in ring slots (events of every kind, ticks included) between the processor and
 * newer work; a policy that sheds turns the event into an {@code overload} dead letter instead of
 * calling the kind's handlers. Shed events are still stored and acknowledged like every event: only
 * their processing is skipped, and the dead letter records that.
 */
public sealed interface OverloadPolicy {
  /** The configuration name ({@code backpressure}, {@code drop-oldest}, {@code drop-newest}). */
  String configName();

  /** True when {@link #shedsOnArrival} can ever be true: classify then watches the backlog. */
  default boolean decidesOnArrival() {
    return false;
  }

  /** True when {@link #shedsBeforeHandling} can ever be true: the processor then watches it. */
  default boolean decidesBeforeHandling() {
    return false;
  }

  /**
   * Decided by classify as the event arrives: shed it when the processor is more than the bound
   * behind this event.
   */
  default boolean shedsOnArrival(long backlog) {
    return false;
  }

  /**
   * Decided by the processor as it reaches the event: shed it when more than the bound newer slots
   * have been claimed after it.
   */
  default boolean shedsBeforeHandling(long backlog) {
    return false;
  }

  /**
   * The policy with {@code name}.
   *
   * @throws IllegalArgumentException for an unknown name or a bound below 1
   */
  static OverloadPolicy of(String name, long maxBacklog) {
    switch (name) {
      case "backpressure":
        return new Backpressure();
      case "drop-oldest":
        return new DropOldest(maxBacklog);
      case "drop-newest":
        return new DropNewest(maxBacklog);
      default:
        throw new IllegalArgumentException(
            "unknown overload policy '" + name + "': backpressure, drop-oldest or drop-newest");
    }
  }

  /** Lossless: the ring fills behind the processor and ingest stops reading (the default). */
  record Backpressure() implements OverloadPolicy {
    @Override
    public String configName() {
      return "backpressure";
    }
  }

  /**
   * The processor sheds the events it reaches while more than {@code maxBacklog} newer slots wait
   * behind them: the oldest waiting events go, the newest are handled.
   */
  record DropOldest(long maxBacklog) implements OverloadPolicy {
    /** Checks the bound. */
    public DropOldest {
      positive(maxBacklog);
    }

    @Override
    public String configName() {
      return "drop-oldest";
    }

    @Override
    public boolean decidesBeforeHandling() {
      return true;
    }

    @Override
    public boolean shedsBeforeHandling(long backlog) {
      return backlog > maxBacklog;
    }
  }

  /**
   * Classify sheds events arriving while the processor is more than {@code maxBacklog} slots
   * behind: those already waiting are handled, the newest go.
   */
  record DropNewest(long maxBacklog) implements OverloadPolicy {
    /** Checks the bound. */
    public DropNewest {
      positive(maxBacklog);
    }

    @Override
    public String configName() {
      return "drop-newest";
    }

    @Override
    public boolean decidesOnArrival() {
      return true;
    }

    @Override
    public boolean shedsOnArrival(long backlog) {
      return backlog > maxBacklog;
    }
  }

  private static void positive(long maxBacklog) {
    if (maxBacklog < 1) {
      throw new IllegalArgumentException("max-backlog must be at least 1: " + maxBacklog);
    }
  }
}
