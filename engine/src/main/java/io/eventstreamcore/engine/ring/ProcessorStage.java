package io.eventstreamcore.engine.ring;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.Sequence;
import io.eventstreamcore.engine.event.EventSlot;
import io.eventstreamcore.engine.event.Route;
import io.eventstreamcore.engine.metrics.EngineMetrics;
import io.eventstreamcore.engine.record.DeadLetterReason;
import io.eventstreamcore.engine.record.Record;
import io.eventstreamcore.engine.record.RecordKind;
import io.eventstreamcore.engine.spi.ProcessorHandler;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongPredicate;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage 2 of the ring, one per route: gives the route's handlers, in configuration order, the
 * events routed to it (duplicates are skipped: they were handled when first seen) and every tick
 * and flush, and marks on every slot how far its records reach so that storage writers can pick
 * them up in order.
 *
 * <p>Each handler call is guarded on its own. A handler that throws on an event is counted,
 * reported once per exception type, its records from that call are discarded, and it is called
 * again after the {@link RetryPolicy}'s backoff; when the last attempt throws too the event becomes
 * a {@code handler-gave-up} dead letter. Either way the next handler still sees the event. The
 * backoff waits on this thread, which keeps the route's order.
 *
 * <p>An event that classify shed, or that the {@link OverloadPolicy} sheds here, is not handled: it
 * becomes an {@code overload} dead letter.
 */
final class ProcessorStage implements EventHandler<EventSlot> {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessorStage.class);

  private final Route route;
  private final ProcessorHandler[] handlers;
  private final Failures[] failures;
  private final RecordQueue records;
  private final RetryPolicy retry;
  private final OverloadPolicy overload;
  // Reading the ring's claim cursor contends with every publisher: only when the policy needs it.
  private final boolean watchesBacklog;
  private final LongSupplier claimed;
  private final LongPredicate pause;
  private final CounterDataPoint processed;
  private final CounterDataPoint retries;
  private final CounterDataPoint shed;
  private final CounterDataPoint derived;
  private final CounterDataPoint[] deadLetters;
  // The last slot this stage finished, for classify's overload decisions; an ordered store per
  // slot, read by the classify thread only when a policy needs it.
  private final Sequence progress = new Sequence();
  // Set before the stage thread starts (its start publishes it); false when classify never reads
  // the progress, which spares a store per slot.
  private boolean publishesProgress = true;
  private long processedInBatch;

  /** One handler of the stage, with its name and error counter. */
  record Member(String name, ProcessorHandler handler, CounterDataPoint errors) {}

  /**
   * Creates the stage.
   *
   * @param claimed the ring's highest claimed sequence, for {@link
   *     OverloadPolicy#shedsBeforeHandling}
   * @param pause waits the given nanoseconds between attempts (parks the thread in service), or
   *     less and false once the pipeline halts: a failing call is then not tried again (a stop must
   *     not wait on backoffs; the event becomes a dead letter)
   */
  ProcessorStage(
      Route route,
      List<Member> members,
      RecordQueue records,
      RetryPolicy retry,
      OverloadPolicy overload,
      LongSupplier claimed,
      LongPredicate pause,
      EngineMetrics metrics) {
    this.route = route;
    this.handlers = new ProcessorHandler[members.size()];
    this.failures = new Failures[members.size()];
    CounterDataPoint stageErrors = metrics.handlerErrors("processor");
    for (int i = 0; i < handlers.length; i++) {
      Member member = members.get(i);
      handlers[i] = member.handler();
      failures[i] = new Failures(route, member.name(), member.errors(), stageErrors);
    }
    this.records = records;
    this.retry = retry;
    this.overload = overload;
    this.watchesBacklog = overload.decidesBeforeHandling();
    this.claimed = claimed;
    this.pause = pause;
    this.processed = metrics.eventsProcessed(route);
    this.retries = metrics.processorRetries(route);
    this.shed = metrics.overloadShed(route);
    this.derived = metrics.derivedEvents(route);
    DeadLetterReason[] reasons = DeadLetterReason.values();
    this.deadLetters = new CounterDataPoint[reasons.length];
    for (DeadLetterReason reason : reasons) {
      deadLetters[reason.ordinal()] = metrics.deadLetters(reason);
    }
  }

  /** The kind this stage processes. */
  Route route() {
    return route;
  }

  /** The sequence of the last slot this stage finished. */
  Sequence progress() {
    return progress;
  }

  /** Before start: whether to keep {@link #progress()} up to date (someone reads it). */
  void publishesProgress(boolean publishes) {
    this.publishesProgress = publishes;
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
            long mark = records.produced();
            try {
              handlers[i].onTick(slot.receivedMillis(), records);
            } catch (Throwable e) {
              failed(i, e, mark, sequence);
            }
          }
          break;
        case FLUSH:
          for (int i = 0; i < handlers.length; i++) {
            long mark = records.produced();
            try {
              handlers[i].onFlush(slot.receivedMillis(), records);
            } catch (Throwable e) {
              failed(i, e, mark, sequence);
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
        } else if (record.kind() == RecordKind.DERIVED_EVENT) {
          derived.inc();
        }
      }
      if (endOfBatch && processedInBatch > 0) {
        processed.inc(processedInBatch); // one contended add per batch, not per event
        processedInBatch = 0;
      }
      if (publishesProgress) {
        progress.set(sequence);
      }
    }
  }

  private void handle(EventSlot slot, long sequence) {
    if (slot.isShed()
        || watchesBacklog && overload.shedsBeforeHandling(claimed.getAsLong() - sequence)) {
      shed.inc();
      deadLetter(slot, DeadLetterReason.OVERLOAD);
      return;
    }
    boolean gaveUp = false;
    for (int i = 0; i < handlers.length; i++) {
      gaveUp |= !call(i, slot, sequence);
    }
    if (gaveUp) {
      deadLetter(slot, DeadLetterReason.HANDLER_GAVE_UP);
    } else {
      processedInBatch++;
    }
  }

  /** Calls handler {@code i} up to the policy's attempts; false when every attempt threw. */
  private boolean call(int i, EventSlot slot, long sequence) {
    for (int attempt = 1; ; attempt++) {
      long mark = records.produced();
      try {
        handlers[i].onEvent(slot, records);
        return true;
      } catch (Throwable e) { // an Error of user code (an assertion, a missing class) too
        failed(i, e, mark, sequence);
        if (attempt >= retry.attempts()) {
          return false;
        }
        retries.inc();
        if (!pause.test(retry.backoffNanos(attempt))) {
          return false;
        }
      }
    }
  }

  /**
   * A call of handler {@code i} threw: what it emitted since {@code mark} is not its effect (a
   * retry must not double it, and a record taken but never filled would be stored stale).
   */
  private void failed(int i, Throwable e, long mark, long sequence) {
    records.rollback(mark);
    failures[i].record(e, sequence);
  }

  private void deadLetter(EventSlot slot, DeadLetterReason reason) {
    // From the record kept beyond the handlers' room: there is always one for it.
    records.emitDeadLetter().deadLetter(reason, slot);
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

    void record(Throwable e, long sequence) {
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
