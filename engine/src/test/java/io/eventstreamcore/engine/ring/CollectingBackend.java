package io.eventstreamcore.engine.ring;

import io.eventstreamcore.engine.event.EventView;
import io.eventstreamcore.engine.record.RecordView;
import io.eventstreamcore.engine.spi.StorageBackend;
import io.eventstreamcore.engine.spi.StoredEvent;
import io.eventstreamcore.engine.spi.StoredRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A storage backend for tests: keeps a copy of everything appended, in order, and what was
 * committed. Appends come from the writer thread; the test thread reads snapshots. A test that
 * needs a backend failing or slow in one call overrides it.
 */
class CollectingBackend implements StorageBackend {
  /** One appended item: an event or a record. */
  record Entry(StoredEvent event, StoredRecord record) {
    boolean isEvent() {
      return event != null;
    }

    @Override
    public String toString() {
      return isEvent()
          ? "event " + event.eventId()
          : record.kind() + " " + record.name() + " " + record.eventId();
    }
  }

  private final String name;
  private final List<Entry> entries = new ArrayList<>();
  private long appendedEvents;
  private volatile long committedEvents;
  private final AtomicInteger closeCalls = new AtomicInteger();

  CollectingBackend(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void append(EventView event) {
    byte[] payload = new byte[event.payloadLength()];
    event.copyPayload(0, payload, 0, payload.length);
    StoredEvent copy =
        new StoredEvent(
            event.topic(),
            event.priority(),
            event.route(),
            event.eventId(),
            event.clientTimeMicros(),
            event.receivedMillis(),
            payload);
    synchronized (entries) {
      entries.add(new Entry(copy, null));
      appendedEvents++;
    }
  }

  @Override
  public void append(RecordView record) {
    synchronized (entries) {
      entries.add(new Entry(null, StoredRecord.of(record)));
    }
  }

  @Override
  public void commit() {
    synchronized (entries) {
      committedEvents = appendedEvents;
    }
  }

  @Override
  public void close() {
    closeCalls.incrementAndGet();
  }

  /** Everything appended so far, in order. */
  List<Entry> entries() {
    synchronized (entries) {
      return List.copyOf(entries);
    }
  }

  /** The events appended so far, in order. */
  List<StoredEvent> events() {
    return entries().stream().filter(Entry::isEvent).map(Entry::event).toList();
  }

  /** Event ids appended so far, in order. */
  List<Long> eventIds() {
    return events().stream().map(StoredEvent::eventId).toList();
  }

  /** Records appended so far, in order. */
  List<StoredRecord> records() {
    return entries().stream().filter(e -> !e.isEvent()).map(Entry::record).toList();
  }

  /** Number of events covered by the last commit. */
  long committedEvents() {
    return committedEvents;
  }

  int closeCalls() {
    return closeCalls.get();
  }
}
