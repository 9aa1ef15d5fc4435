package io.eventstreamcore.storage.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.wire.BinaryWire;
import net.openhft.chronicle.wire.Wire;
import net.openhft.chronicle.wire.WireType;

/**
 * Renders the records of a file log as YAML, one document per record, through Chronicle Wire's YAML
 * wire: the binary bodies are self-describing, so no schema is needed.
 *
 * <pre>
 * --- # offset 0
 * kind: event
 * priority: HIGH
 * ...
 * </pre>
 *
 * <p>A command-line {@code dump} or {@code tail -f} passes its PrintWriter as the {@code out}.
 */
public final class FileLogDump {
  private FileLogDump() {}

  /**
   * Writes every valid record from {@code fromOffset} on to {@code out} as YAML documents.
   *
   * @return the offset after the last record written
   */
  public static long dump(Path directory, long fromOffset, Appendable out) throws IOException {
    try (FileLogTail tail = FileLogTail.open(directory, fromOffset)) {
      dump(tail, out, Integer.MAX_VALUE);
      return tail.nextOffset();
    }
  }

  /** Writes the next records of {@code tail} (at most {@code maxRecords}); how many it wrote. */
  public static int dump(FileLogTail tail, Appendable out, int maxRecords) throws IOException {
    Wire yaml = WireType.YAML_ONLY.apply(Bytes.allocateElasticOnHeap(512));
    try {
      return tail.poll(
          (offset, body) -> {
            yaml.clear();
            try {
              BinaryWire.binaryOnly(body).copyTo(yaml);
            } catch (RuntimeException e) {
              return false; // checksummed, yet not Wire: treated as corrupt, like the reader does
            }
            try {
              out.append("--- # offset ").append(Long.toString(offset)).append('\n');
              out.append(yaml.bytes().toString());
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
            return true;
          },
          maxRecords);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    } finally {
      yaml.bytes().releaseLast();
    }
  }
}
