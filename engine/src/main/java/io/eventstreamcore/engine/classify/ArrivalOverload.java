package io.eventstreamcore.engine.classify;

import com.lmax.disruptor.Sequence;
import io.eventstreamcore.engine.event.Route;
import io.eventstreamcore.engine.ring.OverloadPolicy;

/**
 * The overload decisions classify takes as an event arrives, from how far each processor is behind
 * it: shed the event when its processor's policy sheds on arrival ({@code drop-newest}), and route
 * a HIGH event as MEDIUM while the realtime processor is too far behind (the original engine's
 * pressure-based downgrade).
 *
 * <p>Threading: each processor publishes the sequence of the last slot it finished with an ordered
 * store; classify reads it here, on its own thread, only for kinds with such a policy.
 */
public final class ArrivalOverload {
  private static final Route[] ROUTES = Route.values();

  private final OverloadPolicy[] policies = new OverloadPolicy[ROUTES.length];
  private final Sequence[] progress = new Sequence[ROUTES.length];
  private final boolean[] watched = new boolean[ROUTES.length];
  private final long downgradeAboveBacklog;

  /**
   * Creates the decisions.
   *
   * @param policies each kind's policy, by route ordinal
   * @param progress each kind's processor's last finished sequence, by route ordinal
   * @param downgradeAboveBacklog realtime backlog above which HIGH becomes MEDIUM, -1 for never
   */
  public ArrivalOverload(
      OverloadPolicy[] policies, Sequence[] progress, long downgradeAboveBacklog) {
    for (Route route : ROUTES) {
      int r = route.ordinal();
      this.policies[r] = policies[r];
      this.progress[r] = progress[r];
      this.watched[r] = policies[r].decidesOnArrival();
    }
    this.downgradeAboveBacklog = downgradeAboveBacklog;
  }

  /** No shedding, no downgrade. */
  public static ArrivalOverload none() {
    OverloadPolicy[] policies = new OverloadPolicy[ROUTES.length];
    Sequence[] progress = new Sequence[ROUTES.length];
    for (Route route : ROUTES) {
      policies[route.ordinal()] = new OverloadPolicy.Backpressure();
      progress[route.ordinal()] = new Sequence();
    }
    return new ArrivalOverload(policies, progress, -1);
  }

  /** True when these decisions read the progress of {@code route}'s processor. */
  public boolean watches(Route route) {
    return watched[route.ordinal()] || route == Route.REALTIME && downgradeAboveBacklog >= 0;
  }

  /** True when an event of {@code route} at {@code sequence} is to be shed as it arrives. */
  boolean sheds(Route route, long sequence) {
    int r = route.ordinal();
    return watched[r] && policies[r].shedsOnArrival(sequence - progress[r].get());
  }

  /** True when a HIGH event at {@code sequence} is to be routed as MEDIUM. */
  boolean downgradesHigh(long sequence) {
    return downgradeAboveBacklog >= 0
        && sequence - progress[Route.REALTIME.ordinal()].get() > downgradeAboveBacklog;
  }
}
