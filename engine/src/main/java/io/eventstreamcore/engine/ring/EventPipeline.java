package io.eventstreamcore.engine.ring;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.EventHandlerGroup;
import com.lmax.disruptor.dsl.ProducerType;
import io.eventstreamcore.engine.classify.ArrivalOverload;
import io.eventstreamcore.engine.classify.ClassifyHandler;
import io.eventstreamcore.engine.classify.DedupRebuild;
import io.eventstreamcore.engine.classify.DedupWindow;
import io.eventstreamcore.engine.classify.TopicIndex;
import io.eventstreamcore.engine.config.DurationText;
import io.eventstreamcore.engine.config.EngineSettings;
import io.eventstreamcore.engine.event.EventLimits;
import io.eventstreamcore.engine.event.EventSlot;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.event.Route;
import io.eventstreamcore.engine.event.SlotKind;
import io.eventstreamcore.engine.metrics.EngineMetrics;
import io.eventstreamcore.engine.spi.HandlerContext;
import io.eventstreamcore.engine.spi.ProcessorBinding;
import io.eventstreamcore.engine.spi.ReadableBackend;
import io.eventstreamcore.engine.spi.StorageBackend;
import java.io.IOException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one ring and its handler graph, wired once at construction:
 *
 * <pre>
 *   classify -> realtime | transactional | batch -> storage writer per backend -> acknowledger
 * </pre>
 *
 * <p>The {@link RingTopology} decides the threads: classify and the processors one each (parallel)
 * or one for all four (compact), a single backend's writer and the acknowledger sharing one more,
 * while with several backends each writer and the acknowledger have their own; or (single, with one
 * backend) one thread for everything; or (split) classify and realtime on one, the other two
 * processors with a single backend's writer and the acknowledger on another.
 *
 * <p>Lifecycle: {@code NEW -> STARTED -> STOPPING -> STOPPED}; each transition happens once. Start
 * starts the processor handlers, in binding order, before the ring. Stop lets processors flush,
 * drains the ring within the configured deadline, stops the handlers in reverse order, then closes
 * the backends.
 */
public final class EventPipeline {
  private static final Logger LOG = LoggerFactory.getLogger(EventPipeline.class);

  /** Lifecycle states. */
  public enum State {
    NEW,
    STARTED,
    STOPPING,
    STOPPED
  }

  private final EngineSettings settings;
  private final InstantSource clock;
  private final EngineMetrics metrics;
  private final List<ProcessorBinding> bindings;
  private final List<ProcessorBinding> started = new ArrayList<>();
  private final List<StorageBackend> backends;
  private final Disruptor<EventSlot> disruptor;
  private final RingPublisher publisher;
  private final Ticker ticker;
  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
  private final StageThreadFactory threads = new StageThreadFactory();
  private volatile boolean halted;
  private volatile boolean failed;
  private volatile Runnable onFailure = () -> {};
  private final List<StorageStage> writers = new ArrayList<>();
  private final RingTopology topology;
  private final Runnable progressed;
  private ClassifyHandler classify;
  private DedupWindow dedup;

  /** Wires the pipeline for backends that hold whatever the protocol allows. */
  public EventPipeline(
      EngineSettings settings,
      EngineMetrics metrics,
      InstantSource clock,
      List<ProcessorBinding> handlers,
      List<StorageBackend> backends) {
    this(settings, metrics, clock, handlers, backends, EventLimits.PROTOCOL);
  }

