package io.eventstreamcore.storage.file;

import static io.eventstreamcore.storage.TestEvents.event;
import static io.eventstreamcore.storage.TestEvents.payload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.record.Record;
import io.eventstreamcore.engine.spi.EventQuery;
import io.eventstreamcore.engine.spi.StoredEvent;
import io.eventstreamcore.engine.spi.StoredRecord;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Segments, retention, sync policies, the tail and the YAML dump of the file log. */
class FileLogSegmentsTest {
  private static final long NOW = 1_700_000_000_000L;
  private static final long SEGMENT_BYTES = FileSettings.MIN_SEGMENT_BYTES;

  @TempDir Path dir;

  private FileSettings settings(SyncPolicy sync, long retentionBytes, Duration retentionAge) {
    return new FileSettings(
        dir, sync, Duration.ofMillis(5), SEGMENT_BYTES, retentionBytes, retentionAge, 1024, true);
  }

  private FileBackend open() throws IOException {
    return new FileBackend("file", settings(SyncPolicy.NEVER, 0, Duration.ZERO));
  }

  /** Appends events {@code from..to} (ids), 100-byte payloads, committing every 10. */
  private static void write(FileBackend backend, int from, int to) throws IOException {
    for (int i = from; i <= to; i++) {
      backend.append(event("t" + (i % 3), Priority.HIGH, i, NOW + i, payload(100, i)).slot());
      if (i % 10 == 0) {
        backend.commit();
      }
    }
    backend.commit();
  }

  /** Every record's offset and event id (records: -1), read from the directory. */
  private List<long[]> offsetsAndIds() throws IOException {
    List<long[]> read = new ArrayList<>();
    FileLogReader.read(
        dir,
        new FileLogReader.Visitor() {
          @Override
          public void event(long offset, StoredEvent event) {
            read.add(new long[] {offset, event.eventId()});
          }

          @Override
          public void record(long offset, StoredRecord record) {
            read.add(new long[] {offset, -1});
          }
        });
    return read;
  }

  /** The ids and received times {@code backend} replays since {@code sinceMillis}. */
  private static List<long[]> replay(FileBackend backend, long sinceMillis) throws IOException {
    List<long[]> replayed = new ArrayList<>();
    backend.replayEventIds(sinceMillis, (id, received) -> replayed.add(new long[] {id, received}));
    return replayed;
  }

  @Test
  void replayHandsOverTheIdsReceivedSinceAGivenTimeInOrderWithoutRecordsOrIdZero()
      throws IOException {
    try (FileBackend backend = open()) {
      write(backend, 1, 100);
      backend.append(new Record().alert("t1", "r", "HIGH", NOW, 5, 1.0));
      // A derived event never went through dedup: its source id is not replayed.
      backend.append(
          new Record()
              .derived("n", "t1", 999, NOW + 150, Priority.LOW)
              .payload(payload(3, 1), 0, 3));
      backend.append(event("t1", Priority.LOW, 0, NOW + 150, payload(10, 0)).slot());
      write(backend, 101, 200);
      assertThat(Segments.list(dir)).hasSizeGreaterThan(3);

      List<long[]> replayed = replay(backend, NOW + 150);

      assertThat(replayed).hasSize(51);
      for (int i = 0; i < replayed.size(); i++) {
        assertThat(replayed.get(i)).containsExactly(150 + i, NOW + 150 + i);
      }
      assertThat(replay(backend, NOW + 201)).isEmpty();
    }
  }

  @Test
  void replayOfTheNewestIdsStartsAtTheNewestSegmentsHoldingThemCountingIdsNotRecords()
      throws IOException {
    try (FileBackend backend = open()) {
      write(backend, 1, 200);
      // Records that take offsets but hold no id: alerts and id-less events, 60 of them.
      for (int i = 0; i < 30; i++) {
        backend.append(new Record().alert("t1", "r", "HIGH", NOW + 300, 5, 1.0));
        backend.append(event("t1", Priority.LOW, 0, NOW + 300, payload(100, i)).slot());
      }
      backend.commit();
      assertThat(Segments.list(dir)).hasSizeGreaterThan(8);

      List<Long> ids = new ArrayList<>();
      backend.replayEventIds(NOW, 50, (id, received) -> ids.add(id));

      // At least the newest 50, in order to the last, from the start of a segment: not all 200.
      assertThat(ids).hasSizeLessThan(100).last().isEqualTo(200L);
      long from = ids.get(0);
      assertThat(from).isLessThanOrEqualTo(151);
      assertThat(ids).isEqualTo(LongStream.rangeClosed(from, 200).boxed().toList());
      assertThat(Segments.list(dir)).extracting(s -> s.baseOffset() + 1).contains(from);
      // Without a bound, every id of the window.
      assertThat(replay(backend, NOW)).hasSize(200);
    }
  }

