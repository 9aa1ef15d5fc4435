package io.eventstreamcore.engine.ring;

import io.eventstreamcore.engine.event.Route;
import java.util.Arrays;
import java.util.Locale;

/**
 * How the ring's handlers map onto threads, chosen with {@code eventstream.ring.topology}. Every
 * topology runs the same handlers in the same order and keeps the same delivery guarantees (ring
 * order, ACK after commit); they differ in how many threads a publish wakes, in whether a slow
 * processor holds up the others, and so in what the overload policies can tell apart. Outside
 * {@link #SINGLE}, a single storage backend's writer and the acknowledger share a thread; several
 * backends have a writer thread each and the acknowledger one more (and with backends that are not
 * durable, a last one that releases large payloads once every writer is past them).
 */
public enum RingTopology {
  /**
   * {@link #SPLIT} on machines with at most {@value #FEW_CORES} cores, else {@link #PARALLEL}:
   * either way realtime handling does not wait for slow transactional or batch handlers.
   */
  AUTO,
  /**
   * A thread for classify and one per route's processor: stages overlap on many cores, and a slow
   * processor does not hold up the others.
   */
  PARALLEL,
  /**
   * Classify and the realtime processor on one thread; the transactional and batch processors on a
   * second, with a single storage backend's writer and the acknowledger (with several backends,
   * those have threads of their own as in {@link #PARALLEL}). Realtime handling does not wait for a
   * slow transactional or batch handler, and a publish wakes two stage threads, not five.
   */
  SPLIT,
  /**
   * Classify and the three processors on one thread: fewer hand-offs and wake-ups for few cores.
   */
  COMPACT,
  /**
   * Classify, the three processors, the storage writer and the acknowledger on one thread: a
   * publish wakes one stage thread. Needs a single storage backend; with several it runs as {@link
   * #COMPACT}.
   */
  SINGLE;

  /** Most cores on which {@link #AUTO} picks {@link #SPLIT}. */
  public static final int FEW_CORES = 2;

  /**
   * This choice as it runs on a machine with {@code cores} cores and with {@code backends} storage
   * backends: {@link #AUTO} resolved, then {@link #SINGLE} as {@link #COMPACT} with several
   * backends.
   */
  public RingTopology resolve(int cores, int backends) {
    RingTopology chosen = this != AUTO ? this : cores <= FEW_CORES ? SPLIT : PARALLEL;
    return chosen == SINGLE && backends > 1 ? COMPACT : chosen;
  }

  /**
   * Whether {@code route}'s processor runs on classify's thread, so that it is never behind
   * classify.
   */
  public boolean sharesClassifyThread(Route route) {
    return this == COMPACT || this == SINGLE || this == SPLIT && route == Route.REALTIME;
  }

  /**
   * Whether {@code route}'s processor runs on the thread of the only storage writer, with {@code
   * backends} storage backends: then the backlog it sees includes slow storage.
   */
  public boolean sharesWriterThread(Route route, int backends) {
    return this == SINGLE || this == SPLIT && route != Route.REALTIME && backends == 1;
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