  /**
   * Wires the pipeline.
   *
   * @param handlers the processor handlers, called in this order per route, with unique names; a
   *     route without a handler only passes events on
   * @param backends at least one of them durable; each gets its own writer thread
   * @param storageLimits what every backend holds of one event: a handler's record with a topic or
   *     derived payload beyond it is refused (the handler's call throws)
   */
  public EventPipeline(
      EngineSettings settings,
      EngineMetrics metrics,
      InstantSource clock,
      List<ProcessorBinding> handlers,
      List<StorageBackend> backends,
      EventLimits storageLimits) {
    if (backends.stream().noneMatch(StorageBackend::durable)) {
      throw new IllegalArgumentException("at least one durable storage backend is required");
    }
    this.settings = settings;
    this.clock = clock;
    this.metrics = metrics;
    this.bindings = List.copyOf(handlers);
    this.backends = List.copyOf(backends);
    int payloadBytes = settings.slotPayloadBytes();
    int retainedBytes = settings.slotRetainedPayloadBytes();
    WaitStrategy waitStrategy = settings.waitStrategy().create();
    // A processor that publishes its progress in the middle of a batch wakes the writers with it.
    this.progressed =
        waitStrategy instanceof ParkingWaitStrategy parking ? parking::signalProgress : () -> {};
    this.disruptor =
        new Disruptor<>(
            () -> new EventSlot(payloadBytes, retainedBytes),
            settings.ringSize(),
            threads,
            ProducerType.MULTI,
            waitStrategy);
    RingBuffer<EventSlot> ring = disruptor.getRingBuffer();
    this.publisher =
        new RingPublisher(
            ring, settings.slotRetainedPayloadBytes(), settings.maxLargePayloadBytes());
    this.ticker = new Ticker(publisher, clock, settings.tickInterval().toNanos());
    this.topology =
        settings.topology().resolve(Runtime.getRuntime().availableProcessors(), backends.size());
    wire(metrics, byRoute(bindings, metrics), storageLimits);
    metrics.ring(
        ring.getBufferSize(), ring::remainingCapacity, () -> ring.getMinimumGatingSequence() + 1);
  }

  private void wire(
      EngineMetrics metrics,
      Map<Route, List<ProcessorStage.Member>> handlers,
      EventLimits storageLimits) {
    RecordQueue[] queues = new RecordQueue[Route.values().length];
    List<ProcessorStage> processors = new ArrayList<>();
    RingBuffer<EventSlot> ring = disruptor.getRingBuffer();
    OverloadPolicy[] policies = new OverloadPolicy[queues.length];
    for (Route route : Route.values()) {
      policies[route.ordinal()] = overloadPolicy(route);
    }
    BooleanSupplier isHalted = () -> halted;
    for (Route route : Route.values()) {
      queues[route.ordinal()] =
          new RecordQueue(
              settings.recordQueueSize(), backends.size(), isHalted, progressed, storageLimits);
      processors.add(
          new ProcessorStage(
              route,
              handlers.get(route),
              queues[route.ordinal()],
              settings.route(route).retry(),
              policies[route.ordinal()],
              ring::getCursor,
              nanos -> ParkingWaitStrategy.parkAtLeast(nanos, isHalted),
              metrics));
    }
    dedup = new DedupWindow(settings.dedupWindow().toMillis(), settings.dedupMaxKeys());
    ArrivalOverload arrival = arrivalOverload(policies, processors);
    for (ProcessorStage stage : processors) {
      stage.publishesProgress(arrival.watches(stage.route()));
    }
    classify =
        new ClassifyHandler(
            new TopicIndex(settings.topicPriorities(), settings.maxTopics()),
            dedup,
            arrival,
            metrics);
    for (int i = 0; i < backends.size(); i++) {
      StorageBackend backend = backends.get(i);
      writers.add(
          new StorageStage(
              backend,
              i,
              queues,
              metrics.eventsStored(backend.name()),
              metrics.storageErrors(backend.name()),
              metrics.storageUp(backend.name()),
              () -> halted));
    }
    StorageStage[] durable =
        writers.stream().filter(w -> w.backend().durable()).toArray(StorageStage[]::new);
    StorageStage[] others =
        writers.stream().filter(w -> !w.backend().durable()).toArray(StorageStage[]::new);
    // With writers that are not durable behind it, the acknowledger is not the last stage.
    Acknowledger acknowledger =
        new Acknowledger(metrics, others.length > 0 ? null : new LargePayloadRelease(publisher));
    ProcessorStage[] processorStages = processors.toArray(new ProcessorStage[0]);
    Runnable fail = this::fail;
    if (topology == RingTopology.SINGLE) {
      String name = "eventstream-pipeline";
      processAndStore(
          null, name, routeStage(name, classify, processorStages, metrics), acknowledger, fail);
      return;
    }
    if (topology == RingTopology.SPLIT) {
      wireSplit(processorStages, metrics, durable, others, acknowledger, fail);
      return;
    }
    EventHandlerGroup<EventSlot> processed;
    if (topology == RingTopology.COMPACT) {
      processed =
          disruptor.handleEventsWith(
              routeStage("eventstream-route", classify, processorStages, metrics));
    } else {
      processed = disruptor.handleEventsWith(classify).then(processorStages);
      countErrors(classify, "classify", metrics, null);
      for (ProcessorStage stage : processors) {
        countErrors(stage, "processor", metrics, null);
      }
    }
    wireStorage(processed, metrics, durable, others, acknowledger, fail);
  }