  @Test
  void replaySkipsSegmentsLastModifiedBeforeTheTimeWithoutReadingThem() throws IOException {
    try (FileBackend backend = open()) {
      write(backend, 1, 200);
      List<Segments.Segment> segments = Segments.list(dir);
      assertThat(segments).hasSizeGreaterThan(3);
      // The first two segments say they were last written an hour before NOW, although the
      // events in them say later: only the file time decides, so they are skipped.
      for (Segments.Segment old : segments.subList(0, 2)) {
        Files.setLastModifiedTime(old.path(), FileTime.fromMillis(NOW - 3_600_000));
      }
      // The third one, a second before: within the margin for coarse file times, so it is read.
      Files.setLastModifiedTime(segments.get(2).path(), FileTime.fromMillis(NOW - 1_000));

      List<long[]> replayed = replay(backend, NOW);

      long firstRead = segments.get(2).baseOffset() + 1; // offset n holds event id n + 1
      assertThat(replayed.get(0)[0]).isEqualTo(firstRead);
      assertThat(replayed).hasSize((int) (200 - firstRead + 1));
    }
  }

  @Test
  void theLogRollsIntoSegmentsNamedByTheirFirstOffset() throws IOException {
    try (FileBackend backend = open()) {
      write(backend, 1, 200);
      assertThat(backend.committedOffset()).isEqualTo(200);
    }

    List<Segments.Segment> segments = Segments.list(dir);
    assertThat(segments).hasSizeGreaterThan(3);
    assertThat(segments.get(0).path().getFileName().toString())
        .isEqualTo("00000000000000000000.log");
    long expectedBase = 0;
    for (Segments.Segment s : segments) {
      assertThat(s.baseOffset()).isEqualTo(expectedBase);
      FileLogReader.SegmentScan scan = FileLogReader.scan(s.path());
      assertThat(scan.validBytes()).isEqualTo(scan.sizeBytes());
      // A segment rolls at the first record that finds it at or past the bound: one record over.
      assertThat(scan.sizeBytes()).isLessThan(SEGMENT_BYTES + 400);
      expectedBase += scan.records();
    }
    assertThat(expectedBase).isEqualTo(200);
    List<long[]> read = offsetsAndIds();
    assertThat(read).hasSize(200);
    for (int i = 0; i < 200; i++) {
      assertThat(read.get(i)).containsExactly(i, i + 1);
    }
  }

  @Test
  void offsetsGoOnAfterAReopenAndRecoveryOnlyCutsTheLastSegment() throws IOException {
    try (FileBackend backend = open()) {
      write(backend, 1, 100);
    }
    List<Segments.Segment> before = Segments.list(dir);
    Path last = before.get(before.size() - 1).path();
    long lastSize = Files.size(last);
    try (FileChannel channel = FileChannel.open(last, StandardOpenOption.WRITE)) {
      channel.truncate(lastSize - 10); // the final record torn
    }

    try (FileBackend backend = open()) {
      assertThat(backend.committedOffset()).isEqualTo(99);
      assertThat(backend.truncatedBytesAtOpen()).isPositive();
      write(backend, 101, 150);
      assertThat(backend.committedOffset()).isEqualTo(149);
    }

    List<long[]> read = offsetsAndIds();
    assertThat(read).hasSize(149);
    for (int i = 0; i < 149; i++) {
      long id = i < 99 ? i + 1 : i + 2; // event 100 was torn away
      assertThat(read.get(i)).containsExactly(i, id);
    }
    for (Segments.Segment s : before.subList(0, before.size() - 1)) {
      assertThat(Files.size(s.path())).isEqualTo(FileLogReader.scan(s.path()).validBytes());
    }
  }

