package io.eventstreamcore.engine.classify;

import io.eventstreamcore.engine.spi.EventIdSink;
import io.eventstreamcore.engine.spi.ReadableBackend;
import io.eventstreamcore.engine.spi.StorageBackend;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Refills a {@link DedupWindow} at start from the events a backend kept across the restart, so that
 * an event stored just before a restart, whose ACK the client lost and which it sends again, is a
 * duplicate rather than stored twice.
 *
 * <p>The source is the first configured backend that is readable, durable and keeps its events
 * across restarts (file, SQL; not memory, not Kafka, which cannot be read back): durable, because
 * an ACK waits for every durable backend, so such a backend holds every event ever acknowledged,
 * while a non-durable one may have fallen behind. Only events received within the window of now are
 * loaded, oldest first, so that of more than {@code max-keys} the newest stay; a backend that can
 * find them reads only the newest the window can hold (its {@link DedupWindow#maxIds()}), so that a
 * start costs what {@code max-keys} bounds, not all the traffic of the window.
 */
public final class DedupRebuild {
  /**
   * What a rebuild did.
   *
   * @param backend the backend read
   * @param replayed stored events with an id within the window that it handed over
   * @param loaded ids the window holds afterwards (fewer: repeated ids, or beyond {@code max-keys})
   * @param elapsedNanos how long it took
   */
  public record Result(String backend, long replayed, int loaded, long elapsedNanos) {}

  private DedupRebuild() {}

  /** The backend to rebuild from: the first readable, durable one that outlives a restart. */
  public static Optional<ReadableBackend> source(List<? extends StorageBackend> backends) {
    for (StorageBackend backend : backends) {
      if (backend instanceof ReadableBackend readable
          && backend.durable()
          && readable.keepsEventsAcrossRestarts()) {
        return Optional.of(readable);
      }
    }
    return Optional.empty();
  }

  /** Loads into {@code window} the ids {@code source} stored within the window of {@code now}. */
  public static Result run(ReadableBackend source, DedupWindow window, long nowMillis)
      throws IOException {
    // The window forgets an id first seen at or before now - window: load only later ones.
    long sinceMillis = nowMillis - window.windowMillis() + 1;
    Loader loader = new Loader(window);
    long start = System.nanoTime();
    // Of more ids the window keeps the newest: a backend may skip the older ones.
    source.replayEventIds(sinceMillis, window.maxIds(), loader);
    return new Result(source.name(), loader.replayed, window.size(), System.nanoTime() - start);
  }

  private static final class Loader implements EventIdSink {
    private final DedupWindow window;
    private long replayed;

    Loader(DedupWindow window) {
      this.window = window;
    }

    @Override
    public void accept(long eventId, long receivedMillis) {
      replayed++;
      window.preload(eventId, receivedMillis);
    }
  }
}
