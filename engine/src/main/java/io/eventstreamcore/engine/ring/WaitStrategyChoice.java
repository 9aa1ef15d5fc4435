package io.eventstreamcore.engine.ring;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.LiteBlockingWaitStrategy;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The Disruptor wait strategies a deployment may choose with {@code
 * eventstream.ring.wait-strategy}. On a 2-core machine only the blocking kinds keep idle CPU near
 * zero; the spinning kinds trade a core per handler for latency.
 */
public enum WaitStrategyChoice {
  /**
   * Blocks while nothing is published, parks with backoff while an upstream stage works: no CPU
   * while idle, and none burnt by stages waiting on each other.
   */
  PARKING(ParkingWaitStrategy::new),
  /** Lock and condition for new events, but busy-spins while waiting on an upstream stage. */
  BLOCKING(BlockingWaitStrategy::new),
  /** Blocking, but skips the signal when no consumer waits: cheaper publish under load. */
  LITE_BLOCKING(LiteBlockingWaitStrategy::new),
  /** Spins, yields, then parks briefly: low latency, some idle CPU. */
  SLEEPING(SleepingWaitStrategy::new),
  /** Spins then yields: a core per handler when idle. */
  YIELDING(YieldingWaitStrategy::new),
  /** Spins: a core per handler, always. */
  BUSY_SPIN(BusySpinWaitStrategy::new);

  private final Supplier<WaitStrategy> factory;

  WaitStrategyChoice(Supplier<WaitStrategy> factory) {
    this.factory = factory;
  }

  /** A new wait strategy of this kind. */
  public WaitStrategy create() {
    return factory.get();
  }

  /** Configuration name, e.g. {@code lite-blocking}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * The choice named {@code name} in configuration.
   *
   * @throws IllegalArgumentException naming the valid choices
   */
  public static WaitStrategyChoice ofConfigName(String name) {
    for (WaitStrategyChoice choice : values()) {
      if (choice.configName().equals(name)) {
        return choice;
      }
    }
    throw new IllegalArgumentException(
        "unknown wait strategy '"
            + name
            + "'; one of "
            + Arrays.stream(values()).map(WaitStrategyChoice::configName).toList());
  }
}
