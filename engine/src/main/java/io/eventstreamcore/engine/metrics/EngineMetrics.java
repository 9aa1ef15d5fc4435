package io.eventstreamcore.engine.metrics;

import io.eventstreamcore.engine.event.ErrorCode;
import io.eventstreamcore.engine.event.Route;
import io.eventstreamcore.engine.record.DeadLetterReason;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Every metric of the service, registered once with stable names and held in fields so that the hot
 * path only increments. One instance per running service, with its own registry, so that several
 * services (in tests) do not collide.
 */
public final class EngineMetrics {
  private static final double[] LATENCY_BUCKETS_SECONDS = {
    0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
    0.1, 0.25, 0.5, 1, 2.5, 5
  };

  private final PrometheusRegistry registry;
  private final CounterDataPoint framesReceived;
  private final CounterDataPoint backpressurePauses;
  private final CounterDataPoint frameTimeouts;
  private final Map<ErrorCode, CounterDataPoint> framesRejected = new EnumMap<>(ErrorCode.class);
  private final CounterDataPoint eventsDuplicate;
  // The classify stage's dedup window, read at a scrape: no work per event on its thread.
  private volatile LongSupplier dedupForgottenEarly = () -> 0;
  private final Map<Route, CounterDataPoint> eventsProcessed = new EnumMap<>(Route.class);
  private final Map<Route, CounterDataPoint> processorRetries = new EnumMap<>(Route.class);
  private final Map<Route, CounterDataPoint> overloadShed = new EnumMap<>(Route.class);
  private final Map<Route, CounterDataPoint> derivedEvents = new EnumMap<>(Route.class);
  private final CounterDataPoint priorityDowngrades;
  private final Counter eventsStored;
  private final Counter storageErrors;
  private final Counter handlerErrors;
  private final Counter processorHandlerErrors;
  private final Counter alerts;
  private final LatencyHistogram realtimeLatency;
  private final CounterDataPoint realtimeSlaBreaches;
  private final CounterDataPoint windowsClosed;
  private final CounterDataPoint batchLateEvents;
  private final Map<DeadLetterReason, CounterDataPoint> deadLetters =
      new EnumMap<>(DeadLetterReason.class);
  private final Gauge connectionsActive;
  private final Gauge storageUp;
  private final LatencyHistogram eventLatency;

  /** Registers every metric in a new registry. */
  public EngineMetrics() {
    this(new PrometheusRegistry());
  }

  /** Registers every metric in {@code registry}. */
  public EngineMetrics(PrometheusRegistry registry) {
    this.registry = registry;
    framesReceived =
        unlabelled(
            "eventstream_frames_received_total",
            "Frames read from TCP connections, rejected ones included.");
    backpressurePauses =
        unlabelled(
            "eventstream_ingest_backpressure_pauses_total",
            "Times a connection stopped reading because the ring was full.");
    frameTimeouts =
        unlabelled(
            "eventstream_ingest_frame_timeouts_total",
            "Connections closed because a frame stopped arriving half way for"
                + " ingest.frame-timeout.");
    registerRejected();
    eventsDuplicate =
        unlabelled(
            "eventstream_events_duplicate_total",
            "Events whose event_id was already seen within the dedup window.");
    CounterWithCallback.builder()
        .name("eventstream_dedup_forgotten_early_total")
        .help(
            "Event ids the dedup window forgot before the window ended, to hold newer ones"
                + " (more than dedup.max-keys ids within a window).")
        .callback(callback -> callback.call(dedupForgottenEarly.getAsLong()))
        .register(registry);
    registerProcessorCounters();
    priorityDowngrades =
        unlabelled(
            "eventstream_priority_downgrades_total",
            "HIGH events routed as MEDIUM because the realtime processor was behind.");
    eventsStored =
        labelled(
            "eventstream_events_stored_total",
            "Events committed by each storage backend.",
            "backend");
    storageErrors =
        labelled(
            "eventstream_storage_errors_total",
            "Failed storage operations, each retried.",
            "backend");
    storageUp =
        gauge(
            "eventstream_storage_up",
            "1 while a storage backend commits, 0 while it fails and is being retried.",
            "backend");
    handlerErrors =
        labelled(
            "eventstream_handler_errors_total",
            "Exceptions thrown by ring handlers, by stage.",
            "stage");
    processorHandlerErrors =
        labelled(
            "eventstream_processor_handler_errors_total",
            "Exceptions thrown by processor handlers, by route and handler name.",
            "route",
            "handler");
    alerts = labelled("eventstream_alerts_total", "Alert records, by rule.", "rule", "severity");
    realtimeLatency =
        latency("eventstream_realtime_latency_seconds", "Frame read to realtime processor done.");
    realtimeSlaBreaches =
        unlabelled("eventstream_realtime_sla_breaches_total", "Realtime latencies over the SLA.");
    windowsClosed =
        unlabelled(
            "eventstream_windows_closed_total", "Window summaries written by the batch processor.");
    batchLateEvents =
        unlabelled(
            "eventstream_batch_late_events_total",
            "Events whose event-time window had closed (beyond the allowed lateness), written"
                + " as dead letters by the batch windows.");
    registerDeadLetters();
    connectionsActive = gauge("eventstream_connections_active", "Open ingest TCP connections.");
    eventLatency =
        latency(
            "eventstream_event_latency_seconds",
            "Time from reading a frame to its event being committed by every durable backend.");
  }