  /**
   * Classify (unless null) and {@code processorStages} on one thread, counting and skipping their
   * errors itself.
   */
  private RouteStage routeStage(
      String threadName,
      ClassifyHandler classify,
      ProcessorStage[] processorStages,
      EngineMetrics metrics) {
    return new RouteStage(
        threadName,
        classify,
        new CountingExceptionHandler("classify", metrics, null),
        processorStages,
        new CountingExceptionHandler("processor", metrics, null));
  }

  /**
   * Classify and realtime on one thread; after it, transactional and batch on another, with a
   * single backend's writer and the acknowledger, or else followed by {@link #wireStorage}.
   */
  private void wireSplit(
      ProcessorStage[] processorStages,
      EngineMetrics metrics,
      StorageStage[] durable,
      StorageStage[] others,
      Acknowledger acknowledger,
      Runnable fail) {
    ProcessorStage[] realtime = {processorStages[Route.REALTIME.ordinal()]};
    ProcessorStage[] rest = {
      processorStages[Route.TRANSACTIONAL.ordinal()], processorStages[Route.BATCH.ordinal()]
    };
    EventHandlerGroup<EventSlot> classified =
        disruptor.handleEventsWith(
            routeStage("eventstream-classify-realtime", classify, realtime, metrics));
    if (writers.size() > 1) {
      RouteStage processed = routeStage("eventstream-processors", null, rest, metrics);
      wireStorage(classified.then(processed), metrics, durable, others, acknowledger, fail);
      return;
    }
    String name = "eventstream-processors-store";
    processAndStore(classified, name, routeStage(name, null, rest, metrics), acknowledger, fail);
  }

  /**
   * {@code processors}, then the only backend's writer and the acknowledger, on one thread: the
   * ring's first stage when {@code after} is null, otherwise after it.
   */
  private void processAndStore(
      EventHandlerGroup<EventSlot> after,
      String threadName,
      RouteStage processors,
      Acknowledger acknowledger,
      Runnable fail) {
    StoreAndAckStage storeAndAck =
        new StoreAndAckStage(writers.get(0), acknowledger, disruptor.getRingBuffer());
    SingleStage stage = new SingleStage(threadName, processors, storeAndAck);
    if (after == null) {
      disruptor.handleEventsWith(stage);
    } else {
      after.then(stage);
    }
    countStoreAndAckErrors(stage, storeAndAck, metrics, fail);
  }

  /**
   * After the processors: a single backend's writer and the acknowledger on one thread (a stage
   * less to wake per batch, and nothing to isolate: the acknowledger waits for that writer anyway),
   * or else a writer per backend and the acknowledger after the durable ones; with backends that
   * are not durable, a last stage after all of them releases large payloads.
   */
  private void wireStorage(
      EventHandlerGroup<EventSlot> processed,
      EngineMetrics metrics,
      StorageStage[] durable,
      StorageStage[] others,
      Acknowledger acknowledger,
      Runnable fail) {
    if (writers.size() == 1) {
      StoreAndAckStage last =
          new StoreAndAckStage(writers.get(0), acknowledger, disruptor.getRingBuffer());
      processed.then(last);
      countStoreAndAckErrors(last, last, metrics, fail);
      return;
    }
    EventHandlerGroup<EventSlot> acknowledged = processed.then(durable).then(acknowledger);
    if (others.length > 0) {
      // Not durable: after the processors like the others, and the ring waits for them, but
      // the acknowledger does not. So large payloads are released after both.
      acknowledged.and(processed.then(others)).then(new LargePayloadRelease(publisher));
    }
    for (StorageStage stage : writers) {
      countErrors(stage, "storage", metrics, fail);
    }
    countErrors(acknowledger, "ack", metrics, fail);
  }

