package io.eventstreamcore.storage.memory;

import io.eventstreamcore.engine.event.EventView;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.event.Route;
import io.eventstreamcore.engine.record.RecordView;
import io.eventstreamcore.engine.spi.EventQuery;
import io.eventstreamcore.engine.spi.ReadableBackend;
import io.eventstreamcore.engine.spi.StoredEvent;
import io.eventstreamcore.engine.spi.StoredRecord;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Bounded in-memory storage, queryable while it runs; for tests, demos and caches. Nothing survives
 * a restart.
 *
 * <p>Events live in preallocated columns and one circular byte arena (topic then payload), so
 * appending allocates nothing. When either bound is reached the oldest events are evicted, and
 * counted. Readers on other threads see what was committed; a read that races with eviction drops
 * the evicted event rather than returning torn data (sequence-lock style validation).
 *
 * <p>Records (alerts, windows, dead letters, derived events) are kept as copies, at most {@code
 * maxRecords} of them and, for the payloads dead letters and derived events carry, at most {@code
 * maxBytes} of payload beside the event arena; the oldest go first.
 */
public final class MemoryBackend implements ReadableBackend {
  private final String name;
  private final boolean durable;
  private final int maxEvents;
  private final byte[] arena;
  private final ByteBuffer arenaView;
  private final long[] eventIds;
  private final long[] clientTimes;
  private final long[] receivedMillis;
  private final byte[] priorities;
  private final int[] topicLengths;
  private final int[] payloadLengths;
  private final long[] arenaStarts;
  private final int maxRecords;
  private final ArrayDeque<StoredRecord> records = new ArrayDeque<>();
  private long recordPayloadBytes; // guarded by records

  /** Index of the next event to append; writer thread only. */
  private long next;

  /** Absolute arena position of the next byte to write; writer thread only. */
  private long arenaNext;

  private volatile long oldest;
  private volatile long committed;
  private volatile long evicted;

  /** Creates a backend holding at most {@code maxEvents} events in {@code maxBytes} of arena. */
  public MemoryBackend(String name, int maxEvents, int maxBytes, int maxRecords) {
    this(name, maxEvents, maxBytes, maxRecords, true);
  }

  /** A memory store with these bounds that acknowledgements wait for only when {@code durable}. */
  public MemoryBackend(String name, int maxEvents, int maxBytes, int maxRecords, boolean durable) {
    this.name = name;
    this.durable = durable;
    this.maxEvents = maxEvents;
    this.arena = new byte[maxBytes];
    this.arenaView = ByteBuffer.wrap(arena);
    this.eventIds = new long[maxEvents];
    this.clientTimes = new long[maxEvents];
    this.receivedMillis = new long[maxEvents];
    this.priorities = new byte[maxEvents];
    this.topicLengths = new int[maxEvents];
    this.payloadLengths = new int[maxEvents];
    this.arenaStarts = new long[maxEvents];
    this.maxRecords = maxRecords;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void append(EventView event) {
    int size = event.topicLength() + event.payloadLength();
    if (size > arena.length) {
      // Larger than the whole arena: it would evict everything and still not fit. Like any
      // eviction in this bounded, non-durable store it is counted; the service refuses at start
      // an arena smaller than the largest frame, so this only happens when used on its own.
      evicted++;
      return;
    }
    long start = arenaNext;
    int offset = (int) (start % arena.length);
    if (size > arena.length - offset) { // not offset + size: near 2 GiB that overflows
      start += arena.length - offset; // do not wrap an event; skip to the arena's start
      offset = 0;
    }
    long oldestNow = oldest;
    while (next - oldestNow >= maxEvents
        || (next > oldestNow && start + size - arenaStarts[slot(oldestNow)] > arena.length)) {
      oldestNow++;
      evicted++;
    }
    if (oldestNow != oldest) {
      oldest = oldestNow; // publish eviction before overwriting the freed space
      VarHandle.storeStoreFence(); // and keep the overwrites after it on weakly ordered CPUs
    }
    int i = slot(next);
    arenaView.position(offset);
    event.writeTopic(arenaView);
    event.writePayload(arenaView);
    eventIds[i] = event.eventId();
    clientTimes[i] = event.clientTimeMicros();
    receivedMillis[i] = event.receivedMillis();
    priorities[i] = (byte) event.priority().ordinal();
    topicLengths[i] = event.topicLength();
    payloadLengths[i] = event.payloadLength();
    arenaStarts[i] = start;
    arenaNext = start + size;
    next++;
  }

  @Override
  public void append(RecordView record) {
    StoredRecord copy = StoredRecord.of(record);
    synchronized (records) {
      while (!records.isEmpty()
          && (records.size() == maxRecords
              || recordPayloadBytes + copy.payload().length > arena.length)) {
        recordPayloadBytes -= records.removeFirst().payload().length;
      }
      records.addLast(copy);
      recordPayloadBytes += copy.payload().length;
    }
  }

  @Override
  public void commit() {
    committed = next;
  }

  @Override
  public boolean durable() {
    return durable;
  }

  @Override
  public void close() {
    commit();
  }

  /** Events evicted so far to respect the bounds. */
  public long evicted() {
    return evicted;
  }

  /** Events committed so far, evicted ones included. */
  public long committedCount() {
    return committed;
  }

  @Override
  public List<StoredEvent> readEvents() {
    return readEvents(EventQuery.all());
  }

  @Override
  public List<StoredEvent> readEvents(EventQuery query) {
    long end = committed;
    List<StoredEvent> out = new ArrayList<>();
    for (long n = oldest; n < end && out.size() < query.limit(); n++) {
      StoredEvent event = read(n);
      VarHandle.acquireFence();
      if (n >= oldest && query.matches(event)) {
        out.add(event);
      }
    }
    return out;
  }

  private StoredEvent read(long n) {
    int i = slot(n);
    int offset = (int) (arenaStarts[i] % arena.length);
    int topicLength = Math.max(0, Math.min(topicLengths[i], arena.length - offset));
    int payloadLength =
        Math.max(0, Math.min(payloadLengths[i], arena.length - offset - topicLength));
    byte[] payload = new byte[payloadLength];
    System.arraycopy(arena, offset + topicLength, payload, 0, payloadLength);
    Priority priority = Priority.ofCode(priorities[i]);
    return new StoredEvent(
        new String(arena, offset, topicLength, StandardCharsets.UTF_8),
        priority,
        Route.of(priority),
        eventIds[i],
        clientTimes[i],
        receivedMillis[i],
        payload);
  }

  @Override
  public List<StoredRecord> readRecords() {
    synchronized (records) {
      return new ArrayList<>(records);
    }
  }

  private int slot(long n) {
    return (int) (n % maxEvents);
  }
}
