package io.eventstreamcore.engine.ring;

import com.lmax.disruptor.ExceptionHandler;
import io.eventstreamcore.engine.event.EventSlot;
import io.eventstreamcore.engine.metrics.EngineMetrics;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens when a ring handler throws: the error is counted, reported once per stage and
 * exception type, and the stage goes on with the next slot. A bad event never kills a handler
 * thread or stalls the ring.
 */
final class CountingExceptionHandler implements ExceptionHandler<EventSlot> {
  private static final Logger LOG = LoggerFactory.getLogger(CountingExceptionHandler.class);

  private final String stage;
  private final CounterDataPoint errors;
  private final Set<Class<?>> reported = ConcurrentHashMap.newKeySet();

  CountingExceptionHandler(String stage, EngineMetrics metrics) {
    this.stage = stage;
    this.errors = metrics.handlerErrors(stage);
  }

  @Override
  public void handleEventException(Throwable ex, long sequence, EventSlot event) {
    errors.inc();
    if (reported.add(ex.getClass())) {
      LOG.error(
          "stage {} failed on sequence {}; counted, going on (reported once per type)",
          stage,
          sequence,
          ex);
    }
  }

  @Override
  public void handleOnStartException(Throwable ex) {
    LOG.error("stage {} failed to start", stage, ex);
  }

  @Override
  public void handleOnShutdownException(Throwable ex) {
    LOG.error("stage {} failed to shut down", stage, ex);
  }
}
