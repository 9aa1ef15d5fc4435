package io.eventstreamcore.storage.file;

import static io.eventstreamcore.storage.TestEvents.event;
import static io.eventstreamcore.storage.TestEvents.payload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventstreamcore.engine.event.EventLimits;
import io.eventstreamcore.engine.event.EventSlot;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.event.Route;
import io.eventstreamcore.engine.record.DeadLetterReason;
import io.eventstreamcore.engine.record.Record;
import io.eventstreamcore.engine.record.RecordKind;
import io.eventstreamcore.engine.spi.StoredEvent;
import io.eventstreamcore.engine.spi.StoredRecord;
import io.eventstreamcore.storage.TestEvents.Expected;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.wire.BinaryWire;
import net.openhft.chronicle.wire.Wire;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileBackendTest {
  private static final long NOW = 1_700_000_000_000L;
  private static final int BUFFER_BYTES = 4096;

  @TempDir Path dir;

  private FileBackend open() throws IOException {
    return open(SyncPolicy.NEVER, BUFFER_BYTES);
  }

  private FileBackend open(SyncPolicy sync, int bufferBytes) throws IOException {
    return new FileBackend("file", dir, sync, bufferBytes);
  }

  @Test
  void aDirectoryServesOneFileBackendAtATime() throws IOException {
    try (FileBackend first = open()) {
      assertThatThrownBy(this::open).isInstanceOf(IOException.class).hasMessageContaining("in use");
    }
    try (FileBackend again = open()) {
      assertThat(again.readEvents()).isEmpty();
    }
  }

  private static StoredRecord alert(long eventId) {
    return StoredRecord.of(
        new Record().alert("large-payload", "WARNING", "orders", NOW + eventId, eventId, 2048.5));
  }

  private static StoredRecord window(long start) {
    return StoredRecord.of(
        new Record()
            .window("metrics/cpu", start, start + 5_000, 12, 3456, 7, 99)
            .payloadSizes(3, 1024)
            .eventTimes(start + 1, start + 4_999)
            .aggregate("sum:load", 17.25));
  }

  private static void append(FileBackend backend, StoredRecord r) throws IOException {
    Record record = new Record();
    if (r.kind() == RecordKind.ALERT) {
      record.alert(r.name(), r.severity(), r.topic(), r.timeMillis(), r.eventId(), r.value());
    } else {
      record.window(
          r.topic(),
          r.startMillis(),
          r.endMillis(),
          r.count(),
          r.payloadBytes(),
          r.minEventId(),
          r.maxEventId());
      record.payloadSizes(r.minPayloadBytes(), r.maxPayloadBytes());
      record.eventTimes(r.firstMillis(), r.lastMillis());
      if (!r.name().isEmpty()) {
        record.aggregate(r.name(), r.value());
      }
    }
    backend.append(record);
  }

  /** Everything in the log, in order: events as {@link Expected}, records as themselves. */
  private List<Object> readLog() throws IOException {
    List<Object> items = new ArrayList<>();
    long end =
        FileLogReader.read(
            dir,
            new FileLogReader.Visitor() {
              @Override
              public void event(long offset, StoredEvent event) {
                assertThat(offset).isEqualTo(items.size());
                assertThat(event.route()).isEqualTo(Route.of(event.priority()));
                items.add(Expected.of(event));
              }

              @Override
              public void record(long offset, StoredRecord record) {
                assertThat(offset).isEqualTo(items.size());
                items.add(record);
              }
            });
    assertThat(end).isEqualTo(items.size());
    return items;
  }

  /** The only segment of a log that never rolled. */
  private Path onlySegment() throws IOException {
    List<Path> segments = Segments.list(dir).stream().map(Segments.Segment::path).toList();
    assertThat(segments).hasSize(1);
    return segments.get(0);
  }

  private static List<Expected> sampleEvents() {
    List<Expected> events = new ArrayList<>();
    events.add(event("orders", Priority.MEDIUM, 1, NOW, payload(10, 1)));
    events.add(event("sensor/temperature", Priority.CRITICAL, 2, NOW + 1, payload(1, 200)));
    events.add(event("température/č", Priority.LOW, 0, NOW + 2, payload(0, 0)));
    events.add(event("metrics", Priority.BATCH, -1, NOW + 3, payload(256, 0)));
    events.add(event("big", Priority.HIGH, Long.MAX_VALUE, NOW + 4, payload(3000, 9)));
    return events;
  }

  private List<Object> writeSample(FileBackend backend) throws IOException {
    List<Object> written = new ArrayList<>();
    List<Expected> events = sampleEvents();
    for (int i = 0; i < events.size(); i++) {
      Expected e = events.get(i);
      backend.append(e.slot());
      written.add(e);
      if (i % 2 == 0) {
        StoredRecord a = alert(e.eventId());
        append(backend, a);
        written.add(a);
      }
      if (i == 1 || i == 4) {
        // A dead letter carries its event's fields and payload (3000 bytes for the last one).
        Record dead = new Record().deadLetter(DeadLetterReason.HANDLER, e.slot());
        backend.append(dead);
        written.add(StoredRecord.of(dead));
      }
      if (i == 2 || i == 4) {
        // A derived event: a slice of its source's payload (empty for the empty one), 3000 bytes.
        EventSlot slot = e.slot();
        Record derived =
            new Record().derived("derived", slot).payload(slot, 0, slot.payloadLength());
        backend.append(derived);
        written.add(StoredRecord.of(derived));
      }
      if (i == 3) {
        StoredRecord w = window(NOW - 5_000);
        append(backend, w);
        written.add(w);
      }
    }
    backend.commit();
    return written;
  }

  @Test
  void aRecordWrittenBeforeACleanStopIsReadBackAfterAStart() throws IOException {
    FileBackend backend = open();
    List<Object> written = writeSample(backend);
    backend.close();

    FileBackend reopened = open();
    try {
      assertThat(reopened.readEvents().stream().map(Expected::of).toList())
          .containsExactlyElementsOf(
              written.stream()
                  .filter(Expected.class::isInstance)
                  .map(Expected.class::cast)
                  .toList());
      assertThat(reopened.readRecords())
          .containsExactlyElementsOf(
              written.stream()
                  .filter(StoredRecord.class::isInstance)
                  .map(StoredRecord.class::cast)
                  .toList());
      assertThat(readLog()).containsExactlyElementsOf(written);
    } finally {
      reopened.close();
    }
  }

  /** Synced before every ACK, with a 1 MiB buffer: the sample is written out at its commit. */
  private FileSettings alwaysSynced() {
    return new FileSettings(
        dir, SyncPolicy.ALWAYS, Duration.ofMillis(100), 64L << 20, 0, Duration.ZERO, 1 << 20, true);
  }

  @Test
  void whatAFailedFsyncMayHaveLostIsWrittenAgainBeforeTheRetry() throws IOException {
    // Linux reports a failed writeback to one fsync and may leave the pages it could not write
    // marked clean: a retried fsync then succeeds without them. The failing fsync here zeroes what
    // was written since the last good one, as the disk would have it.
    long[] lostFrom = {-1};
    FileBackend.Fsync failOnce =
        channel -> {
          if (lostFrom[0] >= 0) {
            channel.write(ByteBuffer.allocate((int) (channel.size() - lostFrom[0])), lostFrom[0]);
            lostFrom[0] = -1;
            throw new IOException("Input/output error");
          }
          channel.force(false);
        };
    List<Object> sample;
    // The sample fits the buffer: it is written out, and fails, at the commit.
    try (FileBackend backend = new FileBackend("file", alwaysSynced(), failOnce)) {
      sample = writeSample(backend);
      lostFrom[0] = Files.size(onlySegment());
      assertThatThrownBy(() -> writeSample(backend)).hasMessage("Input/output error");

      backend.commit(); // the writer's retry
    }

    List<Object> twice = new ArrayList<>(sample);
    twice.addAll(sample);
    assertThat(readLog()).containsExactlyElementsOf(twice);
  }

  @Test
  void theLargestEventIngestLetsThroughFitsARecordRecoveryReads() {
    // A 1 GiB payload cannot be encoded here; what a record adds to its topic and payload can.
    String topic = "t".repeat(EventLimits.PROTOCOL.maxTopicBytes());
    EventSlot slot = event(topic, Priority.LOW, 1, NOW, payload(100, 1)).slot();
    RecordEncoder encoder = new RecordEncoder(1 << 20);
    try {
      encoder.event(slot);
      long eventBody = encoder.pending() - LogRecordDescriptor.HEADER_BYTES;
      encoder.clear();
      encoder.record(new Record().deadLetter(DeadLetterReason.HANDLER_GAVE_UP, slot));
      long deadLetterBody = encoder.pending() - LogRecordDescriptor.HEADER_BYTES;

      long largestPayload = FileSettings.EVENT_LIMITS.maxPayloadBytes();
      for (long body : new long[] {eventBody, deadLetterBody}) {
        assertThat(body - 100 + largestPayload)
            .isLessThanOrEqualTo(LogRecordDescriptor.MAX_BODY_BYTES);
      }
      assertThat(largestPayload).isGreaterThan(1_000_000_000); // still near the protocol's bound
    } finally {
      encoder.close();
    }
  }

  @Test
  void whatAKilledProcessLeftUnsyncedIsSyncedWhenTheLogOpens() throws IOException {
    FileSettings settings = alwaysSynced();
    // Written, never synced: as a process killed before its fsync leaves the file.
    FileBackend first =
        new FileBackend(
            "file",
            settings,
            channel -> {
              throw new IOException("killed before its fsync");
            });
    assertThatThrownBy(() -> writeSample(first)).hasMessage("killed before its fsync");
    assertThatThrownBy(first::close).hasMessage("killed before its fsync");
    assertThat(Files.size(onlySegment())).isPositive();

    int[] forced = {0};
    try (FileBackend reopened =
        new FileBackend(
            "file",
            settings,
            channel -> {
              forced[0]++;
              channel.force(false);
            })) {
      // Before any commit: the dedup rebuild reads these ids next, and resends of them are ACKed.
      assertThat(forced[0]).isEqualTo(1);
      assertThat(reopened.readEvents()).isNotEmpty();
    }
  }

  @Test
  void aBatchBeyondTwiceTheBufferIsSyncedInPartsSoThatWhatIsKeptToWriteAgainStaysBounded()
      throws IOException {
    try (FileBackend backend = open(SyncPolicy.ALWAYS, 1024)) { // 130 KiB kept at most
      for (int id = 1; id <= 400; id++) {
        backend.append(event("t", Priority.LOW, id, NOW, payload(1000, id)).slot());
      }
      backend.commit();

      assertThat(backend.fsyncs()).isBetween(3L, 5L);
      assertThat(backend.readEvents()).hasSize(400);
    }
  }

  @Test
  void garbageReadingAsAHugeLengthIsATornTailAndTakesNoBufferThatLarge() throws IOException {
    List<Object> written;
    try (FileBackend backend = open()) {
      written = writeSample(backend);
    }
    Path segment = onlySegment();
    long validBytes = Files.size(segment);
    // A crash left garbage whose first four bytes, read as a length, say 768 MiB.
    byte[] garbage = new byte[64];
    ByteBuffer.wrap(garbage).order(ByteOrder.LITTLE_ENDIAN).putInt(0x3000_0000).putInt(12345);
    try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(garbage), validBytes);
    }
    try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.READ);
        FrameScanner scanner = new FrameScanner(ch, 0)) {
      while (scanner.next()) {
        // the valid frames
      }
      assertThat(scanner.stop()).isEqualTo(FrameScanner.Stop.SHORT);
      assertThat(scanner.position()).isEqualTo(validBytes);
      assertThat(scanner.bufferCapacity()).isLessThan(1 << 20);
    }

    try (FileBackend reopened = open()) {
      assertThat(reopened.truncatedBytesAtOpen()).isEqualTo(garbage.length);
    }
    assertThat(readLog()).containsExactlyElementsOf(written);
  }

  @Test
  void storesTheEffectivePriorityAndEveryEventField() throws IOException {
    Expected e = event("orders", Priority.CRITICAL, 77, NOW, payload(5, 5));
    try (FileBackend backend = open()) {
      backend.append(e.slot());
      backend.commit();

      List<StoredEvent> read = backend.readEvents();

      assertThat(read).hasSize(1);
      StoredEvent stored = read.get(0);
      assertThat(stored.priority()).isEqualTo(Priority.CRITICAL);
      assertThat(stored.route()).isEqualTo(Route.REALTIME);
      assertThat(stored.eventId()).isEqualTo(77);
      assertThat(stored.clientTimeMicros()).isEqualTo(77 * 3);
      assertThat(stored.receivedMillis()).isEqualTo(NOW);
      assertThat(stored.payload()).containsExactly(payload(5, 5));
    }
  }

  @Test
  void committedRecordsAreReadableWhileTheBackendIsOpen() throws IOException {
    try (FileBackend backend = open(SyncPolicy.ALWAYS, BUFFER_BYTES)) {
      List<Object> written = writeSample(backend);

      assertThat(readLog()).containsExactlyElementsOf(written);
    }
  }

  @Test
  void appendsAfterAReopenFollowTheEarlierRecords() throws IOException {
    List<Object> written = new ArrayList<>();
    try (FileBackend first = open()) {
      written.addAll(writeSample(first));
    }
    try (FileBackend second = open()) {
      written.addAll(writeSample(second));
    }

    assertThat(readLog()).containsExactlyElementsOf(written);
  }

  @Test
  void recordsLargerThanTheBufferAndManyBufferFullsAreWrittenInOrder() throws IOException {
    List<Object> written = new ArrayList<>();
    try (FileBackend backend = open(SyncPolicy.NEVER, 64)) {
      for (int i = 1; i <= 200; i++) {
        Expected e = event("t" + (i % 7), Priority.LOW, i, NOW + i, payload(i * 13 % 300, i));
        backend.append(e.slot());
        written.add(e);
        if (i % 10 == 0) {
          StoredRecord a = alert(i);
          append(backend, a);
          written.add(a);
        }
        if (i % 50 == 0) {
          backend.commit();
        }
      }
    }

    assertThat(readLog()).containsExactlyElementsOf(written);
  }

  @Test
  void createsAMissingDirectory() throws IOException {
    Path nested = dir.resolve("a/b/c");
    try (FileBackend backend = new FileBackend("file", nested, SyncPolicy.NEVER, 128)) {
      assertThat(backend.segments()).containsExactly(nested.resolve("00000000000000000000.log"));
      assertThat(backend.name()).isEqualTo("file");
      assertThat(backend.directory()).isEqualTo(nested);
    }
    assertThat(nested.resolve("00000000000000000000.log")).exists();
  }

  /** Writes one event per commit and returns the log size after each. */
  private List<Long> writeEventsOnePerCommit(FileBackend backend, int count) throws IOException {
    List<Long> sizes = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      backend.append(event("orders", Priority.MEDIUM, i, NOW + i, payload(20, i)).slot());
      backend.commit();
      sizes.add(Files.size(onlySegment()));
    }
    return sizes;
  }

  private List<Long> readIds() throws IOException {
    try (FileBackend backend = open()) {
      return backend.readEvents().stream().map(StoredEvent::eventId).toList();
    }
  }

  @Test
  void garbageAfterTheLastRecordIsTruncatedAtOpenAndNewAppendsAreReadable() throws IOException {
    Path log;
    long validSize;
    try (FileBackend backend = open()) {
      validSize = writeEventsOnePerCommit(backend, 3).get(2);
      log = onlySegment();
    }
    Files.write(
        log,
        "not a record at all, just bytes".getBytes(StandardCharsets.UTF_8),
        StandardOpenOption.APPEND);
    assertThat(Files.size(log)).isGreaterThan(validSize);

    try (FileBackend recovered = open()) {
      assertThat(Files.size(log)).isEqualTo(validSize);
      assertThat(recovered.truncatedBytesAtOpen())
          .isEqualTo("not a record at all, just bytes".length());
      assertThat(recovered.committedOffset()).isEqualTo(3);
      assertThat(recovered.readEvents())
          .extracting(StoredEvent::eventId)
          .containsExactly(1L, 2L, 3L);
      recovered.append(event("orders", Priority.MEDIUM, 4, NOW, payload(3, 3)).slot());
      append(recovered, alert(4));
      recovered.commit();
    }

    assertThat(readIds()).containsExactly(1L, 2L, 3L, 4L);
    assertThat(readLog()).last().isEqualTo(alert(4));
  }

  @Test
  void aRecordCutInTheMiddleIsTruncatedAtOpen() throws IOException {
    Path log;
    List<Long> sizes;
    try (FileBackend backend = open()) {
      sizes = writeEventsOnePerCommit(backend, 4);
      log = onlySegment();
    }
    long cut = sizes.get(2) + (sizes.get(3) - sizes.get(2)) / 2;
    try (FileChannel channel = FileChannel.open(log, StandardOpenOption.WRITE)) {
      channel.truncate(cut);
    }

    try (FileBackend recovered = open()) {
      assertThat(Files.size(log)).isEqualTo(sizes.get(2));
      assertThat(recovered.readEvents())
          .extracting(StoredEvent::eventId)
          .containsExactly(1L, 2L, 3L);
      recovered.append(event("orders", Priority.MEDIUM, 5, NOW, payload(30, 5)).slot());
      recovered.commit();
    }

    assertThat(readIds()).containsExactly(1L, 2L, 3L, 5L);
  }

  @Test
  void aCutHeaderAndAZeroFilledTailAreTornTails() throws IOException {
    Path log;
    List<Long> sizes;
    try (FileBackend backend = open()) {
      sizes = writeEventsOnePerCommit(backend, 2);
      log = onlySegment();
    }
    // Half a header.
    try (FileChannel channel = FileChannel.open(log, StandardOpenOption.WRITE)) {
      channel.truncate(sizes.get(0) + 5);
    }
    try (FileBackend recovered = open()) {
      assertThat(Files.size(log)).isEqualTo(sizes.get(0));
      assertThat(recovered.readEvents()).extracting(StoredEvent::eventId).containsExactly(1L);
    }
    // Blocks the file system allocated but the process never wrote: zeros.
    Files.write(log, new byte[4096], StandardOpenOption.APPEND);
    try (FileBackend recovered = open()) {
      assertThat(Files.size(log)).isEqualTo(sizes.get(0));
      assertThat(recovered.readEvents()).extracting(StoredEvent::eventId).containsExactly(1L);
    }
    // Nothing valid after them: nothing kept aside either.
    try (var files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .noneMatch(n -> n.startsWith("corrupt"));
    }
  }

  @Test
  void anAbsurdLengthIsATornTailNotAnAllocation() throws IOException {
    Path log;
    long validSize;
    try (FileBackend backend = open()) {
      validSize = writeEventsOnePerCommit(backend, 1).get(0);
      log = onlySegment();
    }
    ByteBuffer header =
        ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(0x7fff_ffff).putInt(0).flip();
    try (FileChannel channel = FileChannel.open(log, StandardOpenOption.WRITE)) {
      channel.write(header, validSize);
    }

    assertThat(FileLogReader.scan(log).validBytes()).isEqualTo(validSize);
    try (FileBackend recovered = open()) {
      assertThat(Files.size(log)).isEqualTo(validSize);
      assertThat(recovered.readEvents()).extracting(StoredEvent::eventId).containsExactly(1L);
    }
  }

  @Test
  void aChecksumMismatchInTheMiddleStopsReadingThereAndRecoveryKeepsWhatFollowsAside()
      throws IOException {
    Path log;
    List<Long> sizes;
    try (FileBackend backend = open()) {
      sizes = writeEventsOnePerCommit(backend, 3);
      log = onlySegment();
    }
    // Flip one payload byte of the second record: its length is intact, its checksum is not.
    long inSecondBody = sizes.get(1) - 3;
    flipByte(log, inSecondBody);

    List<Long> visited = new ArrayList<>();
    long end =
        FileLogReader.read(
            dir,
            new FileLogReader.Visitor() {
              @Override
              public void event(long offset, StoredEvent event) {
                visited.add(event.eventId());
              }

              @Override
              public void record(long offset, StoredRecord record) {
                visited.add(-1L);
              }
            });

    assertThat(end).isEqualTo(1);
    assertThat(FileLogReader.scan(log).validBytes()).isEqualTo(sizes.get(0));
    assertThat(visited).containsExactly(1L);
    // Recovery cuts the log at the corrupt record, so that new events follow valid ones; the
    // valid records after it are not lost: they are copied first to a directory of their own.
    try (FileBackend recovered = open()) {
      assertThat(Files.size(log)).isEqualTo(sizes.get(0));
      assertThat(recovered.readEvents()).extracting(StoredEvent::eventId).containsExactly(1L);
    }
    Path kept = dir.resolve("corrupt-" + log.getFileName() + "-at-byte-" + sizes.get(0));
    List<Long> keptIds = new ArrayList<>();
    long keptEnd =
        FileLogReader.read(
            kept,
            new FileLogReader.Visitor() {
              @Override
              public void event(long offset, StoredEvent event) {
                keptIds.add(offset);
                keptIds.add(event.eventId());
              }
            });
    assertThat(keptIds).as("offset, id").containsExactly(2L, 3L);
    assertThat(keptEnd).isEqualTo(3);
  }

  @Test
  void aWindowFrameWrittenBeforeTheSizesTimesAndAggregateReadsBackWithThemZero()
      throws IOException {
    Path log;
    long validSize;
    try (FileBackend backend = open()) {
      validSize = writeEventsOnePerCommit(backend, 1).get(0);
      log = onlySegment();
    }
    writeFrame(log, validSize, windowOfAnEarlierLog());

    try (FileBackend reopened = open()) {
      assertThat(reopened.readRecords())
          .containsExactly(StoredRecord.window("metrics/cpu", NOW, NOW + 5_000, 12, 3456, 7, 99));
    }
  }

  /** A window body as logs before the sizes, times and aggregate wrote it: it ends at the topic. */
  private static byte[] windowOfAnEarlierLog() {
    Bytes<byte[]> bytes = Bytes.allocateElasticOnHeap(128);
    Wire wire = new BinaryWire(bytes, true, false, false, Integer.MAX_VALUE, "binary", false);
    wire.write(LogRecordDescriptor.KIND).text(LogRecordDescriptor.WINDOW);
    wire.write(LogRecordDescriptor.START_MILLIS).int64(NOW);
    wire.write(LogRecordDescriptor.END_MILLIS).int64(NOW + 5_000);
    wire.write(LogRecordDescriptor.COUNT).int64(12);
    wire.write(LogRecordDescriptor.PAYLOAD_BYTES).int64(3456);
    wire.write(LogRecordDescriptor.MIN_EVENT_ID).int64(7);
    wire.write(LogRecordDescriptor.MAX_EVENT_ID).int64(99);
    wire.write(LogRecordDescriptor.TOPIC).text("metrics/cpu");
    return bytes.toByteArray();
  }

  /** Writes {@code body} as a frame at {@code position} of {@code log}. */
  private static void writeFrame(Path log, long position, byte[] body) throws IOException {
    CRC32C crc = new CRC32C();
    crc.update(body);
    ByteBuffer frame =
        ByteBuffer.allocate(8 + body.length)
            .order(ByteOrder.LITTLE_ENDIAN)
            .putInt(body.length)
            .putInt((int) crc.getValue())
            .put(body)
            .flip();
    try (FileChannel channel = FileChannel.open(log, StandardOpenOption.WRITE)) {
      channel.write(frame, position);
    }
  }

  @Test
  void aLogWrittenBeforeDerivedEventsReadsAsItWasAndTakesThemAfterItsRecords() throws IOException {
    Path log;
    long validSize;
    try (FileBackend backend = open()) {
      validSize = writeEventsOnePerCommit(backend, 1).get(0);
      log = onlySegment();
    }
    writeFrame(log, validSize, windowOfAnEarlierLog());
    StoredRecord oldWindow = StoredRecord.window("metrics/cpu", NOW, NOW + 5_000, 12, 3456, 7, 99);

    byte[] reading = "37C".getBytes(StandardCharsets.UTF_8);
    Record derived =
        new Record().derived("celsius", "sensor/boiler", 1, NOW + 1, Priority.CRITICAL);
    System.arraycopy(reading, 0, derived.payloadBuffer(reading.length), 0, reading.length);
    try (FileBackend reopened = open()) {
      assertThat(reopened.readRecords()).containsExactly(oldWindow);
      reopened.append(derived);
      reopened.commit();
    }

    try (FileBackend reopened = open()) {
      assertThat(reopened.readEvents()).extracting(StoredEvent::eventId).containsExactly(1L);
      assertThat(reopened.readRecords())
          .containsExactly(
              oldWindow,
              StoredRecord.derived(
                  "celsius", "sensor/boiler", 1, NOW + 1, Priority.CRITICAL, reading));
    }
  }

  @Test
  void aChecksummedBodyOfUnknownTypeStopsReading() throws IOException {
    Path log;
    long validSize;
    try (FileBackend backend = open()) {
      validSize = writeEventsOnePerCommit(backend, 1).get(0);
      log = onlySegment();
    }
    byte[] body = {(byte) 0xc4, 'k', 'i', 'n', 'd', (byte) 0xe3, 'b', 'a', 'd'};
    writeFrame(log, validSize, body);

    assertThat(FileLogReader.scan(log).validBytes()).isEqualTo(validSize);
    assertThat(FileLogReader.read(dir, ignoring())).isEqualTo(1);
  }

  private static void flipByte(Path file, long position) throws IOException {
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      channel.read(one, position);
      one.flip();
      byte b = one.get();
      channel.write(ByteBuffer.wrap(new byte[] {(byte) (b ^ 0x5a)}), position);
    }
  }

  private static FileLogReader.Visitor ignoring() {
    return new FileLogReader.Visitor() {
      @Override
      public void event(long offset, StoredEvent event) {}

      @Override
      public void record(long offset, StoredRecord record) {}
    };
  }
}