  /**
   * The policy of {@code route} as this topology can apply it: with classify and the processor on
   * one thread (compact, single, realtime in split) nothing waits between them, so drop-newest
   * sheds where drop-oldest does. Where the processor shares its thread with the only storage
   * writer (single, transactional and batch in split) the backlog it sees includes storage.
   */
  private OverloadPolicy overloadPolicy(Route route) {
    OverloadPolicy policy = settings.route(route).overload();
    if (topology.sharesWriterThread(route, backends.size())
        && !(policy instanceof OverloadPolicy.Backpressure)) {
      LOG.warn(
          "{} overload policy sheds in the {} topology whenever the processor's stage thread is"
              + " behind, slow storage included, not only a slow processor",
          route.label(),
          topology.configName());
    }
    if (topology.sharesClassifyThread(route)
        && policy instanceof OverloadPolicy.DropNewest newest) {
      LOG.warn(
          "{} overload policy drop-newest acts as drop-oldest in the {} topology",
          route.label(),
          topology.configName());
      return new OverloadPolicy.DropOldest(newest.maxBacklog());
    }
    return policy;
  }

  private ArrivalOverload arrivalOverload(
      OverloadPolicy[] policies, List<ProcessorStage> processors) {
    Sequence[] progress = new Sequence[processors.size()];
    for (Route route : Route.values()) {
      progress[route.ordinal()] = processors.get(route.ordinal()).progress();
    }
    long downgrade = settings.downgradeHighAboveBacklog();
    if (downgrade >= 0 && topology.sharesClassifyThread(Route.REALTIME)) {
      LOG.warn(
          "processors.realtime.downgrade-high has no effect in the {} topology: realtime"
              + " runs on classify's thread, never behind it",
          topology.configName());
      downgrade = -1;
    }
    return new ArrivalOverload(policies, progress, downgrade);
  }

  /**
   * Failures of {@code handler}, which runs {@code storeAndAck}, count as the storage or the ack
   * stage's, whichever part failed; both are fatal. (Classify and processor failures do not reach
   * it in single: their stage counts and skips them.)
   */
  private void countStoreAndAckErrors(
      EventHandler<EventSlot> handler,
      StoreAndAckStage storeAndAck,
      EngineMetrics metrics,
      Runnable fail) {
    disruptor
        .handleExceptionsFor(handler)
        .with(
            storeAndAck.exceptionHandler(
                new CountingExceptionHandler("storage", metrics, fail),
                new CountingExceptionHandler("ack", metrics, fail)));
  }

  private void countErrors(
      EventHandler<EventSlot> handler, String stage, EngineMetrics metrics, Runnable onFatal) {
    disruptor
        .handleExceptionsFor(handler)
        .with(new CountingExceptionHandler(stage, metrics, onFatal));
  }

  private static Map<Route, List<ProcessorStage.Member>> byRoute(
      List<ProcessorBinding> handlers, EngineMetrics metrics) {
    Map<Route, List<ProcessorStage.Member>> byRoute = new EnumMap<>(Route.class);
    for (Route route : Route.values()) {
      byRoute.put(route, new ArrayList<>());
    }
    Set<String> names = new HashSet<>();
    for (ProcessorBinding binding : handlers) {
      if (!names.add(binding.name())) {
        // The name labels the handler's error counter and its log lines: it must say which.
        throw new IllegalArgumentException("two processor handlers named " + binding.name());
      }
      byRoute
          .get(binding.route())
          .add(
              new ProcessorStage.Member(
                  binding.name(),
                  binding.handler(),
                  metrics.processorHandlerErrors(binding.route().label(), binding.name())));
    }
    return byRoute;
  }

  /**
   * Before {@link #start()}: refills the dedup window from the first backend that keeps events
   * across restarts ({@link DedupRebuild}), so that events stored before the restart are duplicates
   * when sent again, and logs what it loaded.
   *
   * @return what was loaded, or null when no backend keeps events across restarts
   * @throws IOException when that backend cannot be read
   */
  public DedupRebuild.Result rebuildDedup() throws IOException {
    if (state.get() != State.NEW) {
      throw new IllegalStateException("dedup rebuild after start: pipeline " + state.get());
    }
    ReadableBackend source = DedupRebuild.source(backends).orElse(null);
    if (source == null) {
      LOG.info("dedup window starts empty: no durable backend keeps events across restarts");
      return null;
    }
    // This thread fills the window before start() starts the classify thread, which then owns
    // it: Thread.start publishes what was written here, and no two threads ever touch it at once.
    DedupRebuild.Result result;
    try {
      result = DedupRebuild.run(source, dedup, clock.millis());
    } catch (IOException e) {
      throw new IOException(
          "rebuilding the dedup window from backend '"
              + source.name()
              + "' failed (eventstream.dedup.rebuild = false starts with an empty one): "
              + e.getMessage(),
          e);
    }
    LOG.info(
        "dedup window rebuilt from backend '{}': {} ids loaded from {} stored events received"
            + " within the last {}, in {} ms",
        result.backend(),
        result.loaded(),
        result.replayed(),
        DurationText.of(settings.dedupWindow()),
        TimeUnit.NANOSECONDS.toMillis(result.elapsedNanos()));
    return result;
  }

