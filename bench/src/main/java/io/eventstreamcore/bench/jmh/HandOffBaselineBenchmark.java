package io.eventstreamcore.bench.jmh;

import com.typesafe.config.ConfigFactory;
import io.eventstreamcore.engine.classify.ClassifyHandler;
import io.eventstreamcore.engine.classify.DedupWindow;
import io.eventstreamcore.engine.classify.TopicIndex;
import io.eventstreamcore.engine.config.EngineSettings;
import io.eventstreamcore.engine.event.EventSlot;
import io.eventstreamcore.engine.metrics.EngineMetrics;
import io.eventstreamcore.engine.record.Record;
import io.eventstreamcore.engine.spi.HandlerContext;
import io.eventstreamcore.engine.spi.ProcessorBinding;
import io.eventstreamcore.engine.spi.ProcessorHandler;
import io.eventstreamcore.engine.spi.RecordSink;
import io.eventstreamcore.processors.ProcessorHandlers;
import io.eventstreamcore.processors.config.ProcessorSettings;
import io.eventstreamcore.storage.memory.MemoryBackend;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Baseline for {@link PipelineBenchmark}: the same work (classify, the routed processor, memory
 * storage of events and the records handlers emit, one commit per batch, acknowledge) on three
 * threads joined by {@code ArrayBlockingQueue}s, each taking what its queue holds at once ({@code
 * drainTo}) as the ring's stages take a batch, with slots recycled through a free queue, as a
 * conventional design would do it.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class HandOffBaselineBenchmark {
  private static final int CAPACITY = 16_384;

  private final BlockingQueue<EventSlot> free = new ArrayBlockingQueue<>(CAPACITY);
  private final BlockingQueue<EventSlot> toClassify = new ArrayBlockingQueue<>(CAPACITY);
  private final BlockingQueue<EventSlot> toProcess = new ArrayBlockingQueue<>(CAPACITY);
  private final BlockingQueue<EventSlot> toAck = new ArrayBlockingQueue<>(CAPACITY);
  private final PipelineBenchmark.CountingTarget target = new PipelineBenchmark.CountingTarget();
  private final List<Thread> threads = new ArrayList<>();
  private long frame;

  /** A sink of one reused record, which the process stage stores when a handler emitted it. */
  private static final class OneRecordSink implements RecordSink {
    private final Record record = new Record();
    private boolean emitted;

    @Override
    public Record emit() {
      emitted = true;
      return record;
    }

    @Override
    public int remainingForEvent() {
      return 64;
    }
  }

  @Setup(Level.Trial)
  public void setUp() {
    var config = ConfigFactory.defaultReference().resolve();
    EngineSettings engine = new EngineSettings(config);
    EngineMetrics metrics = new EngineMetrics();
    ClassifyHandler classify =
        new ClassifyHandler(
            new TopicIndex(engine.topicPriorities(), engine.maxTopics()),
            new DedupWindow(engine.dedupWindow().toMillis(), engine.dedupMaxKeys()),
            metrics);
    ProcessorHandler[] byRoute = new ProcessorHandler[3];
    for (ProcessorBinding b :
        ProcessorHandlers.create(
            new ProcessorSettings(config),
            engine,
            metrics,
            HandOffBaselineBenchmark.class.getClassLoader())) {
      b.handler()
          .start(
              new HandlerContext(
                  b.name(),
                  b.route(),
                  b.config(),
                  InstantSource.system(),
                  metrics.registry(),
                  engine.maxTopics() + 1));
      byRoute[b.route().ordinal()] = b.handler();
    }
    MemoryBackend memory = new MemoryBackend("memory", 1 << 20, 256 << 20, 1 << 16);
    OneRecordSink sink = new OneRecordSink();
    for (int i = 0; i < CAPACITY; i++) {
      free.add(new EventSlot(256));
    }
    threads.add(stage(toClassify, toProcess, slot -> classify.onEvent(slot, 0, false), () -> {}));
    threads.add(
        stage(
            toProcess,
            toAck,
            slot -> {
              ProcessorHandler handler = byRoute[slot.route().ordinal()];
              if (handler != null && !slot.duplicate()) {
                handler.onEvent(slot, sink);
                if (sink.emitted) {
                  memory.append(sink.record);
                  sink.emitted = false;
                }
              }
              memory.append(slot);
            },
            memory::commit)); // before the batch moves on to be acknowledged
    threads.add(stage(toAck, free, slot -> slot.source().sendAck(slot.frameNo()), () -> {}));
  }

  /** Work done on each slot by a stage. */
  private interface Step {
    void apply(EventSlot slot) throws Exception;
  }

  /** Work done once a batch is through its steps, before it is passed on. */
  private interface EndOfBatch {
    void run() throws Exception;
  }

  private static Thread stage(
      BlockingQueue<EventSlot> in, BlockingQueue<EventSlot> out, Step step, EndOfBatch end) {
    Thread thread =
        new Thread(
            () -> {
              List<EventSlot> batch = new ArrayList<>(CAPACITY);
              try {
                while (true) {
                  batch.add(in.take());
                  in.drainTo(batch);
                  for (EventSlot slot : batch) {
                    step.apply(slot);
                  }
                  end.run();
                  for (EventSlot slot : batch) {
                    out.put(slot);
                  }
                  batch.clear();
                }
              } catch (InterruptedException e) {
                // tear-down: the stage ends
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws InterruptedException {
    for (Thread thread : threads) {
      thread.interrupt();
      thread.join();
    }
  }

  @Benchmark
  @OperationsPerInvocation(PipelineBenchmark.BATCH)
  public long arrayBlockingQueueHandOff() throws InterruptedException {
    long last = frame + PipelineBenchmark.BATCH;
    while (frame < last) {
      EventSlot slot = free.take();
      PipelineBenchmark.fill(slot, ++frame, target);
      toClassify.put(slot);
    }
    while (target.acked < last) {
      Thread.onSpinWait();
    }
    return target.acked;
  }
}