  @Test
  void sizeRetentionDeletesWholeOldestSegmentsAndNeverTheActiveOne() throws IOException {
    long retention = 3 * SEGMENT_BYTES;
    try (FileBackend backend =
        new FileBackend("file", settings(SyncPolicy.NEVER, retention, Duration.ZERO))) {
      write(backend, 1, 400);

      List<Path> segments = backend.segments();
      long total = 0;
      for (Path p : segments) {
        total += Files.size(p);
      }
      assertThat(total).isLessThanOrEqualTo(retention);
      assertThat(segments.get(segments.size() - 1))
          .isEqualTo(Segments.path(dir, Segments.list(dir).get(segments.size() - 1).baseOffset()));
      // What is left is a contiguous run of offsets ending at the last record.
      List<StoredEvent> events = backend.readEvents();
      long first = Segments.list(dir).get(0).baseOffset();
      assertThat(first).isPositive();
      assertThat(events).extracting(StoredEvent::eventId).startsWith(first + 1).endsWith(400L);
      assertThat(events).hasSize((int) (400 - first));
    }
  }

  @Test
  void sizeRetentionKeepsWhatABatchRolledUntilItIsCommitted() throws IOException {
    try (FileBackend backend =
        new FileBackend("file", settings(SyncPolicy.NEVER, SEGMENT_BYTES, Duration.ZERO))) {
      // One batch over several segments, the bound one segment: every roll would delete the
      // segments before it, which hold the batch, and the commit (the ACK) would come after.
      for (int i = 1; i <= 100; i++) {
        backend.append(event("t", Priority.HIGH, i, NOW + i, payload(100, i)).slot());
      }
      backend.commit();

      assertThat(backend.readEvents())
          .extracting(StoredEvent::eventId)
          .containsExactlyElementsOf(LongStream.rangeClosed(1, 100).boxed().toList());
      assertThat(Segments.list(dir)).as("the batch rolled the log").hasSizeGreaterThan(3);
    }
  }

  @Test
  void sizeRetentionDueAtTheCommitKeepsTheBatchItCommitsUntilItsAck() throws IOException {
    long[] nanos = {0};
    try (FileBackend backend =
        new FileBackend(
            "file",
            settings(SyncPolicy.NEVER, SEGMENT_BYTES, Duration.ZERO),
            channel -> channel.force(false),
            () -> nanos[0])) {
      for (int i = 1; i <= 100; i++) {
        backend.append(event("t", Priority.HIGH, i, NOW + i, payload(100, i)).slot());
      }
      nanos[0] += TimeUnit.SECONDS.toNanos(2); // retention's periodic check is due at the commit
      backend.commit();

      // The commit returns, then the batch is acknowledged: it must still be there.
      assertThat(backend.readEvents()).hasSize(100);

      backend.append(event("t", Priority.HIGH, 101, NOW + 101, payload(100, 101)).slot());
      nanos[0] += TimeUnit.SECONDS.toNanos(2);
      backend.commit();
      // Acknowledged since: now retention's to take, down to its bound.
      assertThat(backend.readEvents()).hasSizeLessThan(100);
    }
  }

  @Test
  void aFullDiskAgesOldSegmentsOutSoThatTheRetriedWriteGoesThrough() throws Exception {
    Path mount = Files.createDirectories(dir.resolve("tmpfs"));
    Assumptions.assumeTrue(
        run("mount", "-t", "tmpfs", "-o", "size=128k", "tmpfs", mount.toString()),
        "cannot mount a tmpfs here (needs root and mount permission): disk-full test skipped");
    try {
      FileSettings full =
          new FileSettings(
              mount.resolve("data"),
              SyncPolicy.NEVER,
              Duration.ofMillis(5),
              SEGMENT_BYTES,
              0,
              Duration.ofHours(1),
              1024,
              true);
      try (FileBackend backend = new FileBackend("file", full)) {
        // Writes as the storage stage does (commit every 10 events), until the disk is full.
        int[] id = {0};
        Callable<Boolean> failed = null;
        while (failed == null) {
          Callable<Boolean> next =
              ++id[0] % 10 == 0
                  ? () -> {
                    backend.commit();
                    return true;
                  }
                  : appending(backend, id[0]);
          try {
            next.call();
          } catch (IOException e) {
            failed = next;
          }
        }
        List<Segments.Segment> segments = Segments.list(mount.resolve("data"));
        assertThat(segments).hasSizeGreaterThan(3);
        FileTime twoDaysAgo = FileTime.from(Instant.now().minus(Duration.ofDays(2)));
        for (Segments.Segment s : segments.subList(0, segments.size() - 1)) {
          Files.setLastModifiedTime(s.path(), twoDaysAgo);
        }

        // Retried as the storage stage would, nothing freed by hand: retention must free it.
        Callable<Boolean> retry = failed;
        await().pollInSameThread().atMost(Duration.ofSeconds(10)).until(() -> succeeds(retry));
        for (int i = id[0] + 1; i <= id[0] + 20; i++) {
          appending(backend, i).call();
        }
        backend.commit();
        assertThat(backend.readEvents())
            .extracting(StoredEvent::eventId)
            .endsWith((long) id[0] + 20);
      }
    } finally {
      run("umount", mount.toString());
    }
  }

