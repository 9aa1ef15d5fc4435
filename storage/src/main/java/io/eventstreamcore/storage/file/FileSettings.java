package io.eventstreamcore.storage.file;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.eventstreamcore.engine.config.DurationText;
import io.eventstreamcore.engine.config.EngineSettings;
import io.eventstreamcore.engine.event.EventLimits;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Settings of the file backend, from {@code eventstream.storage.file}; checked when made, naming
 * the key and value of anything wrong.
 *
 * @param directory where the segments live; created if missing
 * @param sync when writes are forced to the disk
 * @param syncInterval for {@link SyncPolicy#INTERVAL}: the longest time between fsyncs
 * @param segmentBytes the active segment is rolled once it reaches this size
 * @param retentionBytes oldest segments are deleted while the log is larger; 0: no bound
 * @param retentionAge segments last written longer ago are deleted; zero: no bound
 * @param bufferBytes encoded records are written out once this many are pending, and at commit
 * @param durable whether acknowledgements wait for this backend's commits
 */
public record FileSettings(
    Path directory,
    SyncPolicy sync,
    Duration syncInterval,
    long segmentBytes,
    long retentionBytes,
    Duration retentionAge,
    int bufferBytes,
    boolean durable) {
  /**
   * Room a record's body takes besides its topic and payload, with plenty to spare: field names,
   * numbers, a dead letter's reason, a derived event's name (as long as a topic may be).
   */
  static final int RECORD_OVERHEAD_BYTES = 1 << 20;

  /**
   * What the file log holds of one event: a record body is at most {@link
   * LogRecordDescriptor#MAX_BODY_BYTES} (what recovery reads as a record), so payloads near the
   * protocol's 1 GiB frame bound do not fit.
   */
  public static final EventLimits EVENT_LIMITS =
      new EventLimits(
          EventLimits.PROTOCOL.maxTopicBytes(),
          true,
          LogRecordDescriptor.MAX_BODY_BYTES
              - EventLimits.PROTOCOL.maxTopicBytes()
              - RECORD_OVERHEAD_BYTES);

  private static final String PREFIX = "eventstream.storage.file.";

  /** Smallest segment: below it, a record per file. */
  public static final long MIN_SEGMENT_BYTES = 4096;

  /** Checks every value. */
  public FileSettings {
    if (syncInterval.isNegative() || syncInterval.isZero()) {
      throw EngineSettings.bad(PREFIX + "sync-interval", syncInterval, "must be positive");
    }
    if (segmentBytes < MIN_SEGMENT_BYTES) {
      throw EngineSettings.bad(
          PREFIX + "segment-bytes", segmentBytes, "must be at least " + MIN_SEGMENT_BYTES);
    }
    if (retentionBytes < 0) {
      throw EngineSettings.bad(
          PREFIX + "retention-bytes", retentionBytes, "must be 0 (off) or more");
    }
    if (retentionBytes > 0 && retentionBytes < segmentBytes) {
      throw EngineSettings.bad(
          PREFIX + "retention-bytes",
          retentionBytes,
          "must be 0 (off) or at least segment-bytes (" + segmentBytes + ")");
    }
    if (retentionAge.isNegative()) {
      throw EngineSettings.bad(PREFIX + "retention-age", retentionAge, "must be 0 (off) or more");
    }
    if (bufferBytes <= 0) {
      throw EngineSettings.bad(PREFIX + "buffer-bytes", bufferBytes, "must be positive");
    }
  }

  /** Reads {@code eventstream.storage.file} from the storage block. */
  public static FileSettings read(Config storage) {
    Config c = storage.getConfig("file");
    String sync = c.getString("sync");
    SyncPolicy policy;
    try {
      policy = SyncPolicy.valueOf(sync.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw EngineSettings.bad(PREFIX + "sync", sync, "must be always, interval or never");
    }
    long buffer = bytes(c, "buffer-bytes");
    if (buffer > 1 << 30) {
      throw EngineSettings.bad(PREFIX + "buffer-bytes", buffer, "must be at most 1GiB");
    }
    String directory = c.getString("directory");
    Path path;
    try {
      path = Path.of(directory);
    } catch (InvalidPathException e) {
      throw EngineSettings.bad(PREFIX + "directory", directory, "is not a path: " + e.getReason());
    }
    return new FileSettings(
        path,
        policy,
        c.getDuration("sync-interval"),
        bytes(c, "segment-bytes"),
        bytes(c, "retention-bytes"),
        c.getDuration("retention-age"),
        (int) buffer,
        c.getBoolean("durable"));
  }

  private static long bytes(Config c, String key) {
    try {
      return c.getBytes(key);
    } catch (ConfigException.BadValue e) {
      // Typesafe Config names the key relative to the block; name it in full, with the value.
      throw EngineSettings.bad(
          PREFIX + key, c.getValue(key).unwrapped(), "is not a size in bytes of 0 or more");
    }
  }

  /**
   * Checks that the directory is one this process can write in, or can create: the file backend
   * opens nothing else. Called when the backend is configured, so a memory-only service does not
   * need it.
   */
  public void checkDirectory() {
    Path absolute = directory.toAbsolutePath();
    Path existing = absolute;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null || !Files.isDirectory(existing)) {
      throw bad("is not a directory" + (existing == null ? "" : ": " + existing));
    }
    if (!Files.isWritable(existing)) {
      throw bad(
          existing.equals(absolute)
              ? "is not writable"
              : "cannot be created: " + existing + " is not writable");
    }
  }

  private ConfigException bad(String why) {
    return EngineSettings.bad(PREFIX + "directory", directory, why);
  }

  /** True when segments are deleted by size or by age. */
  public boolean retains() {
    return retentionBytes > 0 || !retentionAge.isZero();
  }

  @Override
  public String toString() {
    return "file.directory="
        + directory
        + " file.sync="
        + sync.name().toLowerCase(Locale.ROOT)
        + (sync == SyncPolicy.INTERVAL
            ? " file.sync-interval=" + syncInterval.toMillis() + "ms"
            : "")
        + " file.segment-bytes="
        + segmentBytes
        + " file.retention-bytes="
        + retentionBytes
        + " file.retention-age="
        + DurationText.of(retentionAge);
  }
}
