package io.eventstreamcore.deploy;

import io.eventstreamcore.engine.config.EngineSettings;
import io.eventstreamcore.engine.event.EventLimits;
import io.eventstreamcore.engine.event.EventView;
import io.eventstreamcore.engine.metrics.EngineMetrics;
import io.eventstreamcore.engine.record.RecordView;
import io.eventstreamcore.engine.ring.EventPipeline;
import io.eventstreamcore.engine.spi.StorageBackend;
import io.eventstreamcore.ingest.server.IngestServer;
import io.eventstreamcore.ingest.server.IngestSettings;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A real pipeline and ingest server whose one durable backend cannot commit until {@link #open()}:
 * events are appended (and seen) but never acknowledged while the gate is closed.
 */
final class GatedServer implements AutoCloseable {
  private final GatedBackend backend = new GatedBackend();
  private final EngineMetrics metrics = new EngineMetrics();
  private final EventPipeline pipeline;
  private final IngestServer server;
  private final InetSocketAddress address;

  private GatedServer() throws InterruptedException {
    var config = TestConfigs.withOverrides("");
    pipeline =
        new EventPipeline(
            new EngineSettings(config),
            metrics,
            InstantSource.system(),
            List.of(),
            List.of(backend));
    pipeline.start();
    server = new IngestServer(new IngestSettings(config), EventLimits.PROTOCOL, pipeline, metrics);
    address = server.start();
  }

  static GatedServer start() throws InterruptedException {
    return new GatedServer();
  }

  InetSocketAddress address() {
    return address;
  }

  /** Frames the server has read. */
  long framesReceived() {
    return (long) metrics.framesReceived().get();
  }

  /** Lets every commit through from now on. */
  void open() {
    backend.gate.countDown();
  }

  /** Event ids appended to the backend so far, in ring order. */
  List<Long> appendedIds() {
    synchronized (backend.ids) {
      return List.copyOf(backend.ids);
    }
  }

  @Override
  public void close() throws InterruptedException {
    open();
    server.stopReading();
    pipeline.stop();
    server.close();
  }

  private static final class GatedBackend implements StorageBackend {
    final CountDownLatch gate = new CountDownLatch(1);
    final List<Long> ids = Collections.synchronizedList(new ArrayList<>());

    @Override
    public String name() {
      return "gated";
    }

    @Override
    public void append(EventView event) {
      ids.add(event.eventId());
    }

    @Override
    public void append(RecordView record) {}

    @Override
    public void commit() throws IOException {
      try {
        if (!gate.await(60, TimeUnit.SECONDS)) {
          throw new IOException("gate still closed"); // the stage retries; never hangs a run
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted at the gate");
      }
    }

    @Override
    public void close() {}
  }
}
