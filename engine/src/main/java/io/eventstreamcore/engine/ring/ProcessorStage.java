package io.eventstreamcore.engine.ring;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.Sequence;
import io.eventstreamcore.engine.event.EventSlot;
import io.eventstreamcore.engine.event.Route;
import io.eventstreamcore.engine.record.Record;
import io.eventstreamcore.engine.record.RecordKind;
import io.eventstreamcore.engine.spi.ProcessorHandler;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage 2 of the ring, one per route: gives the route's handlers, in configuration order, the
 * events routed to it (duplicates are skipped: they were handled when first seen) and every tick
 * and flush, and marks on every slot how far its records reach so that storage writers can pick
 * them up in order.
 *
 * <p>Each handler call is guarded on its own: a handler that throws is counted and reported once
 * per exception type, and the next handler still sees the event.
 */
final class ProcessorStage implements EventHandler<EventSlot> {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessorStage.class);

  private final Route route;
  private final ProcessorHandler[] handlers;
  private final Failures[] failures;
  private final RecordQueue records;
  private final CounterDataPoint processed;
  private final CounterDataPoint[] deadLetters;
  private long processedInBatch;

  /** One handler of the stage, with its name and error counter. */
  record Member(String name, ProcessorHandler handler, CounterDataPoint errors) {}

  ProcessorStage(
      Route route,
      List<Member> members,
      RecordQueue records,
      CounterDataPoint processed,
      CounterDataPoint stageErrors,
      CounterDataPoint[] deadLettersByReason) {
    this.route = route;
    this.deadLetters = deadLettersByReason;
    this.handlers = new ProcessorHandler[members.size()];
    this.failures = new Failures[members.size()];
    for (int i = 0; i < handlers.length; i++) {
      Member member = members.get(i);
      handlers[i] = member.handler();
      failures[i] = new Failures(route, member.name(), member.errors(), stageErrors);
    }
    this.records = records;
    this.processed = processed;
  }

  @Override
  public void setSequenceCallback(Sequence sequenceCallback) {
    records.producerProgress(sequenceCallback);
  }

  @Override
  public void onStart() {
    Thread.currentThread().setName("eventstream-" + route.label());
  }

  @Override
  public void onEvent(EventSlot slot, long sequence, boolean endOfBatch) {
    records.beginSlot(sequence);
    long recordsStart = records.produced();
    try {
      switch (slot.kind()) {
        case EVENT:
          if (slot.route() == route && !slot.duplicate()) {
            handle(slot, sequence);
          }
          break;
        case TICK:
          for (int i = 0; i < handlers.length; i++) {
            try {
              handlers[i].onTick(slot.receivedMillis(), records);
            } catch (RuntimeException e) {
              failures[i].record(e, sequence);
            }
          }
          break;
        case FLUSH:
          for (int i = 0; i < handlers.length; i++) {
            try {
              handlers[i].onFlush(slot.receivedMillis(), records);
            } catch (RuntimeException e) {
              failures[i].record(e, sequence);
            }
          }
          break;
        default:
          break;
      }
    } finally {
      // Even when a handler throws, writers must see where this slot's records end.
      long recordsEnd = records.produced();
      slot.recordsEnd(route, recordsEnd);
      // Counted here, once, rather than by each storage writer; no records means no work.
      for (long p = recordsStart; p < recordsEnd; p++) {
        Record record = records.get(p);
        if (record.kind() == RecordKind.DEAD_LETTER && record.reason() != null) {
          deadLetters[record.reason().ordinal()].inc();
        }
      }
      if (endOfBatch && processedInBatch > 0) {
        processed.inc(processedInBatch); // one contended add per batch, not per event
        processedInBatch = 0;
      }
    }
  }

  /** Counts the event as processed when every handler returned normally. */
  private void handle(EventSlot slot, long sequence) {
    boolean clean = true;
    for (int i = 0; i < handlers.length; i++) {
      try {
        handlers[i].onEvent(slot, records);
      } catch (RuntimeException e) {
        failures[i].record(e, sequence);
        clean = false;
      }
    }
    if (clean) {
      processedInBatch++;
    }
  }

  /** Errors of one handler: counted always, logged once per exception type. */
  private static final class Failures {
    private final Route route;
    private final String name;
    private final CounterDataPoint errors;
    private final CounterDataPoint stageErrors;
    // Only the stage thread touches it.
    private final Set<Class<?>> reported = new HashSet<>();

    Failures(Route route, String name, CounterDataPoint errors, CounterDataPoint stageErrors) {
      this.route = route;
      this.name = name;
      this.errors = errors;
      this.stageErrors = stageErrors;
    }

    void record(RuntimeException e, long sequence) {
      errors.inc();
      stageErrors.inc();
      if (reported.add(e.getClass())) {
        LOG.error(
            "{} handler '{}' failed on sequence {}; counted, going on (reported once per type)",
            route.label(),
            name,
            sequence,
            e);
      }
    }
  }
}