  private static Callable<Boolean> appending(FileBackend backend, int id) {
    return () -> {
      backend.append(event("t", Priority.HIGH, id, NOW + id, payload(100, id)).slot());
      return true;
    };
  }

  private static boolean succeeds(Callable<Boolean> write) throws Exception {
    try {
      return write.call();
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
  }

  @Test
  void ageRetentionDeletesSegmentsLastWrittenTooLongAgo() throws IOException {
    try (FileBackend backend = open()) {
      write(backend, 1, 100);
    }
    List<Segments.Segment> old = Segments.list(dir);
    assertThat(old).hasSizeGreaterThan(2);
    FileTime twoDaysAgo = FileTime.from(Instant.now().minus(Duration.ofDays(2)));
    for (Segments.Segment s : old) {
      Files.setLastModifiedTime(s.path(), twoDaysAgo);
    }

    // At open the old closed segments go; the active one stays, however old.
    try (FileBackend backend =
        new FileBackend("file", settings(SyncPolicy.NEVER, 0, Duration.ofHours(1)))) {
      assertThat(Segments.list(dir)).containsExactly(old.get(old.size() - 1));
      write(backend, 101, 300);
      // Written now: a roll keeps them.
      assertThat(Segments.list(dir).get(0)).isEqualTo(old.get(old.size() - 1));
      assertThat(Segments.list(dir)).hasSizeGreaterThan(2);
    }
  }

  @Test
  void syncAlwaysForcesOncePerCommitWhateverTheBatch() throws IOException {
    try (FileBackend backend =
        new FileBackend("file", settings(SyncPolicy.ALWAYS, 0, Duration.ZERO))) {
      for (int batch = 0; batch < 3; batch++) { // stays in one segment: a roll forces too
        for (int i = 0; i < 7; i++) {
          backend.append(event("t", Priority.LOW, batch * 7 + i + 1, NOW, payload(10, i)).slot());
        }
        backend.commit();
      }
      assertThat(backend.fsyncs()).isEqualTo(3);
    }
  }

  @Test
  void syncIntervalForcesInTheBackgroundWithoutACommitWaiting() throws IOException {
    try (FileBackend backend =
        new FileBackend("file", settings(SyncPolicy.INTERVAL, 0, Duration.ZERO))) {
      backend.append(event("t", Priority.LOW, 1, NOW, payload(10, 1)).slot());
      backend.commit();
      await().atMost(Duration.ofSeconds(10)).until(() -> backend.fsyncs() >= 1);
    }
  }

  @Test
  void syncNeverLeavesForcingToTheOperatingSystem() throws IOException {
    try (FileBackend backend = open()) {
      write(backend, 1, 100); // rolls too
      assertThat(backend.fsyncs()).isZero();
    }
  }

  @Test
  void aTailFollowsCommittedRecordsAcrossSegments() throws IOException {
    try (FileBackend backend = open();
        FileLogTail tail = backend.tail(0)) {
      List<Long> seen = new ArrayList<>();
      FileLogReader.Visitor collect =
          new FileLogReader.Visitor() {
            @Override
            public void event(long offset, StoredEvent event) {
              assertThat(offset).isEqualTo(seen.size());
              seen.add(event.eventId());
            }

            @Override
            public void record(long offset, StoredRecord record) {
              assertThat(offset).isEqualTo(seen.size());
              seen.add(-record.count());
            }
          };
      assertThat(tail.poll(collect, 100)).isZero();

      write(backend, 1, 60);
      assertThat(tail.poll(collect, 1000)).isEqualTo(60);

      // Appended, written out by rolls and full buffers, yet not committed: not seen.
      for (int i = 61; i <= 120; i++) {
        backend.append(event("t", Priority.LOW, i, NOW, payload(100, i)).slot());
      }
      backend.append(new Record().window("w", NOW, NOW + 5, 7, 70, 61, 120));
      assertThat(tail.poll(collect, 1000)).isZero();
      backend.commit();
      assertThat(tail.poll(collect, 25)).isEqualTo(25);
      assertThat(tail.poll(collect, 1000)).isEqualTo(36);
      assertThat(tail.nextOffset()).isEqualTo(121);
      assertThat(seen).hasSize(121).endsWith(119L, 120L, -7L);
      assertThat(tail.skippedTails()).isZero();
    }
  }

  @Test
  void aTailOnTheDirectoryStartsAtAnyOffset() throws IOException {
    try (FileBackend backend = open()) {
      write(backend, 1, 150);
    }
    List<Segments.Segment> segments = Segments.list(dir);
    long from = segments.get(2).baseOffset() + 3; // inside the third segment
    List<Long> ids = new ArrayList<>();
    try (FileLogTail tail = FileLogTail.open(dir, from)) {
      tail.follow(
          new FileLogReader.Visitor() {
            @Override
            public void event(long offset, StoredEvent event) {
              ids.add(event.eventId());
            }
          },
          () -> ids.size() < 150 - from,
          1);
    }
    assertThat(ids.get(0)).isEqualTo(from + 1);
    assertThat(ids).hasSize((int) (150 - from)).endsWith(150L);
  }

  @Test
  void aTailThatFindsTheNextSegmentReadsTheLastRecordsWrittenToItsOwnFirst() throws IOException {
    try (FileBackend backend = open()) {
      // Fill the first segment to one record short of rolling: the next record still goes into it
      // (crossing segment-bytes), the one after rolls.
      write(backend, 1, 1);
      Path first = Segments.list(dir).get(0).path();
      long recordBytes = Files.size(first);
      int written = 1;
      while (Files.size(first) + recordBytes < SEGMENT_BYTES) {
        written++;
        write(backend, written, written);
      }
      int last = written + 2;
      int[] listings = {0};
      List<Long> ids = new ArrayList<>();
      // The writer's two records land between the tail's read that finds the first segment's end
      // and its listing of the segments, the second listing: the race of a following tail.
      try (FileLogTail tail =
          FileLogTail.open(
              dir,
              0,
              directory -> {
                if (++listings[0] == 2) {
                  write(backend, last - 1, last);
                }
                return Segments.list(directory);
              })) {
        tail.follow(
            new FileLogReader.Visitor() {
              @Override
              public void event(long offset, StoredEvent event) {
                ids.add(event.eventId());
              }
            },
            () -> ids.size() < last && listings[0] < 100,
            1);
      }
      assertThat(Segments.list(dir)).hasSize(2);
      assertThat(ids).containsExactlyElementsOf(LongStream.rangeClosed(1, last).boxed().toList());
    }
  }

  @ParameterizedTest(name = "torn after {0} bytes")
  @ValueSource(ints = {5, 300}) // inside the header; inside the body
  void aTailWaitingOnATornFrameReadsWhatARestartedWriterPutInItsPlace(int tornBytes)
      throws IOException {
    try (FileBackend backend = open()) {
      write(backend, 1, 5);
    }
    Path segment = Segments.list(dir).get(0).path();
    long validBytes = Files.size(segment);
    // The writer is killed while writing event 6, larger than those written after the restart,
    // so that its header does not read as theirs.
    try (FileBackend backend = open()) {
      backend.append(event("t", Priority.HIGH, 6, NOW, payload(600, 6)).slot());
      backend.commit();
    }
    try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      channel.truncate(validBytes + tornBytes);
    }

    List<Long> ids = new ArrayList<>();
    FileLogReader.Visitor collect =
        new FileLogReader.Visitor() {
          @Override
          public void event(long offset, StoredEvent event) {
            ids.add(event.eventId());
          }
        };
    try (FileLogTail tail = FileLogTail.open(dir, 0)) {
      assertThat(tail.poll(collect, 100)).isEqualTo(5);
      assertThat(tail.poll(collect, 100)).isZero(); // the torn frame: it waits for the rest

      // The restart cuts the torn frame off and writes new frames from where it began.
      try (FileBackend restarted = open()) {
        assertThat(restarted.truncatedBytesAtOpen()).isEqualTo(tornBytes);
        write(restarted, 7, 12);
      }
      assertThat(Segments.list(dir)).hasSize(1);
      assertThat(tail.poll(collect, 100)).isEqualTo(6);
      assertThat(tail.skippedTails()).isZero();
    }
    assertThat(ids).containsExactly(1L, 2L, 3L, 4L, 5L, 7L, 8L, 9L, 10L, 11L, 12L);
  }

