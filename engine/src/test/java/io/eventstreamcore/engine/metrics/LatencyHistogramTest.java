package io.eventstreamcore.engine.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBucket;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {
  private final LatencyHistogram histogram =
      new LatencyHistogram("test_latency_seconds", "A test.", new double[] {0.001, 0.01});

  private List<Long> bucketCounts(HistogramSnapshot snapshot) {
    List<Long> counts = new ArrayList<>();
    for (ClassicHistogramBucket bucket : snapshot.getDataPoints().get(0).getClassicBuckets()) {
      counts.add(bucket.getCount());
    }
    return counts;
  }

  @Test
  void eachObservationLandsInTheFirstBucketWhoseBoundHoldsIt() {
    histogram.observeNanos(1_000_000); // exactly 1 ms: the 1 ms bucket (le is inclusive)
    histogram.observeNanos(1_000_001);
    histogram.observeNanos(10_000_000);
    histogram.observeNanos(50_000_000);
    histogram.observeNanos(-5); // a clock step: 0

    HistogramSnapshot snapshot = (HistogramSnapshot) histogram.collect();

    assertThat(bucketCounts(snapshot)).containsExactly(2L, 2L, 1L);
    assertThat(snapshot.getDataPoints().get(0).getSum()).isCloseTo(0.062000001, within(1e-12));
    assertThat(histogram.count()).isEqualTo(5);
  }

  @Test
  void theSumKeepsGrowingPastWhatALongOfNanosecondsHolds() {
    // 2^63 ns is 292 years of summed latency: three days of 3.5 M events/s that wait 10 ms each.
    for (int i = 0; i < 3; i++) {
      histogram.observeNanos(Long.MAX_VALUE / 2);
    }

    double sum = ((HistogramSnapshot) histogram.collect()).getDataPoints().get(0).getSum();
    assertThat(sum).isCloseTo(1.5 * Long.MAX_VALUE / 1e9, within(1e3));
  }

  @Test
  void itIsExposedAsAClassicHistogramInSeconds() throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    registry.register(histogram);
    histogram.observeNanos(2_000_000);

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new PrometheusTextFormatWriter(false).write(out, registry.scrape());
    String text = out.toString(StandardCharsets.UTF_8);

    assertThat(text)
        .contains("# TYPE test_latency_seconds histogram")
        .contains("test_latency_seconds_bucket{le=\"0.001\"} 0")
        .contains("test_latency_seconds_bucket{le=\"0.01\"} 1")
        .contains("test_latency_seconds_bucket{le=\"+Inf\"} 1")
        .contains("test_latency_seconds_count 1")
        .contains("test_latency_seconds_sum 0.002");
  }
}
