package io.eventstreamcore.deploy.cli;

import io.eventstreamcore.storage.file.FileLogReader;
import io.eventstreamcore.storage.file.FileLogTail;
import io.eventstreamcore.storage.sql.SqlReader;
import io.eventstreamcore.storage.sql.SqlSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

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

  @Override
  void close() throws IOException;

  /** The file log in {@code directory}; events and records come interleaved, in log order. */
  static LogSource file(Path directory) {
    FileLogTail tail = FileLogTail.open(directory, 0);
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
   * delivers events only, by row id.
   */
  static LogSource sql(SqlSettings settings) throws IOException {
    SqlReader reader = SqlReader.open(settings);
    return new LogSource() {
      private long lastId;

      @Override
      public int poll(FileLogReader.Visitor visitor, int max) throws IOException {
        List<SqlReader.EventRow> rows =
            reader.readEventsAfter(lastId, Math.min(max, SQL_PAGE_ROWS));
        for (SqlReader.EventRow row : rows) {
          visitor.event(row.id(), row.event());
          lastId = row.id();
        }
        return rows.size();
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
