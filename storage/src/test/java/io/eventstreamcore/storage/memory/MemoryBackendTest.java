package io.eventstreamcore.storage.memory;

import static io.eventstreamcore.storage.TestEvents.event;
import static io.eventstreamcore.storage.TestEvents.payload;
import static org.assertj.core.api.Assertions.assertThat;

import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.event.Route;
import io.eventstreamcore.engine.record.DeadLetterReason;
import io.eventstreamcore.engine.record.Record;
import io.eventstreamcore.engine.spi.StoredEvent;
import io.eventstreamcore.engine.spi.StoredRecord;
import io.eventstreamcore.storage.TestEvents.Expected;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MemoryBackendTest {
  private static final long NOW = 1_700_000_000_000L;

  private static List<Expected> read(MemoryBackend backend) {
    return backend.readEvents().stream().map(Expected::of).toList();
  }

  private static Expected numbered(long id, int payloadBytes) {
    return event(
        "orders", Priority.values()[(int) (id % 5)], id, NOW + id, payload(payloadBytes, (int) id));
  }

  @Test
  void readsBackWhatWasCommitted() {
    MemoryBackend backend = new MemoryBackend("memory", 100, 10_000, 100);
    List<Expected> events =
        List.of(
            event("orders", Priority.MEDIUM, 1, NOW, payload(10, 1)),
            event("sensor/temperature", Priority.CRITICAL, 2, NOW + 1, payload(1, 200)),
            event("température/č", Priority.LOW, 0, NOW + 2, payload(0, 0)),
            event("metrics", Priority.BATCH, -5, NOW + 3, payload(300, 7)));
    for (Expected e : events) {
      backend.append(e.slot());
    }
    backend.commit();

    assertThat(read(backend)).containsExactlyElementsOf(events);
    assertThat(backend.readEvents())
        .allSatisfy(e -> assertThat(e.route()).isEqualTo(Route.of(e.priority())));
    assertThat(backend.committedCount()).isEqualTo(4);
    assertThat(backend.evicted()).isZero();
    assertThat(backend.name()).isEqualTo("memory");
  }

  @Test
  void uncommittedEventsAreNotVisible() {
    MemoryBackend backend = new MemoryBackend("memory", 10, 1_000, 10);
    backend.append(numbered(1, 4).slot());
    backend.commit();
    backend.append(numbered(2, 4).slot());

    assertThat(read(backend)).containsExactly(numbered(1, 4));

    backend.close();
    assertThat(read(backend)).containsExactly(numbered(1, 4), numbered(2, 4));
  }

  @Test
  void beyondMaxEventsTheOldestAreEvictedAndCounted() {
    MemoryBackend backend = new MemoryBackend("memory", 3, 10_000, 10);
    for (long id = 1; id <= 5; id++) {
      backend.append(numbered(id, 8).slot());
    }
    backend.commit();

    assertThat(read(backend)).containsExactly(numbered(3, 8), numbered(4, 8), numbered(5, 8));
    assertThat(backend.evicted()).isEqualTo(2);
    assertThat(backend.committedCount()).isEqualTo(5);
  }

  @Test
  void beyondMaxBytesTheOldestAreEvictedAndCounted() {
    // Each event: topic "orders" (6 bytes) + 24 payload bytes = 30 arena bytes; 100 hold 3.
    MemoryBackend backend = new MemoryBackend("memory", 100, 100, 10);
    for (long id = 1; id <= 3; id++) {
      backend.append(numbered(id, 24).slot());
    }
    backend.commit();
    assertThat(backend.evicted()).isZero();

    backend.append(numbered(4, 24).slot());
    backend.commit();

    // The fourth does not fit after the third, so it starts the arena over the first.
    assertThat(read(backend)).containsExactly(numbered(2, 24), numbered(3, 24), numbered(4, 24));
    assertThat(backend.evicted()).isEqualTo(1);

    backend.append(numbered(5, 54).slot()); // 60 bytes: needs the space of 2 and 3
    backend.commit();
    assertThat(read(backend)).containsExactly(numbered(4, 24), numbered(5, 54));
    assertThat(backend.evicted()).isEqualTo(3);
  }

  @Test
  void anEventAsLargeAsTheArenaEvictsEverythingElse() {
    MemoryBackend backend = new MemoryBackend("memory", 10, 64, 10);
    backend.append(numbered(1, 10).slot());
    backend.append(numbered(2, 58).slot()); // 6 + 58 = 64

    backend.commit();

    assertThat(read(backend)).containsExactly(numbered(2, 58));
    assertThat(backend.evicted()).isEqualTo(1);
  }

  @Test
  void anEventLargerThanTheArenaIsEvictedAtOnceAndCounted() {
    MemoryBackend backend = new MemoryBackend("memory", 10, 64, 10);
    backend.append(numbered(1, 10).slot());
    backend.append(numbered(2, 59).slot());
    backend.append(numbered(3, 10).slot());
    backend.commit();

    assertThat(read(backend)).containsExactly(numbered(1, 10), numbered(3, 10));
    assertThat(backend.evicted()).isEqualTo(1);
  }

  @Test
  void evictionKeepsTheNewestEventsIntactUnderRandomSizes() {
    int maxEvents = 40;
    int maxBytes = 1_000;
    MemoryBackend backend = new MemoryBackend("memory", maxEvents, maxBytes, 10);
    Random random = new Random(4242);
    List<Expected> appended = new ArrayList<>();
    for (long id = 1; id <= 3_000; id++) {
      int topicBytes = "orders".getBytes(StandardCharsets.UTF_8).length;
      int payloadBytes =
          random.nextInt(10) == 0 ? random.nextInt(maxBytes - topicBytes) : random.nextInt(60);
      Expected e = numbered(id, payloadBytes);
      backend.append(e.slot());
      appended.add(e);
      if (random.nextInt(4) == 0) {
        backend.commit();
        List<Expected> held = read(backend);
        // What is held is exactly the newest events, byte for byte, within both bounds.
        assertThat(held)
            .as("after %d", id)
            .isEqualTo(appended.subList(appended.size() - held.size(), appended.size()));
        assertThat(held.size()).isLessThanOrEqualTo(maxEvents).isPositive();
        assertThat(held.stream().mapToInt(h -> topicBytes + h.payloadHex().length() / 2).sum())
            .isLessThanOrEqualTo(maxBytes);
        assertThat(backend.evicted()).isEqualTo(appended.size() - held.size());
      }
    }
  }

  @Test
  void recordsAreKeptUpToTheirBoundOldestDroppedFirst() {
    MemoryBackend backend = new MemoryBackend("memory", 10, 1_000, 3);
    List<StoredRecord> expected = new ArrayList<>();
    Record record = new Record();
    for (long i = 1; i <= 5; i++) {
      if (i % 2 == 0) {
        record
            .window("metrics", i * 1_000, i * 1_000 + 500, i, i * 10, i, i + 1)
            .payloadSizes(i, i * 4)
            .eventTimes(i * 1_000 + 1, i * 1_000 + 499)
            .aggregate("sum", i * 2.5);
      } else {
        record.alert("rule", "WARNING", "orders", NOW + i, i, i * 1.5);
      }
      backend.append(record);
      expected.add(StoredRecord.of(record));
    }

    assertThat(backend.readRecords()).containsExactlyElementsOf(expected.subList(2, 5));
    // Read back as copies: later reuse of the record object changes nothing stored.
    record.alert("other", "LOW", "x", 0, 0, 0);
    assertThat(backend.readRecords()).containsExactlyElementsOf(expected.subList(2, 5));
    assertThat(backend.readEvents()).isEmpty();
  }

  @Test
  void deadLetterAndDerivedPayloadsAreBoundedByMaxBytesOldestDroppedFirst() {
    MemoryBackend backend = new MemoryBackend("memory", 10, 1_000, 100);
    Record record = new Record();
    List<StoredRecord> expected = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      if (i % 2 == 1) {
        record.deadLetter(
            DeadLetterReason.HANDLER,
            event("orders", Priority.LOW, i, NOW + i, payload(400, i)).slot());
      } else {
        record
            .derived("normalised", "orders", i, NOW + i, Priority.HIGH)
            .payload(payload(400, i), 0, 400);
      }
      backend.append(record);
      expected.add(StoredRecord.of(record));
    }
    // 400 bytes each within 1,000: the two newest are held, whole.
    assertThat(backend.readRecords()).containsExactlyElementsOf(expected.subList(2, 4));
    assertThat(backend.readRecords().get(1))
        .isEqualTo(
            StoredRecord.derived(
                "normalised", "orders", 4, NOW + 4, Priority.HIGH, payload(400, 4)));
  }

  @Test
  void readsReturnCopies() {
    MemoryBackend backend = new MemoryBackend("memory", 10, 1_000, 3);
    backend.append(numbered(1, 4).slot());
    backend.commit();

    StoredEvent first = backend.readEvents().get(0);
    first.payload()[0] ^= 1;

    assertThat(read(backend)).containsExactly(numbered(1, 4));
  }
}
