package io.eventstreamcore.engine.ring;

import com.lmax.disruptor.EventHandler;
import io.eventstreamcore.engine.event.EventSlot;
import io.eventstreamcore.engine.event.Route;
import io.eventstreamcore.engine.event.SlotKind;
import io.eventstreamcore.engine.spi.StorageBackend;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import java.io.IOException;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage 3 of the ring, one per backend: stores each non-duplicate event and the records the
 * processors emitted with it, in ring order, and commits at the end of every batch. The stage never
 * skips: a failing backend is retried with capped exponential backoff, so the ring fills and ingest
 * backpressures rather than losing an event.
 */
final class StorageStage implements EventHandler<EventSlot> {
  private static final Logger LOG = LoggerFactory.getLogger(StorageStage.class);
  private static final long MIN_BACKOFF_NANOS = 1_000_000L;
  private static final long MAX_BACKOFF_NANOS = 1_000_000_000L;
  private static final Route[] ROUTES = Route.values();

  private final StorageBackend backend;
  private final int index;
  private final RecordQueue[] queues;
  private final long[] drained;
  private final CounterDataPoint stored;
  private final CounterDataPoint errors;
  private final GaugeDataPoint upGauge;
  private final BooleanSupplier halted;
  private long storedInBatch;
  private boolean outageReported;
  // Written by the writer thread on an outage's start and end only, read by readiness checks.
  private volatile boolean up = true;

  StorageStage(
      StorageBackend backend,
      int index,
      RecordQueue[] queuesByRoute,
      CounterDataPoint stored,
      CounterDataPoint errors,
      GaugeDataPoint upGauge,
      BooleanSupplier halted) {
    this.backend = backend;
    this.index = index;
    this.queues = queuesByRoute;
    this.drained = new long[queuesByRoute.length];
    this.stored = stored;
    this.errors = errors;
    this.upGauge = upGauge;
    upGauge.set(1);
    this.halted = halted;
  }

  /** The backend this stage writes to. */
  StorageBackend backend() {
    return backend;
  }

  /** False from a failed append or commit until the next one succeeds. */
  boolean up() {
    return up;
  }

  @Override
  public void onStart() {
    Thread.currentThread().setName("eventstream-store-" + backend.name());
  }

  @Override
  public void onEvent(EventSlot slot, long sequence, boolean endOfBatch) {
    if (slot.kind() == SlotKind.EVENT && !slot.duplicate()) {
      appendEvent(slot);
      storedInBatch++;
    }
    for (Route route : ROUTES) {
      drainRecords(route, slot.recordsEnd(route));
    }
    if (endOfBatch) {
      commit();
      stored.inc(storedInBatch);
      storedInBatch = 0;
    }
  }

  private void appendEvent(EventSlot slot) {
    long backoff = MIN_BACKOFF_NANOS;
    while (true) {
      try {
        backend.append(slot);
        recovered();
        return;
      } catch (IOException | RuntimeException e) {
        backoff = failed(e, backoff);
      }
    }
  }

  private void drainRecords(Route route, long end) {
    int r = route.ordinal();
    if (drained[r] >= end) {
      return;
    }
    RecordQueue queue = queues[r];
    long backoff = MIN_BACKOFF_NANOS;
    while (drained[r] < end) {
      try {
        backend.append(queue.get(drained[r]));
        drained[r]++;
        recovered();
      } catch (IOException | RuntimeException e) {
        backoff = failed(e, backoff);
      }
    }
    queue.consumed(index, drained[r]);
  }

  private void commit() {
    long backoff = MIN_BACKOFF_NANOS;
    while (true) {
      try {
        backend.commit();
        recovered();
        return;
      } catch (IOException | RuntimeException e) {
        backoff = failed(e, backoff);
      }
    }
  }

  /** Counts the failure, reports the first of an outage, and waits before the retry. */
  private long failed(Exception e, long backoffNanos) {
    errors.inc();
    if (!outageReported) {
      outageReported = true;
      up = false;
      upGauge.set(0);
      LOG.warn(
          "storage backend '{}' failing, retrying with backoff: {}", backend.name(), e.toString());
    }
    if (halted.getAsBoolean()) {
      throw new IllegalStateException(
          "pipeline halted during storage outage of " + backend.name(), e);
    }
    ParkingWaitStrategy.parkAtLeast(backoffNanos);
    return Math.min(backoffNanos * 2, MAX_BACKOFF_NANOS);
  }

  private void recovered() {
    if (outageReported) {
      outageReported = false;
      up = true;
      upGauge.set(1);
      LOG.info("storage backend '{}' recovered", backend.name());
    }
  }
}
