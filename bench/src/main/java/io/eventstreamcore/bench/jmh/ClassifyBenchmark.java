package io.eventstreamcore.bench.jmh;

import io.eventstreamcore.engine.classify.ClassifyHandler;
import io.eventstreamcore.engine.classify.DedupWindow;
import io.eventstreamcore.engine.classify.TopicIndex;
import io.eventstreamcore.engine.event.EventSlot;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.metrics.EngineMetrics;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The classify stage alone: topic lookup, topic-table rule, dedup and route, per event. */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class ClassifyBenchmark {
  private static final int SLOTS = 1024;

  private ClassifyHandler classify;
  private EventSlot[] slots;
  private long id;

  @Setup
  public void setUp() {
    classify =
        new ClassifyHandler(
            new TopicIndex(
                Map.of("sensor/1", Priority.CRITICAL, "analytics/metrics", Priority.BATCH), 65536),
            new DedupWindow(TimeUnit.HOURS.toMillis(1), 1_000_000),
            new EngineMetrics());
    slots = new EventSlot[SLOTS];
    for (int i = 0; i < SLOTS; i++) {
      EventSlot slot = new EventSlot(128);
      byte[] topic = ("topic/" + (i % 32)).getBytes(StandardCharsets.UTF_8);
      System.arraycopy(topic, 0, slot.topicBuffer(topic.length), 0, topic.length);
      slot.payloadBuffer(100);
      slots[i] = slot;
    }
  }

  @Benchmark
  @OperationsPerInvocation(SLOTS)
  public void classify() {
    for (int i = 0; i < SLOTS; i++) {
      EventSlot slot = slots[i];
      slot.beginFrame(null, i + 1, false);
      slot.header(Priority.ofCode(i % 5), ++id, 0);
      slot.received(id >> 10, 0);
      classify.onEvent(slot, i, i == SLOTS - 1);
    }
  }
}