  /**
   * Starts the processor handlers in binding order, then the stage threads and the ticker. When a
   * handler fails to start, those already started are stopped, the pipeline ends {@code STOPPED}
   * (its backends still open: the caller closes them) and the failure is rethrown with the
   * handler's name.
   */
  public void start() {
    if (!state.compareAndSet(State.NEW, State.STARTED)) {
      throw new IllegalStateException("pipeline already " + state.get());
    }
    int maxTopicIds = settings.maxTopics() + 1; // the last id is the shared overflow topic
    for (ProcessorBinding binding : bindings) {
      try {
        binding
            .handler()
            .start(
                new HandlerContext(
                    binding.name(),
                    binding.route(),
                    binding.config(),
                    clock,
                    metrics.registry(),
                    maxTopicIds));
      } catch (RuntimeException e) {
        stopHandlers();
        state.set(State.STOPPED);
        throw new IllegalStateException(
            binding.route().label()
                + " handler '"
                + binding.name()
                + "' failed to start: "
                + e.getMessage(),
            e);
      }
      started.add(binding);
    }
    // Thread.start below publishes what the handlers set up in start to the stage threads.
    disruptor.start();
    ticker.start();
    LOG.info(
        "pipeline started: {} slots, {} storage backend(s), {} topology",
        settings.ringSize(),
        backends.size(),
        topology.configName());
  }

  /**
   * Stops: no more ticks, processors flush, the ring drains within the shutdown timeout (then
   * halts, reporting what was left), and backends close. Publishers must have stopped first.
   */
  public void stop() throws InterruptedException {
    if (!state.compareAndSet(State.STARTED, State.STOPPING)) {
      state.compareAndSet(State.NEW, State.STOPPED);
      return;
    }
    ticker.stop();
    long deadline = System.nanoTime() + settings.shutdownTimeout().toNanos();
    // The flush slot is claimed within the deadline too: a ring full behind a stalled backend
    // must not hold stop() forever. A failed pipeline never drains: a stage stopped for good.
    if (!failed && publishFlush(deadline) && drained(deadline)) {
      disruptor.halt();
    } else {
      halt();
    }
    // Handlers are stopped and backends closed only once the stage threads have ended: closed under
    // a writer still inside a call (a slow database past the deadline), a backend's session could
    // be shared by the two threads, and the writer's commit acknowledge rows never kept.
    if (!threads.joinAll(deadline + TimeUnit.SECONDS.toNanos(5))) {
      LOG.error(
          "stage threads still running after the stop's deadline: handlers and storage backends"
              + " are left open, for the process to end them");
      state.set(State.STOPPED);
      return;
    }
    stopHandlers();
    for (StorageBackend backend : backends) {
      try {
        if (!halted) {
          backend.sync();
        }
        backend.close();
      } catch (IOException | RuntimeException e) {
        LOG.error("closing storage backend '{}' failed", backend.name(), e);
      }
    }
    state.set(State.STOPPED);
    LOG.info("pipeline stopped");
  }

  /** Stops the started handlers in reverse order; a failing stop is logged and the rest go on. */
  private void stopHandlers() {
    for (int i = started.size() - 1; i >= 0; i--) {
      ProcessorBinding binding = started.get(i);
      try {
        binding.handler().stop();
      } catch (RuntimeException e) {
        LOG.error("{} handler '{}' failed to stop", binding.route().label(), binding.name(), e);
      }
    }
    started.clear();
  }

  /**
   * Publishes enough FLUSH slots for every open state of every topic: each slot lets the handlers
   * of one kind emit only {@link EngineSettings#handlerRecordsPerEvent()} records together, so one
   * slot could leave windows unflushed.
   */
  private boolean publishFlush(long deadlineNanos) {
    int perSlot = settings.handlerRecordsPerEvent();
    long records = (long) (settings.maxTopics() + 1) * openStatesPerTopic();
    long slots = (records + perSlot - 1) / perSlot;
    for (long i = 0; i < slots; i++) {
      long sequence;
      while ((sequence = publisher.tryClaim()) == RingPublisher.NO_SLOT) {
        if (System.nanoTime() >= deadlineNanos) {
          return false;
        }
        LockSupport.parkNanos(1_000_000);
      }
      publisher.slot(sequence).beginControl(SlotKind.FLUSH, clock.millis(), System.nanoTime());
      publisher.publish(sequence);
    }
    return true;
  }

