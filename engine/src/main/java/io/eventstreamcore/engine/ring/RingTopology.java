package io.eventstreamcore.engine.ring;

import java.util.Arrays;
import java.util.Locale;

/**
 * How the ring's handlers map onto threads, chosen with {@code eventstream.ring.topology}. Both
 * topologies run the same handlers in the same order and keep the same guarantees; they differ in
 * how many threads a publish wakes. In both, a single storage backend's writer and the acknowledger
 * share a thread; several backends have a writer thread each and the acknowledger one more.
 */
public enum RingTopology {
  /** {@link #COMPACT} on machines with at most {@value #COMPACT_MAX_CORES} cores, else parallel. */
  AUTO,
  /**
   * A thread for classify and one per route's processor: stages overlap on many cores, and a slow
   * processor does not hold up the others.
   */
  PARALLEL,
  /**
   * Classify and the three processors on one thread: fewer hand-offs and wake-ups for few cores.
   */
  COMPACT;

  /** Most cores on which {@link #AUTO} picks {@link #COMPACT}. */
  public static final int COMPACT_MAX_CORES = 2;

  /** This choice with {@link #AUTO} resolved for a machine with {@code cores} cores. */
  public RingTopology resolve(int cores) {
    if (this != AUTO) {
      return this;
    }
    return cores <= COMPACT_MAX_CORES ? COMPACT : PARALLEL;
  }

  /** Configuration name, e.g. {@code compact}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The choice named {@code name} in configuration.
   *
   * @throws IllegalArgumentException naming the valid choices
   */
  public static RingTopology ofConfigName(String name) {
    for (RingTopology choice : values()) {
      if (choice.configName().equals(name)) {
        return choice;
      }
    }
    throw new IllegalArgumentException(
        "unknown ring topology '"
            + name
            + "'; one of "
            + Arrays.stream(values()).map(RingTopology::configName).toList());
  }
}
