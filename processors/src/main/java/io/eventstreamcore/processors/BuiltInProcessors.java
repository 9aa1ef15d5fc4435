package io.eventstreamcore.processors;

import io.eventstreamcore.engine.config.EngineSettings;
import io.eventstreamcore.engine.metrics.EngineMetrics;
import io.eventstreamcore.engine.spi.ProcessorHandler;
import io.eventstreamcore.processors.batch.BatchHandler;
import io.eventstreamcore.processors.config.ProcessorSettings;
import io.eventstreamcore.processors.realtime.RealtimeHandler;
import java.util.List;

/**
 * The built-in processor handlers. Transactional has no handler of its own: its effect is the
 * event's storage, once per event_id, which the engine guarantees (duplicates are skipped, counted
 * and still acknowledged).
 */
public final class BuiltInProcessors {
  private BuiltInProcessors() {}

  /** Creates the realtime and batch handlers from settings. */
  public static List<ProcessorHandler> create(
      ProcessorSettings settings, EngineSettings engine, EngineMetrics metrics) {
    return List.of(
        new RealtimeHandler(
            settings.alertRules(),
            engine.maxTopics(),
            settings.realtimeSla().toNanos(),
            metrics,
            System::nanoTime),
        new BatchHandler(
            settings.batchWindow().toMillis(), engine.maxTopics() + 1, metrics.windowsClosed()));
  }
}