  @Test
  void aCorruptFrameInAnOlderSegmentIsSkippedToTheNextSegment() throws IOException {
    try (FileBackend backend = open()) {
      write(backend, 1, 100);
    }
    List<Segments.Segment> segments = Segments.list(dir);
    Path first = segments.get(0).path();
    long second = segments.get(1).baseOffset();
    // Flip a byte in the middle of the first segment (recovery only checks the last one).
    long at = Files.size(first) / 2;
    byte[] bytes = Files.readAllBytes(first);
    bytes[(int) at] ^= 0x5a;
    Files.write(first, bytes);

    List<Long> offsets = new ArrayList<>();
    try (FileLogTail tail = FileLogTail.open(dir, 0)) {
      tail.poll(
          new FileLogReader.Visitor() {
            @Override
            public void event(long offset, StoredEvent event) {
              assertThat(event.eventId()).isEqualTo(offset + 1);
              offsets.add(offset);
            }
          },
          Integer.MAX_VALUE);
      assertThat(tail.skippedTails()).isEqualTo(1);
      assertThat(tail.nextOffset()).isEqualTo(100);
    }
    int kept = offsets.indexOf(second);
    assertThat(kept).isPositive().isLessThan((int) second);
    assertThat(offsets.subList(0, kept)).last().isEqualTo((long) kept - 1);
    assertThat(offsets.subList(kept, offsets.size())).hasSize((int) (100 - second));
  }

