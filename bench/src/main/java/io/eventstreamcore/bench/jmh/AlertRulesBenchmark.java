package io.eventstreamcore.bench.jmh;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.typesafe.config.ConfigFactory;
import io.eventstreamcore.engine.event.EventSlot;
import io.eventstreamcore.engine.metrics.EngineMetrics;
import io.eventstreamcore.engine.record.Record;
import io.eventstreamcore.engine.spi.RecordSink;
import io.eventstreamcore.processors.config.ProcessorSettings;
import io.eventstreamcore.processors.realtime.RealtimeHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
 * The realtime handler over the README's four alert rules (globs, payload size and byte, a JSON
 * field), one event at a time; run with {@code -prof gc} to see that it does not allocate. The
 * baseline is the conventional way to evaluate just the JSON rule: parse the payload into a Jackson
 * tree and read the field.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class AlertRulesBenchmark {
  private static final String RULES =
      "eventstream.processors.realtime.rules = [\n"
          + "{ name = large-payload, topic = \"*\", payload-bytes-over = 1024 }\n"
          + "{ name = hot, topic = \"sensor/*\", json-field = temperature, op = \">\","
          + " value = 30.5 }\n"
          + "{ name = tiny, topic = \"*/heartbeat\", payload-bytes-under = 2 }\n"
          + "{ name = door-fault, topic = \"door/?\", payload-byte = 3, op = \"==\", value = 255 }"
          + "]";

  /** Whether the event's temperature is over the rule's threshold (an alert) or under it. */
  @Param({"31.25", "20.5"})
  public String temperature;

  private final JsonFactory jackson = new JsonFactory();
  private final OneRecordSink sink = new OneRecordSink();
  private RealtimeHandler handler;
  private EventSlot event;
  private byte[] payload;

  @Setup
  public void setUp() {
    ProcessorSettings settings =
        new ProcessorSettings(
            ConfigFactory.parseString(RULES)
                .withFallback(ConfigFactory.defaultReference())
                .resolve());
    handler =
        new RealtimeHandler(
            settings.alertRules(), 1024, 5_000_000, new EngineMetrics(), System::nanoTime);
    payload =
        ("{\"id\":\"s-17\",\"room\":\"kitchen\",\"tags\":[\"a\",\"b\"],\"temperature\":"
                + temperature
                + ",\"humidity\":40}")
            .getBytes(StandardCharsets.UTF_8);
    event = BenchEvents.classified("sensor/kitchen", payload);
  }

  /** Every rule on one event, alert written, latency observed. */
  @Benchmark
  public int rules() {
    sink.emitted = 0;
    handler.onEvent(event, sink);
    return sink.emitted;
  }

  /** Baseline: the JSON rule alone, with a streaming parser per event. */
  @Benchmark
  public boolean jacksonStreaming() throws IOException {
    try (JsonParser parser = jackson.createParser(payload)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return false;
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        boolean wanted = "temperature".equals(parser.currentName());
        JsonToken value = parser.nextToken();
        if (wanted) {
          return value.isNumeric() && parser.getDoubleValue() > 30.5;
        }
        parser.skipChildren();
      }
      return false;
    }
  }

  /** A sink that reuses one record. */
  private static final class OneRecordSink implements RecordSink {
    private final Record record = new Record();
    int emitted;

    @Override
    public Record emit() {
      emitted++;
      return record;
    }

    @Override
    public int remainingForEvent() {
      return 16;
    }
  }
}
