package io.eventstreamcore.deploy.cli;

import io.eventstreamcore.engine.spi.EventQuery;
import io.eventstreamcore.engine.spi.StoredEvent;
import io.eventstreamcore.engine.spi.StoredRecord;
import io.eventstreamcore.storage.file.FileLogReader;

/**
 * Passes on the items that match the command's filters: events matching the query (at most its
 * limit of them) and, when asked for, records of the topic.
 */
final class MatchingItems implements FileLogReader.Visitor {
  private final EventQuery query;
  private final LogQueryOptions options;
  private final FileLogReader.Visitor target;
  private long events;

  MatchingItems(EventQuery query, LogQueryOptions options, FileLogReader.Visitor target) {
    this.query = query;
    this.options = options;
    this.target = target;
  }

  @Override
  public void event(long position, StoredEvent event) {
    if (events < query.limit() && query.matches(event)) {
      events++;
      target.event(position, event);
    }
  }

  @Override
  public void record(long position, StoredRecord record) {
    if (options.matches(record)) {
      target.record(position, record);
    }
  }

  /** Events passed on so far. */
  long events() {
    return events;
  }
}
