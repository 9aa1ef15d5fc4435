package io.eventstreamcore.bench.jmh;

import com.typesafe.config.ConfigFactory;
import io.eventstreamcore.engine.config.EngineSettings;
import io.eventstreamcore.engine.event.AckTarget;
import io.eventstreamcore.engine.event.ErrorCode;
import io.eventstreamcore.engine.event.EventSlot;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.metrics.EngineMetrics;
import io.eventstreamcore.engine.ring.EventPipeline;
import io.eventstreamcore.engine.ring.RingPublisher;
import io.eventstreamcore.processors.ProcessorHandlers;
import io.eventstreamcore.processors.config.ProcessorSettings;
import io.eventstreamcore.storage.memory.MemoryBackend;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The in-process pipeline, publish to ACK: classify, the three processors, memory storage and the
 * acknowledger, for each wait strategy; compare with {@link HandOffBaselineBenchmark}, the same
 * stages joined by {@code ArrayBlockingQueue}s, in the same run.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
// The stage handlers kept out of the Disruptor's loop, as the service's launcher does: with two
// stage classes (split) the JIT otherwise inlines both into that one loop, and some runs are slow.
@Fork(
    value = 1,
    jvmArgsAppend = {
      "-Xms1g",
      "-Xmx1g",
      "-XX:CompileCommand=quiet",
      "-XX:CompileCommand=dontinline,io.eventstreamcore.engine.ring.RouteStage::onEvent",
      "-XX:CompileCommand=dontinline,io.eventstreamcore.engine.ring.SingleStage::onEvent"
    })
@State(Scope.Benchmark)
public class PipelineBenchmark {
  static final int BATCH = 10_000;
  private static final byte[][] TOPICS = new byte[16][];

  static {
    for (int i = 0; i < TOPICS.length; i++) {
      TOPICS[i] = ("topic/" + i).getBytes(StandardCharsets.UTF_8);
    }
  }

  @Param({"parking", "blocking", "lite-blocking", "sleeping", "yielding"})
  String waitStrategy;

  @Param({"parallel", "split", "compact", "single"})
  String topology;

  private EventPipeline pipeline;
  private RingPublisher publisher;
  private final CountingTarget target = new CountingTarget();
  private long frame;

  /** Counts the highest acknowledged frame. */
  static final class CountingTarget extends AckTarget {
    volatile long acked;

    @Override
    public boolean sendAck(long frameNo) {
      acked = frameNo;
      return true;
    }

    @Override
    public void sendError(long frameNo, ErrorCode code) {}

    @Override
    public void closeAfterFlush() {}
  }

  @Setup(Level.Trial)
  public void setUp() {
    var config =
        ConfigFactory.parseString(
                "eventstream.ring.wait-strategy = "
                    + waitStrategy
                    + "\neventstream.ring.topology = "
                    + topology)
            .withFallback(ConfigFactory.defaultReference())
            .resolve();
    EngineSettings engine = new EngineSettings(config);
    EngineMetrics metrics = new EngineMetrics();
    pipeline =
        new EventPipeline(
            engine,
            metrics,
            InstantSource.system(),
            ProcessorHandlers.create(
                new ProcessorSettings(config),
                engine,
                metrics,
                PipelineBenchmark.class.getClassLoader()),
            List.of(new MemoryBackend("memory", 1 << 20, 256 << 20, 1 << 16)));
    pipeline.start();
    publisher = pipeline.publisher();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws InterruptedException {
    pipeline.stop();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long publishToAck() {
    long last = frame + BATCH;
    while (frame < last) {
      long sequence = publisher.tryClaim();
      if (sequence == RingPublisher.NO_SLOT) {
        Thread.onSpinWait();
        continue;
      }
      fill(publisher.slot(sequence), ++frame, target);
      publisher.publish(sequence);
    }
    while (target.acked < last) {
      LockSupport.parkNanos(1_000);
    }
    return target.acked;
  }

  /** Fills a slot as the decoder would for a 100-byte v2 event with an id, acks requested. */
  static void fill(EventSlot slot, long frame, AckTarget target) {
    slot.beginFrame(target, frame, true);
    slot.received(frame >> 10, System.nanoTime());
    slot.header(Priority.ofCode((int) (frame % 5)), frame, 0);
    byte[] topic = TOPICS[(int) (frame & 15)];
    System.arraycopy(topic, 0, slot.topicBuffer(topic.length), 0, topic.length);
    slot.payloadBuffer(100)[0] = (byte) frame;
  }
}
