package io.eventstreamcore.deploy;

import io.eventstreamcore.engine.config.EngineSettings;
import io.eventstreamcore.engine.event.ErrorCode;
import io.eventstreamcore.engine.event.Route;
import io.eventstreamcore.engine.metrics.EngineMetrics;
import io.eventstreamcore.engine.ring.RingPublisher;
import io.eventstreamcore.engine.spi.StorageBackend;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The {@code /status} document: version, uptime, a configuration summary, ring fill, connections,
 * and the counts of each processor and backend, read from the service's metrics.
 */
final class ServiceStatus implements Supplier<String> {
  private final EngineSettings engine;
  private final EngineMetrics metrics;
  private final RingPublisher ring;
  private final List<StorageBackend> backends;
  private final BooleanSupplier ready;
  private final Supplier<InetSocketAddress> ingestAddress;
  private final long startedNanos = System.nanoTime();

  ServiceStatus(
      EngineSettings engine,
      EngineMetrics metrics,
      RingPublisher ring,
      List<StorageBackend> backends,
      BooleanSupplier ready,
      Supplier<InetSocketAddress> ingestAddress) {
    this.engine = engine;
    this.metrics = metrics;
    this.ring = ring;
    this.backends = backends;
    this.ready = ready;
    this.ingestAddress = ingestAddress;
  }

  /** The version from the jar manifest, or "dev" when run from classes. */
  static String version() {
    String version = ServiceStatus.class.getPackage().getImplementationVersion();
    return version != null ? version : "dev";
  }

  @Override
  public String get() {
    JsonText json = new JsonText().begin();
    json.field("version", version())
        .field("uptime_seconds", (System.nanoTime() - startedNanos) / 1e9)
        .field("ready", ready.getAsBoolean());
    InetSocketAddress ingest = ingestAddress.get();
    json.open("config")
        .field("ingest", ingest == null ? "" : ingest.getHostString() + ":" + ingest.getPort())
        .field("ring_size", engine.ringSize())
        .field("wait_strategy", engine.waitStrategy().configName())
        .field("dedup_window_seconds", engine.dedupWindow().toSeconds())
        .field("backends", backends.stream().map(StorageBackend::name).toList())
        .close();
    long free = ring.remainingCapacity();
    json.open("ring")
        .field("size", engine.ringSize())
        .field("used", engine.ringSize() - free)
        .field("fill", (engine.ringSize() - free) / (double) engine.ringSize())
        .close();
    json.field("connections", (long) metrics.connectionsActive().get());
    long rejected = 0;
    for (ErrorCode code : ErrorCode.values()) {
      rejected += (long) metrics.framesRejected(code).get();
    }
    json.open("frames")
        .field("received", (long) metrics.framesReceived().get())
        .field("rejected", rejected)
        .field("duplicates", (long) metrics.eventsDuplicate().get())
        .close();
    json.open("processors");
    for (Route route : Route.values()) {
      json.open(route.label()).field("processed", (long) metrics.eventsProcessed(route).get());
      json.close();
    }
    json.close();
    json.open("backends");
    for (StorageBackend backend : backends) {
      String name = backend.name();
      json.open(name)
          .field("durable", backend.durable())
          .field("up", metrics.storageUp(name).get() == 1.0)
          .field("stored", (long) metrics.eventsStored(name).get())
          .field("errors", (long) metrics.storageErrors(name).get())
          .close();
    }
    return json.close().close().toString();
  }
}
