package io.eventstreamcore.engine.metrics;

import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A latency histogram in seconds with fixed classic buckets, observed by one thread, per event,
 * without allocating: the client library's {@code Histogram.observe} allocates a lambda and more
 * per observation. Observing is a bucket search and two ordered stores; scrapes read from any
 * thread and may see an observation in its bucket before its share of the sum.
 */
public final class LatencyHistogram implements Collector {
  private final String name;
  private final String help;
  private final double[] upperBoundsSeconds;
  private final long[] upperBoundsNanos;
  private final AtomicLongArray counts;
  // The sum in nanoseconds, as the bits of a double: a long would wrap after 2^63 ns (292 years of
  // summed latency, three days at 3.5 M events/s that each wait 10 ms), and a sum gone negative
  // reads as a counter reset.
  private final AtomicLong sumNanosBits = new AtomicLong(Double.doubleToRawLongBits(0));

  /**
   * Creates the histogram.
   *
   * @param name the metric name, ending in {@code _seconds}
   * @param upperBoundsSeconds the finite bucket bounds, ascending; a +Inf bucket follows them
   */
  LatencyHistogram(String name, String help, double[] upperBoundsSeconds) {
    this.name = name;
    this.help = help;
    int buckets = upperBoundsSeconds.length + 1;
    this.upperBoundsSeconds = new double[buckets];
    this.upperBoundsNanos = new long[buckets];
    for (int i = 0; i < upperBoundsSeconds.length; i++) {
      if (i > 0 && upperBoundsSeconds[i] <= upperBoundsSeconds[i - 1]) {
        throw new IllegalArgumentException("bucket bounds must ascend");
      }
      this.upperBoundsSeconds[i] = upperBoundsSeconds[i];
      this.upperBoundsNanos[i] = Math.round(upperBoundsSeconds[i] * 1e9);
    }
    this.upperBoundsSeconds[buckets - 1] = Double.POSITIVE_INFINITY;
    this.upperBoundsNanos[buckets - 1] = Long.MAX_VALUE;
    this.counts = new AtomicLongArray(buckets);
  }

  /**
   * Observes one latency; only ever called from one thread (the owning stage's). A negative value
   * (a clock step) counts as 0.
   */
  public void observeNanos(long nanos) {
    long value = Math.max(0, nanos);
    int i = 0;
    while (value > upperBoundsNanos[i]) {
      i++;
    }
    // One writer: read-increment-store needs no atomic add; the ordered store publishes it.
    counts.lazySet(i, counts.get(i) + 1);
    double sum = Double.longBitsToDouble(sumNanosBits.get()) + value;
    sumNanosBits.lazySet(Double.doubleToRawLongBits(sum));
  }

  /** Observations so far. */
  public long count() {
    long count = 0;
    for (int i = 0; i < counts.length(); i++) {
      count += counts.get(i);
    }
    return count;
  }

  @Override
  public MetricSnapshot collect() {
    long[] snapshot = new long[counts.length()];
    for (int i = 0; i < snapshot.length; i++) {
      snapshot[i] = counts.get(i);
    }
    return HistogramSnapshot.builder()
        .name(name)
        .help(help)
        .unit(Unit.SECONDS)
        .dataPoint(
            HistogramSnapshot.HistogramDataPointSnapshot.builder()
                .classicHistogramBuckets(ClassicHistogramBuckets.of(upperBoundsSeconds, snapshot))
                .sum(Double.longBitsToDouble(sumNanosBits.get()) / 1e9)
                .build())
        .build();
  }

  @Override
  public String getPrometheusName() {
    return name;
  }
}