  @Test
  void queriesReadAcrossSegments() throws IOException {
    try (FileBackend backend = open()) {
      write(backend, 1, 120);
      assertThat(backend.readEvents(EventQuery.all().topic("t1")))
          .extracting(StoredEvent::eventId)
          .hasSize(40)
          .startsWith(1L, 4L)
          .endsWith(115L, 118L);
      assertThat(backend.readEvents(EventQuery.all().eventId(99)))
          .singleElement()
          .extracting(StoredEvent::receivedMillis)
          .isEqualTo(NOW + 99);
      assertThat(backend.readEvents(EventQuery.all().limit(5)))
          .extracting(StoredEvent::eventId)
          .containsExactly(1L, 2L, 3L, 4L, 5L);
    }
  }

  @Test
  void theDumpRendersEachRecordAsYaml() throws IOException {
    byte[] body = payload(5, 1);
    try (FileBackend backend = open()) {
      backend.append(event("orders/eu", Priority.CRITICAL, 42, NOW, body).slot());
      backend.append(new Record().alert("large-payload", "WARNING", "orders/eu", NOW, 42, 2.5));
      backend.append(new Record().window("metrics", NOW, NOW + 5_000, 12, 3456, 7, 99));
      backend.append(
          new Record().derived("celsius", "orders/eu", 42, NOW, Priority.HIGH).payload(body, 0, 5));
      backend.commit();
    }

    StringBuilder yaml = new StringBuilder();
    assertThat(FileLogDump.dump(dir, 0, yaml)).isEqualTo(4);

    String text = yaml.toString();
    assertThat(text)
        .contains("--- # offset 0\nkind: event\npriority: CRITICAL\nframePriority: BATCH\n")
        .contains("eventId: 42\nclientTimeMicros: 126\nreceivedMillis: " + NOW + "\n")
        .contains("topic: orders/eu\npayload: !!binary " + Base64.getEncoder().encodeToString(body))
        .contains("--- # offset 1\nkind: alert\ntimeMillis: " + NOW + "\neventId: 42\nvalue: 2.5\n")
        .contains("rule: large-payload\nseverity: WARNING\n")
        .contains("--- # offset 2\nkind: window\nstartMillis: " + NOW + "\n")
        .contains("count: 12\npayloadBytes: 3456\nminEventId: 7\nmaxEventId: 99\ntopic: metrics")
        .contains(
            "--- # offset 3\nkind: derived\nname: celsius\npriority: HIGH\neventId: 42\n"
                + "timeMillis: "
                + NOW
                + "\ntopic: orders/eu\npayload: !!binary "
                + Base64.getEncoder().encodeToString(body));

    StringBuilder fromTwo = new StringBuilder();
    assertThat(FileLogDump.dump(dir, 2, fromTwo)).isEqualTo(4);
    assertThat(fromTwo.toString())
        .startsWith("--- # offset 2\nkind: window")
        .doesNotContain("kind: event");
  }
}
