package io.eventstreamcore.deploy;

import io.eventstreamcore.engine.event.EventView;
import io.eventstreamcore.engine.spi.HandlerContext;
import io.eventstreamcore.engine.spi.ProcessorHandler;
import io.eventstreamcore.engine.spi.RecordSink;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A test handler named in configuration: records its lifecycle calls under its name (configuration
 * instantiates it, so the test reads them from {@link #calls}), emits one alert per event named
 * after itself, and throws where its config says ({@code fail-on-start}; {@code fail-on-id}, on
 * every call for that id or only the first {@code fail-times}).
 */
public final class ProbeHandler implements ProcessorHandler {
  /** Lifecycle calls by handler name: "start", "event:<route>:<id>", "flush", "stop". */
  static final Map<String, List<String>> CALLS = new ConcurrentHashMap<>();

  private String name;
  private List<String> calls;
  private long failOnId;
  private long failuresLeft;
  private boolean flushed;

  static List<String> calls(String name) {
    return CALLS.getOrDefault(name, List.of());
  }

  @Override
  public void start(HandlerContext context) {
    name = context.name();
    calls = new CopyOnWriteArrayList<>();
    CALLS.put(name, calls);
    if (context.config().hasPath("fail-on-start")) {
      throw new IllegalArgumentException(context.config().getString("fail-on-start"));
    }
    failOnId = context.config().hasPath("fail-on-id") ? context.config().getLong("fail-on-id") : -1;
    failuresLeft =
        context.config().hasPath("fail-times")
            ? context.config().getLong("fail-times")
            : Long.MAX_VALUE;
    calls.add("start:" + context.route().label());
  }

  @Override
  public void onEvent(EventView event, RecordSink sink) {
    // Allocates per event: fine for a test probe, not for a real handler.
    calls.add("event:" + event.route().label() + ":" + event.eventId());
    if (event.eventId() == failOnId && failuresLeft-- > 0) {
      throw new IllegalStateException("probe told to fail on " + failOnId);
    }
    sink.emit()
        .alert(
            name,
            "INFO",
            event.topic(),
            event.receivedMillis(),
            event.eventId(),
            event.payloadLength());
  }

  @Override
  public void onFlush(long nowMillis, RecordSink sink) {
    if (!flushed) {
      flushed = true;
      calls.add("flush");
    }
  }

  @Override
  public void stop() {
    calls.add("stop");
  }
}
