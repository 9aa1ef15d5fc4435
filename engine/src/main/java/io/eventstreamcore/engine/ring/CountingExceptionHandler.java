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
 * What happens when a ring handler throws. For classify and the processors the error is counted,
 * reported once per stage and exception type, and the stage goes on with the next slot: a bad event
 * never kills a handler thread or stalls the ring.
 *
 * <p>Storage writers and the acknowledger are different: skipping a slot there would let the
 * acknowledger pass events that were never committed. For them (which retry storage failures
 * themselves, so this is only reached by errors such as running out of memory) the error is fatal:
 * the stage stops without advancing, the ring fills and ingest backpressures, nothing is
 * acknowledged, and the pipeline reports itself failed so that readiness turns false.
 */
final class CountingExceptionHandler implements ExceptionHandler<EventSlot> {
  private static final Logger LOG = LoggerFactory.getLogger(CountingExceptionHandler.class);

  private final String stage;
  private final CounterDataPoint errors;
  private final Set<Class<?>> reported = ConcurrentHashMap.newKeySet();

  private final Runnable onFatal;

  /**
   * Creates the handler of a stage.
   *
   * @param onFatal null for a stage that skips a failing slot; otherwise called once before the
   *     stage stops
   */
  CountingExceptionHandler(String stage, EngineMetrics metrics, Runnable onFatal) {
    this.stage = stage;
    this.errors = metrics.handlerErrors(stage);
    this.onFatal = onFatal;
  }

  @Override
  public void handleEventException(Throwable ex, long sequence, EventSlot event) {
    errors.inc();
    if (onFatal != null) {
      LOG.error(
          "stage {} failed on sequence {}; stopping it, nothing after is acknowledged",
          stage,
          sequence,
          ex);
      onFatal.run();
      // Thrown out of the event processor: its sequence stays before this slot.
      throw new IllegalStateException("stage " + stage + " stopped", ex);
    }
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
