package io.eventstreamcore.bench.jmh;

import io.eventstreamcore.engine.event.EventSlot;
import io.eventstreamcore.engine.event.EventView;
import io.eventstreamcore.engine.record.Record;
import io.eventstreamcore.engine.spi.ProcessorHandler;
import io.eventstreamcore.engine.spi.RecordSink;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A handler deriving one event per event, its payload a slice of the source's (all of it but a
 * 4-byte header), into records taken in turn from a preallocated queue of them, as the processor
 * stage hands them out; run with {@code -prof gc} to see that, once each record's buffer has grown,
 * nothing is allocated per event up to {@code Record.RETAINED_PAYLOAD_BYTES}. The baseline is the
 * conventional way: a new array holding the slice per event.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class DerivedEventBenchmark {
  private static final int HEADER_BYTES = 4;

  /** Source payload size: small, and the largest that keeps to the reused buffers. */
  @Param({"100", "65540"})
  public int payloadBytes;

  private final QueueSink sink = new QueueSink(1024);
  private final ProcessorHandler handler = new SliceHandler();
  private EventSlot event;

  @Setup
  public void setUp() {
    byte[] payload = new byte[payloadBytes];
    Arrays.fill(payload, (byte) 'v');
    event = BenchEvents.classified("sensor/kitchen", payload);
  }

  /** The handler emits a derived event with the slice copied into the record's own buffer. */
  @Benchmark
  public int derive() {
    handler.onEvent(event, sink);
    return sink.last.payloadLength();
  }

  /** Baseline: the slice copied into a new array per event. */
  @Benchmark
  public byte[] newArrayPerEvent() {
    byte[] slice = new byte[event.payloadLength() - HEADER_BYTES];
    event.copyPayload(HEADER_BYTES, slice, 0, slice.length);
    return slice;
  }

  /** Derives the payload after the header, named by the handler. */
  private static final class SliceHandler implements ProcessorHandler {
    @Override
    public void onEvent(EventView event, RecordSink sink) {
      sink.emit()
          .derived("slice", event)
          .payload(event, HEADER_BYTES, event.payloadLength() - HEADER_BYTES);
    }
  }

  /** Hands out preallocated records in turn, as the processor stage's record queue does. */
  private static final class QueueSink implements RecordSink {
    private final Record[] records;
    private int next;
    Record last;

    QueueSink(int size) {
      records = new Record[size];
      for (int i = 0; i < size; i++) {
        records[i] = new Record();
      }
    }

    @Override
    public Record emit() {
      last = records[next];
      next = (next + 1) % records.length;
      return last;
    }

    @Override
    public int remainingForEvent() {
      return 1;
    }
  }
}
