package io.eventstreamcore.engine.classify;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventstreamcore.engine.event.EventView;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.event.Route;
import io.eventstreamcore.engine.record.RecordView;
import io.eventstreamcore.engine.spi.EventIdSink;
import io.eventstreamcore.engine.spi.EventQuery;
import io.eventstreamcore.engine.spi.ReadableBackend;
import io.eventstreamcore.engine.spi.StorageBackend;
import io.eventstreamcore.engine.spi.StoredEvent;
import io.eventstreamcore.engine.spi.StoredRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DedupRebuildTest {
  private static final long WINDOW = 1_000;
  private static final long NOW = 100_000;

  @Test
  void loadsOnlyIdsReceivedWithinTheWindowOfNow() throws Exception {
    StoredBackend stored = new StoredBackend("file", true, true);
    stored.add(1, NOW - WINDOW - 1);
    stored.add(2, NOW - WINDOW); // first seen exactly one window ago: already forgotten
    stored.add(3, NOW - WINDOW + 1);
    stored.add(0, NOW - 10); // no id
    stored.add(4, NOW);
    DedupWindow window = new DedupWindow(WINDOW, 16);

    DedupRebuild.Result result = DedupRebuild.run(stored, window, NOW);

    assertThat(result.backend()).isEqualTo("file");
    assertThat(result.replayed()).isEqualTo(2);
    assertThat(result.loaded()).isEqualTo(2);
    assertThat(window.checkAndRecord(1, NOW)).isFalse();
    assertThat(window.checkAndRecord(2, NOW)).isFalse();
    assertThat(window.checkAndRecord(3, NOW)).isTrue();
    assertThat(window.checkAndRecord(4, NOW)).isTrue();
  }

  @Test
  void ofMoreThanMaxKeysStoredTheNewestAreLoaded() throws Exception {
    StoredBackend stored = hundredIds();
    DedupWindow window = new DedupWindow(WINDOW, 10);

    DedupRebuild.Result result = DedupRebuild.run(stored, window, NOW);

    assertThat(result.replayed()).isEqualTo(100);
    assertHoldsTheNewest15(result, window);
    assertThat(stored.askedNewest).as("what the window can hold").isEqualTo(15);
  }

  @Test
  void aBackendThatHandsOnlyTheNewestTheWindowHoldsLeavesTheSameWindow() throws Exception {
    StoredBackend stored = hundredIds();
    stored.honoursNewest = true;
    DedupWindow window = new DedupWindow(WINDOW, 10);

    DedupRebuild.Result result = DedupRebuild.run(stored, window, NOW);

    assertThat(result.replayed()).isEqualTo(15);
    assertHoldsTheNewest15(result, window);
  }

  /** Ids 1 to 100, received in that order within the window. */
  private static StoredBackend hundredIds() {
    StoredBackend stored = new StoredBackend("file", true, true);
    for (long id = 1; id <= 100; id++) {
      stored.add(id, NOW - 100 + id);
    }
    return stored;
  }

  /** Three generations of five ids (max-keys 10): the newest 15 of {@link #hundredIds()}. */
  private static void assertHoldsTheNewest15(DedupRebuild.Result result, DedupWindow window) {
    assertThat(result.loaded()).isEqualTo(15);
    for (long id = 86; id <= 100; id++) {
      assertThat(window.checkAndRecord(id, NOW)).as("id %d", id).isTrue();
    }
    assertThat(window.checkAndRecord(85, NOW)).isFalse();
  }

  @Test
  void theSourceIsTheFirstReadableDurableBackendThatOutlivesARestart() {
    StorageBackend writeOnly = new StoredBackend("kafka-like", true, true).writeOnly();
    StoredBackend memory = new StoredBackend("memory", true, false);
    StoredBackend notDurable = new StoredBackend("file-copy", false, true);
    StoredBackend sql = new StoredBackend("sql", true, true);
    StoredBackend file = new StoredBackend("file", true, true);

    assertThat(DedupRebuild.source(List.of(writeOnly, memory, notDurable, sql, file)))
        .containsSame(sql);
    assertThat(DedupRebuild.source(List.of(memory, writeOnly))).isEmpty();
  }

  /** Stored events in memory, for tests; says whether it is durable and outlives restarts. */
  private static final class StoredBackend implements ReadableBackend {
    private final String name;
    private final boolean durable;
    private final boolean keeps;
    private final List<StoredEvent> events = new ArrayList<>();
    private long askedNewest = -1;
    private boolean honoursNewest;

    StoredBackend(String name, boolean durable, boolean keeps) {
      this.name = name;
      this.durable = durable;
      this.keeps = keeps;
    }

    void add(long id, long receivedMillis) {
      events.add(
          new StoredEvent(
              "t", Priority.LOW, Route.TRANSACTIONAL, id, 0, receivedMillis, new byte[0]));
    }

    /** The same backend seen through the write-only interface. */
    StorageBackend writeOnly() {
      StoredBackend self = this;
      return new StorageBackend() {
        @Override
        public String name() {
          return self.name;
        }

        @Override
        public boolean durable() {
          return self.durable;
        }

        @Override
        public void append(EventView event) {}

        @Override
        public void append(RecordView record) {}

        @Override
        public void commit() {}

        @Override
        public void close() {}
      };
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public boolean durable() {
      return durable;
    }

    @Override
    public boolean keepsEventsAcrossRestarts() {
      return keeps;
    }

    @Override
    public List<StoredEvent> readEvents(EventQuery query) {
      return events.stream().filter(query::matches).toList();
    }

    @Override
    public void replayEventIds(long sinceMillis, long newest, EventIdSink sink) throws IOException {
      askedNewest = newest;
      if (!honoursNewest) {
        replayEventIds(sinceMillis, sink);
        return;
      }
      List<StoredEvent> recent =
          events.stream()
              .filter(e -> e.eventId() != 0 && e.receivedMillis() >= sinceMillis)
              .toList();
      for (StoredEvent e :
          recent.subList((int) Math.max(0, recent.size() - newest), recent.size())) {
        sink.accept(e.eventId(), e.receivedMillis());
      }
    }

    @Override
    public List<StoredRecord> readRecords() {
      return List.of();
    }

    @Override
    public void append(EventView event) {}

    @Override
    public void append(RecordView record) {}

    @Override
    public void commit() {}

    @Override
    public void close() {}
  }
}
