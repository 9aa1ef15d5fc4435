package io.eventstreamcore.processors;

import io.eventstreamcore.engine.config.EngineSettings;
import io.eventstreamcore.engine.event.Route;
import io.eventstreamcore.engine.metrics.EngineMetrics;
import io.eventstreamcore.engine.spi.ProcessorHandler;
import io.eventstreamcore.processors.batch.BatchHandler;
import io.eventstreamcore.processors.config.ProcessorSettings;
import io.eventstreamcore.processors.realtime.RealtimeHandler;
import io.eventstreamcore.processors.transactional.IdAuditHandler;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in processor handlers, by the name configuration gives them: {@code alert-rules}
 * (realtime), {@code id-audit} (transactional) and {@code windows} (batch). They implement the same
 * {@link ProcessorHandler} SPI as user handlers; they are built here rather than through a factory
 * because they read the {@code eventstream.processors} settings and engine metrics directly.
 */
public final class BuiltInProcessors {
  /** Each built-in's name and the one kind it runs under. */
  public static final Map<String, Route> KINDS =
      Map.of(
          "alert-rules", Route.REALTIME, "id-audit", Route.TRANSACTIONAL, "windows", Route.BATCH);

  private static final Logger LOG = LoggerFactory.getLogger(BuiltInProcessors.class);

  private BuiltInProcessors() {}

  /**
   * Creates the built-in handler {@code name}.
   *
   * @throws IllegalArgumentException when {@code name} is not a built-in
   */
  public static ProcessorHandler create(
      String name, ProcessorSettings settings, EngineSettings engine, EngineMetrics metrics) {
    switch (name) {
      case "alert-rules":
        return new RealtimeHandler(
            settings.alertRules(),
            engine.maxTopics(),
            settings.realtimeSla().toNanos(),
            metrics,
            System::nanoTime);
      case "id-audit":
        return new IdAuditHandler();
      case "windows":
        settings.batch().checkRecordBound(engine);
        if (settings.batch().caution() != null) {
          LOG.warn(settings.batch().caution());
        }
        return new BatchHandler(
            settings.batch(),
            engine.maxTopics() + 1,
            metrics.windowsClosed(),
            metrics.batchLateEvents());
      default:
        throw new IllegalArgumentException("no built-in handler " + name);
    }
  }
}