  /** The open states per topic the handlers of one kind hold together, the most of any kind. */
  private int openStatesPerTopic() {
    int[] byRoute = new int[Route.values().length];
    int most = 1;
    for (ProcessorBinding binding : started) {
      int route = binding.route().ordinal();
      byRoute[route] += Math.max(1, binding.handler().maxOpenStatesPerTopic());
      most = Math.max(most, byRoute[route]);
    }
    return most;
  }

  /**
   * Waits, parking rather than spinning (the stages need the cores), until the last stage has
   * passed everything published, or the deadline.
   */
  private boolean drained(long deadlineNanos) {
    RingBuffer<EventSlot> ring = disruptor.getRingBuffer();
    while (ring.getMinimumGatingSequence() < ring.getCursor()) {
      if (System.nanoTime() >= deadlineNanos) {
        return false;
      }
      LockSupport.parkNanos(1_000_000);
    }
    return true;
  }

  private void halt() {
    RingBuffer<EventSlot> ring = disruptor.getRingBuffer();
    long left = ring.getCursor() - ring.getMinimumGatingSequence();
    LOG.error(
        "ring did not drain within {}: {} slots left unacknowledged; halting",
        settings.shutdownTimeout(),
        left);
    halted = true;
    disruptor.halt();
  }

  /** Where ingest publishes frames. */
  public RingPublisher publisher() {
    return publisher;
  }

  /** The engine clock: wall time for received timestamps, windows and dedup. */
  public InstantSource clock() {
    return clock;
  }

  /** True once a storage writer or the acknowledger stopped on an error it could not retry. */
  public boolean failed() {
    return failed;
  }

  /** A storage writer or the acknowledger stopped for good: see {@link #failed}. */
  private void fail() {
    failed = true;
    onFailure.run();
  }

  /**
   * Runs {@code listener} when the pipeline fails (see {@link #failed}), on the failing stage's
   * thread: nothing is acknowledged any more, and only a restart mends it.
   */
  public void onFailure(Runnable listener) {
    onFailure = listener;
  }

  /**
   * Replaces the topic table (as {@code eventstream.topics.priorities} describes it) from the next
   * slot on; frames already classified keep their priority.
   */
  public void reloadTopics(Map<String, Priority> topicTable) {
    classify.reloadTopics(topicTable);
  }

  /**
   * True unless a backend is failing (its writer retrying) right now; one that is not durable too:
   * ACKs do not wait for it, but the ring does, so ingest stalls behind it all the same.
   */
  public boolean storageUp() {
    for (StorageStage writer : writers) {
      if (!writer.up()) {
        return false;
      }
    }
    return true;
  }

  /** The topology the pipeline runs, {@code auto} resolved. */
  public RingTopology topology() {
    return topology;
  }

  public State state() {
    return state.get();
  }

  /**
   * Threads for the stages, kept so that stop can join them; each stage renames its thread after
   * its role when it starts.
   */
  private static final class StageThreadFactory implements java.util.concurrent.ThreadFactory {
    private final AtomicInteger count = new AtomicInteger();
    private final List<Thread> created = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public Thread newThread(Runnable runnable) {
      Thread thread = new Thread(runnable, "eventstream-stage-" + count.incrementAndGet());
      // A stage thread ends with an exception only when its error was fatal, which its
      // exception handler has already counted and reported.
      thread.setUncaughtExceptionHandler(
          (t, e) -> LOG.debug("stage thread {} ended: {}", t.getName(), e.toString()));
      created.add(thread);
      return thread;
    }

    /** Waits for every stage thread until the deadline; false when one is still running. */
    boolean joinAll(long deadlineNanos) throws InterruptedException {
      boolean allEnded = true;
      for (Thread thread : created) {
        long leftMillis = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
        thread.join(Math.max(1, leftMillis));
        if (thread.isAlive()) {
          LOG.error("stage thread {} did not stop", thread.getName());
          allEnded = false;
        }
      }
      return allEnded;
    }
  }
}