  private void registerProcessorCounters() {
    Counter processed =
        Counter.builder()
            .name("eventstream_events_processed_total")
            .help("Events handled by each processor.")
            .labelNames("processor")
            .withoutExemplars()
            .register(registry);
    Counter retries =
        labelled(
            "eventstream_processor_retries_total",
            "Handler calls repeated after a handler threw on an event, by processor.",
            "processor");
    Counter shed =
        labelled(
            "eventstream_overload_shed_total",
            "Events an overload policy kept from their processor (each an overload dead letter).",
            "processor");
    Counter derived =
        labelled(
            "eventstream_derived_events_total",
            "Derived events the processors' handlers emitted, by processor.",
            "processor");
    for (Route route : Route.values()) {
      eventsProcessed.put(route, processed.labelValues(route.label()));
      processorRetries.put(route, retries.labelValues(route.label()));
      overloadShed.put(route, shed.labelValues(route.label()));
      derivedEvents.put(route, derived.labelValues(route.label()));
    }
  }

  private void registerRejected() {
    Counter rejected =
        Counter.builder()
            .name("eventstream_frames_rejected_total")
            .help("Frames rejected, by reason.")
            .labelNames("reason")
            .withoutExemplars()
            .register(registry);
    for (ErrorCode code : ErrorCode.values()) {
      framesRejected.put(code, rejected.labelValues(code.label()));
    }
  }

  private void registerDeadLetters() {
    Counter dead =
        labelled(
            "eventstream_dead_letters_total",
            "Events not processed normally, written as dead letters, by reason.",
            "reason");
    for (DeadLetterReason reason : DeadLetterReason.values()) {
      deadLetters.put(reason, dead.labelValues(reason.label()));
    }
  }

  private LatencyHistogram latency(String name, String help) {
    LatencyHistogram histogram = new LatencyHistogram(name, help, LATENCY_BUCKETS_SECONDS);
    registry.register(histogram);
    return histogram;
  }

  private CounterDataPoint unlabelled(String name, String help) {
    return counter(name, help).labelValues();
  }

  private Counter counter(String name, String help) {
    return Counter.builder().name(name).help(help).withoutExemplars().register(registry);
  }

  private Gauge gauge(String name, String help, String... labels) {
    return Gauge.builder()
        .name(name)
        .help(help)
        .labelNames(labels)
        .withoutExemplars()
        .register(registry);
  }

  private Counter labelled(String name, String help, String... labels) {
    return Counter.builder()
        .name(name)
        .help(help)
        .labelNames(labels)
        .withoutExemplars()
        .register(registry);
  }

