package io.eventstreamcore.deploy.cli;

import io.eventstreamcore.storage.file.FileLogReader;
import io.eventstreamcore.storage.file.FileLogTail;
import io.eventstreamcore.storage.sql.SqlReader;
import io.eventstreamcore.storage.sql.SqlSettings;
import java.io.IOException;
import java.nio.file.Path;

/**
 * What {@code inspect} and {@code tail} read: a readable backend's stored items, delivered in order
 * from a cursor, read-only and beside the running service.
 */
interface LogSource extends AutoCloseable {
  /**
   * Rows per query of the SQL tables: a page is held in memory, payloads and all, and payloads may
   * be up to the ingest frame limit (1 MiB by default), so 64 MiB at most.
   */
  int SQL_PAGE_ROWS = 64;

  /**
   * Delivers up to {@code max} items stored after the last one delivered, oldest first; each gets
   * its position (file log offset, SQL row id).
   *
   * @return how many were delivered; 0 when there is nothing new yet
   */
  int poll(FileLogReader.Visitor visitor, int max) throws IOException;

  /** What the position of an item is called: {@code offset} in the file log, {@code row} in SQL. */
  String positionName();

  /**
   * Hands {@code visitor} the records (alerts, windows, dead letters, derived events) not delivered
   * by {@link #poll}, oldest first, one at a time, until it says stop.
   */
  void separateRecords(SqlReader.RecordVisitor visitor) throws IOException;

  /** What could not be read of what {@link #poll} went over (a corrupt record, say), or null. */
  default String unreadParts() {
    return null;
  }

  @Override
  void close() throws IOException;

  /**
   * The file log in {@code directory}; events and records come interleaved, in log order. With
   * {@code follow}, {@link #poll} goes on delivering what the service writes; without, it stops at
   * what the log held when opened.
   */
  static LogSource file(Path directory, boolean follow) throws IOException {
    FileLogTail tail = follow ? FileLogTail.open(directory, 0) : FileLogTail.openAsOfNow(directory);
    return new LogSource() {
      @Override
      public int poll(FileLogReader.Visitor visitor, int max) throws IOException {
        return tail.poll(visitor, max);
      }

      @Override
      public String positionName() {
        return "offset";
      }

      @Override
      public String unreadParts() {
        return tail.unreadParts();
      }

      @Override
      public void separateRecords(SqlReader.RecordVisitor visitor) {
        // the file log delivers its records through poll, in log order
      }

      @Override
      public void close() throws IOException {
        tail.close();
      }
    };
  }

  /**
   * The SQL backend's tables, read through a reader that leaves the writer alone; {@link #poll}
   * delivers events only, by row id: with {@code follow}, on as the service writes them; without,
   * up to the newest row when opened.
   */
  static LogSource sql(SqlSettings settings, boolean follow) throws IOException {
    SqlReader reader = SqlReader.open(settings);
    long lastRow;
    try {
      lastRow = follow ? Long.MAX_VALUE : reader.lastEventId();
    } catch (IOException e) {
      reader.close();
      throw e;
    }
    return new LogSource() {
      private long lastId;

      @Override
      public int poll(FileLogReader.Visitor visitor, int max) throws IOException {
        if (lastId >= lastRow) {
          return 0;
        }
        int delivered = 0;
        for (SqlReader.EventRow row :
            reader.readEventsAfter(lastId, Math.min(max, SQL_PAGE_ROWS))) {
          if (row.id() > lastRow) {
            lastId = lastRow;
            break;
          }
          visitor.event(row.id(), row.event());
          lastId = row.id();
          delivered++;
        }
        return delivered;
      }

      @Override
      public String positionName() {
        return "row";
      }

      @Override
      public void separateRecords(SqlReader.RecordVisitor visitor) throws IOException {
        reader.forEachRecord(visitor);
      }

      @Override
      public void close() {
        reader.close();
      }
    };
  }
}
