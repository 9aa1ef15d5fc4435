package io.eventstreamcore.storage.file;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/** Naming and listing of a log's segment files ({@link LogRecordDescriptor}). */
final class Segments {
  private Segments() {}

  /** A segment file and the offset of its first record. */
  record Segment(long baseOffset, Path path) {}

  static Path path(Path directory, long baseOffset) {
    return directory.resolve(name(baseOffset));
  }

  static String name(long baseOffset) {
    String digits = Long.toString(baseOffset);
    return "0".repeat(LogRecordDescriptor.SEGMENT_NAME_DIGITS - digits.length())
        + digits
        + LogRecordDescriptor.SEGMENT_SUFFIX;
  }

  /** The base offset a file name stands for, or -1 when it does not name a segment. */
  static long baseOffset(String fileName) {
    int digits = LogRecordDescriptor.SEGMENT_NAME_DIGITS;
    if (fileName.length() != digits + LogRecordDescriptor.SEGMENT_SUFFIX.length()
        || !fileName.endsWith(LogRecordDescriptor.SEGMENT_SUFFIX)) {
      return -1;
    }
    for (int i = 0; i < digits; i++) {
      if (!Character.isDigit(fileName.charAt(i))) {
        return -1;
      }
    }
    try {
      return Long.parseLong(fileName.substring(0, digits));
    } catch (NumberFormatException e) {
      return -1; // beyond a long
    }
  }

  /** Makes the entries of {@code directory} (a new segment, say) durable. */
  static void forceDirectory(Path directory) throws IOException {
    try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
      dir.force(true);
    }
  }

  /** The segments of {@code directory}, oldest first; empty when it does not exist. */
  static List<Segment> list(Path directory) throws IOException {
    List<Segment> segments = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
      for (Path file : files) {
        long base = baseOffset(file.getFileName().toString());
        if (base >= 0) {
          segments.add(new Segment(base, file));
        }
      }
    } catch (NoSuchFileException e) {
      return segments;
    }
    segments.sort((a, b) -> Long.compare(a.baseOffset(), b.baseOffset()));
    return segments;
  }
}
