package io.eventstreamcore.deploy.cli;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.eventstreamcore.deploy.Main;
import io.eventstreamcore.engine.spi.EventQuery;
import io.eventstreamcore.engine.spi.StoredRecord;
import io.eventstreamcore.storage.file.FileSettings;
import io.eventstreamcore.storage.sql.SqlSettings;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.Option;

/**
 * Where the file log is and which of its records to show: shared by {@code inspect} and {@code
 * tail}.
 */
final class LogQueryOptions {
  /** Backends the commands can read. */
  enum Backend {
    FILE,
    SQL
  }

  @Option(
      names = "--backend",
      paramLabel = "BACKEND",
      description = "file (default): the file log; sql: the sql backend's tables (from --config).")
  Backend backend = Backend.FILE;

  @Option(
      names = {"-d", "--data-dir"},
      paramLabel = "DIR",
      description = "File log directory (default: eventstream.storage.file.directory of --config).")
  Path directory;

  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description =
          "Service configuration to take the file log directory or the SQL connection from.")
  File config;

  @Option(names = "--topic", paramLabel = "TOPIC", description = "Only this topic (exact).")
  String topic;

  @Option(
      names = "--since",
      paramLabel = "TIME",
      description =
          "Only events received at or after TIME: an instant (2026-11-27T10:00:00Z) "
              + "or a duration before now (15m, 2h).")
  String since;

  @Option(
      names = "--until",
      paramLabel = "TIME",
      description = "Only events received before TIME (same forms as --since).")
  String until;

  @Option(
      names = "--id",
      paramLabel = "EVENT_ID",
      converter = UnsignedIds.class,
      description = "Only the event with this id (1 to 2^64 - 1).")
  Long eventId;

  @Option(
      names = "--records",
      description =
          "Also show records: alerts, windows, dead letters and derived events (filtered by"
              + " --topic only).")
  boolean records;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      description = "yaml (default) or json (one object per line).")
  RecordPrinter.Format format = RecordPrinter.Format.YAML;

  /**
   * Opens the chosen backend for reading: with {@code follow}, to go on reading what the service
   * stores; without, what it had stored when opened.
   */
  LogSource open(boolean follow) throws IOException {
    try {
      if (backend == Backend.SQL) {
        return LogSource.sql(new SqlSettings(Main.load(config)), follow);
      }
      // Only the file block: a reader needs neither a writable directory nor the other backends'
      // settings (a SQL URL set only in the service's environment, say).
      Path dir =
          directory != null
              ? directory
              : FileSettings.read(Main.load(config).getConfig("eventstream.storage")).directory();
      if (!Files.isDirectory(dir)) {
        throw new NoSuchFileException(dir.toString(), null, "no file log directory");
      }
      return LogSource.file(dir, follow);
    } catch (ConfigException e) {
      throw new IllegalArgumentException("configuration error: " + e.getMessage(), e);
    }
  }

  /** The event filter; limit aside. */
  EventQuery query(Instant now) {
    EventQuery query = EventQuery.all();
    if (topic != null) {
      query = query.topic(topic);
    }
    if (eventId != null) {
      if (eventId == 0) {
        // 0 means "no id" to the protocol and to the query: it would match every event.
        throw new IllegalArgumentException(
            "--id must be 1 to 2^64 - 1: 0 stands for no id, and events stored without one cannot"
                + " be looked up by it");
      }
      query = query.eventId(eventId);
    }
    long from = since == null ? Long.MIN_VALUE : millis(since, now, "--since");
    long to = until == null ? Long.MAX_VALUE : millis(until, now, "--until");
    if (from > to) {
      throw new IllegalArgumentException("--since is after --until");
    }
    return query.between(from, to);
  }

  boolean matches(StoredRecord record) {
    return records && (topic == null || topic.equals(record.topic()));
  }

  private static long millis(String time, Instant now, String option) {
    try {
      return Instant.parse(time).toEpochMilli();
    } catch (DateTimeParseException notAnInstant) {
      try {
        return now.toEpochMilli()
            - ConfigFactory.parseString("d = \"" + time + "\"").getDuration("d").toMillis();
      } catch (ConfigException notADuration) {
        throw new IllegalArgumentException(
            option
                + " "
                + time
                + ": neither an instant (2026-11-27T10:00:00Z) nor a duration (15m)");
      }
    }
  }
}
