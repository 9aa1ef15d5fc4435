package io.eventstreamcore.deploy;

import com.typesafe.config.Config;
import io.eventstreamcore.engine.config.EngineSettings;
import io.eventstreamcore.engine.event.EventLimits;
import io.eventstreamcore.engine.metrics.EngineMetrics;
import io.eventstreamcore.engine.ring.EventPipeline;
import io.eventstreamcore.engine.spi.ProcessorBinding;
import io.eventstreamcore.engine.spi.ReadableBackend;
import io.eventstreamcore.engine.spi.StorageBackend;
import io.eventstreamcore.ingest.admin.AdminHttpServer;
import io.eventstreamcore.ingest.admin.AdminSettings;
import io.eventstreamcore.ingest.server.IngestServer;
import io.eventstreamcore.processors.ProcessorHandlers;
import io.eventstreamcore.processors.realtime.RealtimeHandler;
import io.eventstreamcore.storage.StorageBackends;
import io.eventstreamcore.storage.config.StorageSettings;
import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmClassLoadingMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmCompilationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryPoolAllocationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole service: storage, pipeline, TCP ingest and admin HTTP, started in that order and
 * stopped in reverse (stop reading, drain the ring and send the last ACKs, flush storage, close
 * connections, stop admin).
 */
public final class EventStreamService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventStreamService.class);

  private final EngineMetrics metrics;
  private final List<StorageBackend> backends;
  private final EventPipeline pipeline;
  private final IngestServer ingest;
  private final AdminHttpServer admin;
  private final InetSocketAddress ingestAddress;
  private final InetSocketAddress adminAddress;
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final List<RealtimeHandler> alertRules;

  private EventStreamService(Config config, InstantSource clock)
      throws IOException, InterruptedException {
    ServiceSettings settings = ServiceSettings.of(config);
    EngineSettings engine = settings.engine();
    StorageSettings storage = settings.storage();
    AdminSettings adminSettings = settings.admin();
    LOG.info("configuration: {}", settings);

    metrics = new EngineMetrics();
    List<ProcessorBinding> processors =
        ProcessorHandlers.create(settings.processors(), engine, metrics, handlerClassLoader());
    // The built-in alert-rules handlers, for reload; none when the configuration removed them.
    alertRules =
        processors.stream()
            .map(ProcessorBinding::handler)
            .filter(RealtimeHandler.class::isInstance)
            .map(RealtimeHandler.class::cast)
            .toList();
    registerJvmMetrics(metrics.registry());
    backends = StorageBackends.open(storage);
    EventLimits limits = storage.eventLimits();
    try {
      pipeline = new EventPipeline(engine, metrics, clock, processors, backends, limits);
      if (engine.dedupRebuild()) {
        // Before ingest opens: no frame is classified against a window still being filled.
        pipeline.rebuildDedup();
      }
    } catch (IOException | RuntimeException | Error e) {
      closeQuietly(backends, e); // e.g. out of memory for the ring: release the files first
      throw e;
    }
    logLimits(limits, settings.ingest().maxFrameBytes());
    warnIfNothingOutlivesTheProcess(backends);
    ingest = new IngestServer(settings.ingest(), limits, pipeline, metrics);
    admin =
        adminSettings.enabled()
            ? new AdminHttpServer(
                adminSettings,
                metrics.registry(),
                // A writer or the acknowledger stopped for good: only a restart brings it back.
                () -> !pipeline.failed(),
                this::ready,
                new ServiceStatus(
                    engine,
                    metrics,
                    pipeline.publisher(),
                    backends,
                    this::ready,
                    this::ingestAddress))
            : null;
    try {
      // Starts the processor handlers first; one failing leaves the pipeline stopped.
      pipeline.start();
    } catch (RuntimeException | Error e) {
      closeQuietly(backends, e);
      throw e;
    }
    String listening =
        "eventstream.ingest " + settings.ingest().host() + ":" + settings.ingest().port();
    try {
      ingestAddress = ingest.start();
      listening = "eventstream.admin " + adminSettings.host() + ":" + adminSettings.port();
      adminAddress = admin != null ? admin.start() : null;
    } catch (Exception e) {
      // e.g. a port in use (Netty rethrows the BindException unchecked): undo what started, or
      // its threads keep the JVM alive; the precise rethrow below keeps the declared types.
      stopped.set(true);
      ingest.close();
      pipeline.stop();
      if (admin != null) {
        admin.close();
      }
      if (e instanceof BindException bind) {
        throw named(bind, listening);
      }
      throw e;
    }
  }

  /** Says what storage refuses, if anything a frame within {@code maxFrameBytes} can carry. */
  private static void logLimits(EventLimits limits, long maxFrameBytes) {
    if (limits.maxTopicBytes() < EventLimits.PROTOCOL.maxTopicBytes()
        || !limits.nulInTopic()
        || limits.maxPayloadBytes() < maxFrameBytes) {
      LOG.info(
          "storage holds {}: ingest rejects frames beyond that, handlers' records too", limits);
    }
  }

  /**
   * Warns when every durable backend holds its events in this process only (memory storage): ACKs
   * then promise nothing beyond the process's life.
   */
  private static void warnIfNothingOutlivesTheProcess(List<? extends StorageBackend> backends) {
    boolean kept =
        backends.stream()
            .anyMatch(
                b ->
                    b.durable()
                        && !(b instanceof ReadableBackend r && !r.keepsEventsAcrossRestarts()));
    if (!kept) {
      LOG.warn(
          "no durable storage backend keeps events across a restart: acknowledged events do not"
              + " outlive this process (file, sql or kafka as a durable backend would)");
    }
  }

  /** Netty's own message names neither the address nor which of the two servers it was. */
  private static BindException named(BindException e, String listening) {
    BindException named =
        new BindException("cannot listen on " + listening + ": " + e.getMessage());
    named.initCause(e);
    return named;
  }

  /** Where handler classes named in configuration are found: the application's class path. */
  private static ClassLoader handlerClassLoader() {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return context != null ? context : EventStreamService.class.getClassLoader();
  }

  private static void closeQuietly(List<StorageBackend> backends, Throwable failure) {
    for (StorageBackend backend : backends) {
      try {
        backend.close();
      } catch (IOException | RuntimeException e) {
        failure.addSuppressed(e);
      }
    }
  }

  /**
   * Checks a resolved configuration exactly as {@link #start} would, without starting anything;
   * throws a ConfigException naming the first bad key.
   */
  public static void check(Config config) {
    checked(config);
  }

  private static ServiceSettings checked(Config config) {
    ServiceSettings settings = ServiceSettings.of(config);
    // As start does: every handler class is loaded and constructed (not started).
    ProcessorHandlers.create(
        settings.processors(), settings.engine(), new EngineMetrics(), handlerClassLoader());
    return settings;
  }

  /** Starts a service from a resolved configuration, with the system clock. */
  public static EventStreamService start(Config config) throws IOException, InterruptedException {
    return start(config, InstantSource.system());
  }

  /** Starts a service from a resolved configuration and a clock. */
  public static EventStreamService start(Config config, InstantSource clock)
      throws IOException, InterruptedException {
    return new EventStreamService(config, clock);
  }

  /**
   * True while the pipeline runs, has not failed, every durable backend commits, and the service is
   * not stopping.
   */
  public boolean ready() {
    return !stopped.get()
        && pipeline.state() == EventPipeline.State.STARTED
        && !pipeline.failed()
        && pipeline.storageUp();
  }

  /**
   * Runs {@code listener} once a storage writer or the acknowledger has stopped for good on an
   * error it cannot retry (nothing is acknowledged after that; only a restart mends it), or at once
   * if one already has. It may run twice.
   */
  public void onFailure(Runnable listener) {
    pipeline.onFailure(listener);
    if (pipeline.failed()) {
      listener.run();
    }
  }

  /**
   * Reloads what can change without a restart, the topic table and the alert rules, from a new
   * configuration; both apply from the next event on. The whole configuration is validated first: a
   * bad one throws and changes nothing. Other changed keys are ignored until a restart.
   */
  public void reload(Config config) {
    ServiceSettings settings = checked(config); // what a restart would refuse changes nothing
    pipeline.reloadTopics(settings.engine().topicPriorities());
    for (RealtimeHandler handler : alertRules) {
      handler.reload(settings.processors().alertRules());
    }
    LOG.info(
        "reloaded: {} listed topics, {} alert rules",
        settings.engine().topicPriorities().size(),
        settings.processors().alertRules().size());
  }

  /** Where the TCP ingest listens. */
  public InetSocketAddress ingestAddress() {
    return ingestAddress;
  }

  /** Where admin HTTP listens, or null when disabled. */
  public InetSocketAddress adminAddress() {
    return adminAddress;
  }

  public EngineMetrics metrics() {
    return metrics;
  }

  /** The open storage backends, in configuration order. */
  public List<StorageBackend> backends() {
    return backends;
  }

  /** The backend named {@code name}. */
  public StorageBackend backend(String name) {
    return backends.stream()
        .filter(b -> b.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no backend " + name));
  }

  /** Stops the service cleanly; later calls do nothing. */
  @Override
  public void close() throws InterruptedException {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    LOG.info("stopping: no more frames read; draining the ring");
    ingest.stopReading();
    pipeline.stop();
    ingest.close();
    if (admin != null) {
      admin.close();
    }
    LOG.info("stopped");
  }

  /**
   * The Prometheus client's JVM metrics, all but the native-memory ones: those report only when the
   * JVM runs with native memory tracking, and asking for them starts the platform MBean server with
   * every diagnostic command (about 250 classes).
   */
  private static void registerJvmMetrics(PrometheusRegistry registry) {
    JvmThreadsMetrics.builder().register(registry);
    JvmBufferPoolMetrics.builder().register(registry);
    JvmClassLoadingMetrics.builder().register(registry);
    JvmCompilationMetrics.builder().register(registry);
    JvmGarbageCollectorMetrics.builder().register(registry);
    JvmMemoryPoolAllocationMetrics.builder().register(registry);
    JvmMemoryMetrics.builder().register(registry);
    JvmRuntimeInfoMetric.builder().register(registry);
    ProcessMetrics.builder().register(registry);
  }
}
