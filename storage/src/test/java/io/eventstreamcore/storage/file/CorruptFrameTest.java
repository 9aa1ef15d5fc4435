package io.eventstreamcore.storage.file;

import static io.eventstreamcore.storage.TestEvents.event;
import static io.eventstreamcore.storage.TestEvents.payload;
import static org.assertj.core.api.Assertions.assertThat;

import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.spi.StoredEvent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A record changed on disk in the newest segment, across the restart that cuts the segment there:
 * the records after it are kept aside, however often it happens, and readers see what the restarted
 * service writes in its place.
 */
class CorruptFrameTest {
  private static final long NOW = 1_700_000_000_000L;

  @TempDir Path dir;

  private FileBackend open() throws IOException {
    return new FileBackend(
        "file",
        new FileSettings(
            dir,
            SyncPolicy.NEVER,
            Duration.ofMillis(5),
            FileSettings.MIN_SEGMENT_BYTES,
            0,
            Duration.ZERO,
            1024,
            true));
  }

  /** Appends events {@code from..to}, one commit each; returns the segment's size after each. */
  private List<Long> write(int from, int to) throws IOException {
    List<Long> sizes = new ArrayList<>();
    try (FileBackend backend = open()) {
      for (int id = from; id <= to; id++) {
        backend.append(event("t", Priority.HIGH, id, NOW + id, payload(100, id)).slot());
        backend.commit();
        sizes.add(Files.size(segment()));
      }
    }
    return sizes;
  }

  private Path segment() throws IOException {
    return Segments.list(dir).get(0).path();
  }

  private static void flipByte(Path file, long at) throws IOException {
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      channel.read(one, at);
      channel.write(ByteBuffer.wrap(new byte[] {(byte) (one.get(0) ^ 0xFF)}), at);
    }
  }

  private static List<Long> ids(Path directory) throws IOException {
    List<Long> ids = new ArrayList<>();
    FileLogReader.read(directory, idsInto(ids));
    return ids;
  }

  private static FileLogReader.Visitor idsInto(List<Long> ids) {
    return new FileLogReader.Visitor() {
      @Override
      public void event(long offset, StoredEvent event) {
        ids.add(event.eventId());
      }
    };
  }

  @Test
  void aFollowerStoppedAtACorruptRecordReadsWhatTheRestartWritesInItsPlace() throws IOException {
    List<Long> sizes = write(1, 5);
    flipByte(segment(), sizes.get(2) - 1); // the last byte of record 3's body
    List<Long> seen = new ArrayList<>();
    try (FileLogTail tail = FileLogTail.open(dir, 0)) {
      assertThat(tail.poll(idsInto(seen), 100)).isEqualTo(2);

      write(7, 12); // the restart cuts the segment at record 3 and writes from there

      tail.poll(idsInto(seen), 100);
    }
    assertThat(seen).containsExactly(1L, 2L, 7L, 8L, 9L, 10L, 11L, 12L);
  }

  @Test
  void aSecondCorruptionAtTheSameByteKeepsTheFirstCopyToo() throws IOException {
    List<Long> sizes = write(1, 5);
    Path segment = segment();
    flipByte(segment, sizes.get(2) - 1);
    write(6, 9); // 6 takes record 3's place, the same size
    flipByte(segment, sizes.get(2) - 1);
    try (FileBackend recovered = open()) {
      assertThat(recovered.readEvents()).extracting(StoredEvent::eventId).containsExactly(1L, 2L);
    }

    String name = "corrupt-" + segment.getFileName() + "-at-byte-" + sizes.get(1);
    assertThat(ids(dir.resolve(name))).containsExactly(4L, 5L);
    assertThat(ids(dir.resolve(name + "-2"))).containsExactly(7L, 8L, 9L);
  }

  @Test
  void aReadThatStopsBeforeTheCorruptRecordDoesNotReportIt() throws IOException {
    List<Long> sizes = write(1, 5);
    flipByte(segment(), sizes.get(3) - 1); // record 4

    List<Long> seen = new ArrayList<>();
    try (FileLogTail tail = FileLogTail.openAsOfNow(dir)) {
      assertThat(tail.poll(idsInto(seen), 2)).isEqualTo(2);
      assertThat(tail.unreadParts()).isNull();
      while (tail.poll(idsInto(seen), 2) > 0) {
        // to the end
      }
      assertThat(tail.unreadParts()).startsWith("a corrupt record at byte " + sizes.get(2) + " of");
    }
    assertThat(seen).containsExactly(1L, 2L, 3L);
  }
}