  /**
   * Registers the ring's size and free-slot gauges and the count of slots released; called once by
   * the pipeline at start.
   */
  public void ring(int sizeSlots, LongSupplier remaining, LongSupplier released) {
    Gauge.builder()
        .name("eventstream_ring_size_slots")
        .help("Slots in the ring, fixed at start.")
        .withoutExemplars()
        .register(registry)
        .set(sizeSlots);
    GaugeWithCallback.builder()
        .name("eventstream_ring_remaining_slots")
        .help("Free slots in the ring; 0 means ingest is backpressured.")
        .callback(callback -> callback.call(remaining.getAsLong()))
        .register(registry);
    CounterWithCallback.builder()
        .name("eventstream_ring_slots_released_total")
        .help(
            "Ring slots every stage has finished with: frames acknowledged, rejected or dropped,"
                + " and the engine's own ticks. Flat while slots are in use: a stage is stuck.")
        .callback(callback -> callback.call(released.getAsLong()))
        .register(registry);
  }

  /** The registry to expose. */
  public PrometheusRegistry registry() {
    return registry;
  }

  public CounterDataPoint framesReceived() {
    return framesReceived;
  }

  public CounterDataPoint backpressurePauses() {
    return backpressurePauses;
  }

  public CounterDataPoint frameTimeouts() {
    return frameTimeouts;
  }

  public CounterDataPoint framesRejected(ErrorCode code) {
    return framesRejected.get(code);
  }

  public CounterDataPoint eventsDuplicate() {
    return eventsDuplicate;
  }

  /**
   * Counts, as {@code eventstream_dedup_forgotten_early_total}, what {@code forgotten} returns (a
   * count that only grows); called by the classify stage with its dedup window.
   */
  public void dedupForgottenEarly(LongSupplier forgotten) {
    this.dedupForgottenEarly = forgotten;
  }

  /** The ids the dedup window forgot early, as a scrape reads them now. */
  public long dedupForgottenEarly() {
    return dedupForgottenEarly.getAsLong();
  }

  public CounterDataPoint eventsProcessed(Route route) {
    return eventsProcessed.get(route);
  }

  /** Stored-event counter of one backend; look up once and keep. */
  public CounterDataPoint processorRetries(Route route) {
    return processorRetries.get(route);
  }

  public CounterDataPoint overloadShed(Route route) {
    return overloadShed.get(route);
  }

  public CounterDataPoint derivedEvents(Route route) {
    return derivedEvents.get(route);
  }

  public CounterDataPoint priorityDowngrades() {
    return priorityDowngrades;
  }

  public CounterDataPoint eventsStored(String backend) {
    return eventsStored.labelValues(backend);
  }

  /** Error counter of one backend; look up once and keep. */
  public CounterDataPoint storageErrors(String backend) {
    return storageErrors.labelValues(backend);
  }

  /** Up gauge of one backend; look up once and keep. */
  public GaugeDataPoint storageUp(String backend) {
    return storageUp.labelValues(backend);
  }

  /** Error counter of one ring stage; look up once and keep. */
  public CounterDataPoint handlerErrors(String stage) {
    return handlerErrors.labelValues(stage);
  }

  /** Error counter of one configured processor handler; look up once and keep. */
  public CounterDataPoint processorHandlerErrors(String route, String handler) {
    return processorHandlerErrors.labelValues(route, handler);
  }

  /**
   * Alert counter of one rule; registers the label set on first use, so call it when rules are
   * loaded, never per event, and keep the result.
   */
  public CounterDataPoint alerts(String rule, String severity) {
    return alerts.labelValues(rule, severity);
  }

  /** Observed by the realtime stage only. */
  public LatencyHistogram realtimeLatency() {
    return realtimeLatency;
  }

  public CounterDataPoint realtimeSlaBreaches() {
    return realtimeSlaBreaches;
  }

  public CounterDataPoint windowsClosed() {
    return windowsClosed;
  }

  /**
   * Events the batch windows found late (event time only), each also a {@code late} dead letter.
   */
  public CounterDataPoint batchLateEvents() {
    return batchLateEvents;
  }

  /** Dead-letter counter of one reason; every reason is registered at start. */
  public CounterDataPoint deadLetters(DeadLetterReason reason) {
    return deadLetters.get(reason);
  }

  public Gauge connectionsActive() {
    return connectionsActive;
  }

  /** Observed by the acknowledger only. */
  public LatencyHistogram eventLatency() {
    return eventLatency;
  }
}
