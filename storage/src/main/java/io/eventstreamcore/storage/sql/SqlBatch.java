package io.eventstreamcore.storage.sql;

import io.eventstreamcore.engine.event.EventView;
import io.eventstreamcore.engine.record.RecordKind;
import io.eventstreamcore.engine.record.RecordView;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Arrays;

/**
 * Rows appended since the last successful commit, copied into columns allocated once: event fields
 * in arrays, payloads packed into one byte arena, records in columns of their own. Strings are kept
 * by reference (topics are interned by the engine, record strings are immutable), so appending
 * allocates nothing. The rows stay here until a commit succeeds; a failed one binds them again.
 *
 * <p>Writer thread only.
 */
final class SqlBatch {
  private final int maxRows;
  private final int maxBytes;
  private byte[] arena;
  private int arenaUsed;
  private int rows;

  private int events;
  private final String[] topics;
  private final String[] priorities;
  private final String[] routes;
  private final long[] eventIds;
  private final long[] clientTimes;
  private final long[] received;
  private final int[] payloadStarts;
  private final int[] payloadLengths;

  private int alerts;
  private final long[] alertIds;
  private final String[] alertTopics;
  private final String[] alertRules;
  private final String[] alertSeverities;
  private final long[] alertTimes;
  private final long[] alertEventIds;
  private final double[] alertValues;

  private int windows;
  private final long[] windowIds;
  private final String[] windowTopics;
  private final long[] windowStarts;
  private final long[] windowEnds;
  private final long[] windowCounts;
  private final long[] windowBytes;
  private final long[] windowMinIds;
  private final long[] windowMaxIds;
  private final long[] windowMinSizes;
  private final long[] windowMaxSizes;
  private final long[] windowFirsts;
  private final long[] windowLasts;
  private final String[] windowAggregates;
  private final double[] windowAggregateValues;

  private int deadLetters;
  private final long[] deadIds;
  private final String[] deadReasons;
  private final String[] deadTopics;
  private final String[] deadPriorities;
  private final long[] deadEventIds;
  private final long[] deadClientTimes;
  private final long[] deadReceived;
  private final int[] deadPayloadStarts;
  private final int[] deadPayloadLengths;

  private int derived;
  private final long[] derivedIds;
  private final String[] derivedNames;
  private final String[] derivedTopics;
  private final String[] derivedPriorities;
  private final long[] derivedEventIds;
  private final long[] derivedTimes;
  private final int[] derivedPayloadStarts;
  private final int[] derivedPayloadLengths;

  SqlBatch(int maxRows, int maxBytes) {
    this.maxRows = maxRows;
    this.maxBytes = maxBytes;
    this.arena = new byte[maxBytes];
    topics = new String[maxRows];
    priorities = new String[maxRows];
    routes = new String[maxRows];
    eventIds = new long[maxRows];
    clientTimes = new long[maxRows];
    received = new long[maxRows];
    payloadStarts = new int[maxRows];
    payloadLengths = new int[maxRows];
    alertIds = new long[maxRows];
    alertTopics = new String[maxRows];
    alertRules = new String[maxRows];
    alertSeverities = new String[maxRows];
    alertTimes = new long[maxRows];
    alertEventIds = new long[maxRows];
    alertValues = new double[maxRows];
    windowIds = new long[maxRows];
    windowTopics = new String[maxRows];
    windowStarts = new long[maxRows];
    windowEnds = new long[maxRows];
    windowCounts = new long[maxRows];
    windowBytes = new long[maxRows];
    windowMinIds = new long[maxRows];
    windowMaxIds = new long[maxRows];
    windowMinSizes = new long[maxRows];
    windowMaxSizes = new long[maxRows];
    windowFirsts = new long[maxRows];
    windowLasts = new long[maxRows];
    windowAggregates = new String[maxRows];
    windowAggregateValues = new double[maxRows];
    deadIds = new long[maxRows];
    deadReasons = new String[maxRows];
    deadTopics = new String[maxRows];
    deadPriorities = new String[maxRows];
    deadEventIds = new long[maxRows];
    deadClientTimes = new long[maxRows];
    deadReceived = new long[maxRows];
    deadPayloadStarts = new int[maxRows];
    deadPayloadLengths = new int[maxRows];
    derivedIds = new long[maxRows];
    derivedNames = new String[maxRows];
    derivedTopics = new String[maxRows];
    derivedPriorities = new String[maxRows];
    derivedEventIds = new long[maxRows];
    derivedTimes = new long[maxRows];
    derivedPayloadStarts = new int[maxRows];
    derivedPayloadLengths = new int[maxRows];
  }

  int rows() {
    return rows;
  }

  boolean isEmpty() {
    return rows == 0;
  }

  /** True when one more row with {@code payloadBytes} fits; an empty batch takes any row. */
  boolean hasRoomFor(int payloadBytes) {
    return rows == 0 || (rows < maxRows && arenaUsed + payloadBytes <= maxBytes);
  }

  private void growArena(int length) {
    if (arenaUsed + length > arena.length) {
      // Only for a single row larger than the whole arena (hasRoomFor let it into an empty
      // batch): rare, payloads near the frame limit with a small batch-bytes. Given back by clear.
      arena = Arrays.copyOf(arena, arenaUsed + length);
    }
  }

  void add(EventView event) {
    int length = event.payloadLength();
    growArena(length);
    // Whatever allocates comes before the row is counted: a row counted and left unfilled would
    // be written with an earlier batch's values.
    String topic = event.sentTopic();
    int i = events++;
    topics[i] = topic;
    priorities[i] = event.priority().name();
    routes[i] = event.route().label();
    eventIds[i] = event.eventId();
    clientTimes[i] = event.clientTimeMicros();
    received[i] = event.receivedMillis();
    payloadStarts[i] = arenaUsed;
    payloadLengths[i] = length;
    event.copyPayload(0, arena, arenaUsed, length);
    arenaUsed += length;
    rows++;
  }

  void add(RecordView record, long id) {
    if (record.kind() == RecordKind.DEAD_LETTER) {
      int length = record.payloadLength();
      growArena(length);
      int i = deadLetters++;
      deadIds[i] = id;
      deadReasons[i] = record.reason().label();
      deadTopics[i] = record.topic();
      deadPriorities[i] = record.priority().name();
      deadEventIds[i] = record.eventId();
      deadClientTimes[i] = record.clientTimeMicros();
      deadReceived[i] = record.timeMillis();
      deadPayloadStarts[i] = arenaUsed;
      deadPayloadLengths[i] = length;
      copyPayload(record, length);
    } else if (record.kind() == RecordKind.DERIVED_EVENT) {
      int length = record.payloadLength();
      growArena(length);
      int i = derived++;
      derivedIds[i] = id;
      derivedNames[i] = record.name();
      derivedTopics[i] = record.topic();
      derivedPriorities[i] = record.priority().name();
      derivedEventIds[i] = record.eventId();
      derivedTimes[i] = record.timeMillis();
      derivedPayloadStarts[i] = arenaUsed;
      derivedPayloadLengths[i] = length;
      copyPayload(record, length);
    } else if (record.kind() == RecordKind.ALERT) {
      int i = alerts++;
      alertIds[i] = id;
      alertTopics[i] = record.topic();
      alertRules[i] = record.name();
      alertSeverities[i] = record.severity();
      alertTimes[i] = record.timeMillis();
      alertEventIds[i] = record.eventId();
      alertValues[i] = record.value();
    } else {
      int i = windows++;
      windowIds[i] = id;
      windowTopics[i] = record.topic();
      windowStarts[i] = record.startMillis();
      windowEnds[i] = record.endMillis();
      windowCounts[i] = record.count();
      windowBytes[i] = record.payloadBytes();
      windowMinIds[i] = record.minEventId();
      windowMaxIds[i] = record.maxEventId();
      windowMinSizes[i] = record.minPayloadBytes();
      windowMaxSizes[i] = record.maxPayloadBytes();
      windowFirsts[i] = record.firstMillis();
      windowLasts[i] = record.lastMillis();
      windowAggregates[i] = record.name();
      windowAggregateValues[i] = record.value();
    }
    rows++;
  }

  private void copyPayload(RecordView record, int length) {
    record.copyPayload(0, arena, arenaUsed, length);
    arenaUsed += length;
  }

  /**
   * Executes the buffered rows as JDBC batches on the writer's statements, in the caller's
   * transaction. Events go first, then alerts, windows, dead letters and derived events: each table
   * keeps insertion order.
   */
  void execute(
      PreparedStatement insertEvent,
      PreparedStatement insertAlert,
      PreparedStatement insertWindow,
      PreparedStatement insertDeadLetter,
      PreparedStatement insertDerived)
      throws SQLException {
    executeBatch(insertEvent, events, this::bindEvent);
    executeBatch(insertAlert, alerts, this::bindAlert);
    executeBatch(insertWindow, windows, this::bindWindow);
    executeBatch(insertDeadLetter, deadLetters, this::bindDeadLetter);
    executeBatch(insertDerived, derived, this::bindDerived);
  }

  /** Sets the parameters of one insert from row {@code i} of a table's columns. */
  @FunctionalInterface
  private interface RowBinder {
    void bind(PreparedStatement insert, int i) throws SQLException;
  }

  private static void executeBatch(PreparedStatement insert, int rows, RowBinder binder)
      throws SQLException {
    if (rows == 0) {
      return; // no round trip for a table this batch has nothing for
    }
    for (int i = 0; i < rows; i++) {
      binder.bind(insert, i);
      insert.addBatch();
    }
    insert.executeBatch();
  }

  private void bindEvent(PreparedStatement insert, int i) throws SQLException {
    insert.setString(1, topics[i]);
    insert.setString(2, priorities[i]);
    insert.setString(3, routes[i]);
    insert.setLong(4, eventIds[i]);
    insert.setLong(5, clientTimes[i]);
    insert.setLong(6, received[i]);
    // The driver needs an array of its own per row; this is the one copy per event.
    int start = payloadStarts[i];
    insert.setBytes(7, Arrays.copyOfRange(arena, start, start + payloadLengths[i]));
  }

  /**
   * A double, NaN included: SQLite stores a bound NaN as NULL, which the NOT NULL columns refuse on
   * every retry, so it goes as the text {@code NaN}, which SQLite keeps as text in a REAL column
   * and PostgreSQL reads as its NaN. {@link SqlReader} reads it back either way.
   */
  private static void setDouble(PreparedStatement insert, int index, double value)
      throws SQLException {
    if (Double.isNaN(value)) {
      insert.setObject(index, "NaN", Types.DOUBLE);
    } else {
      insert.setDouble(index, value);
    }
  }

  private void bindAlert(PreparedStatement insert, int i) throws SQLException {
    insert.setLong(1, alertIds[i]);
    insert.setString(2, alertTopics[i]);
    insert.setString(3, alertRules[i]);
    insert.setString(4, alertSeverities[i]);
    insert.setLong(5, alertTimes[i]);
    insert.setLong(6, alertEventIds[i]);
    setDouble(insert, 7, alertValues[i]);
  }

  private void bindWindow(PreparedStatement insert, int i) throws SQLException {
    insert.setLong(1, windowIds[i]);
    insert.setString(2, windowTopics[i]);
    insert.setLong(3, windowStarts[i]);
    insert.setLong(4, windowEnds[i]);
    insert.setLong(5, windowCounts[i]);
    insert.setLong(6, windowBytes[i]);
    insert.setLong(7, windowMinIds[i]);
    insert.setLong(8, windowMaxIds[i]);
    insert.setLong(9, windowMinSizes[i]);
    insert.setLong(10, windowMaxSizes[i]);
    insert.setLong(11, windowFirsts[i]);
    insert.setLong(12, windowLasts[i]);
    insert.setString(13, windowAggregates[i]);
    setDouble(insert, 14, windowAggregateValues[i]);
  }

  private void bindDeadLetter(PreparedStatement insert, int i) throws SQLException {
    insert.setLong(1, deadIds[i]);
    insert.setString(2, deadReasons[i]);
    insert.setString(3, deadTopics[i]);
    insert.setString(4, deadPriorities[i]);
    insert.setLong(5, deadEventIds[i]);
    insert.setLong(6, deadClientTimes[i]);
    insert.setLong(7, deadReceived[i]);
    int start = deadPayloadStarts[i];
    insert.setBytes(8, Arrays.copyOfRange(arena, start, start + deadPayloadLengths[i]));
  }

  private void bindDerived(PreparedStatement insert, int i) throws SQLException {
    insert.setLong(1, derivedIds[i]);
    insert.setString(2, derivedNames[i]);
    insert.setString(3, derivedTopics[i]);
    insert.setString(4, derivedPriorities[i]);
    insert.setLong(5, derivedEventIds[i]);
    insert.setLong(6, derivedTimes[i]);
    int start = derivedPayloadStarts[i];
    insert.setBytes(7, Arrays.copyOfRange(arena, start, start + derivedPayloadLengths[i]));
  }

  /** Forgets every row: they are committed. */
  void clear() {
    // Drop string references so a quiet writer does not pin old records' strings.
    Arrays.fill(alertTopics, 0, alerts, null);
    Arrays.fill(alertRules, 0, alerts, null);
    Arrays.fill(alertSeverities, 0, alerts, null);
    Arrays.fill(windowTopics, 0, windows, null);
    Arrays.fill(windowAggregates, 0, windows, null);
    Arrays.fill(deadTopics, 0, deadLetters, null);
    Arrays.fill(derivedNames, 0, derived, null);
    Arrays.fill(derivedTopics, 0, derived, null);
    deadLetters = 0;
    derived = 0;
    events = 0;
    alerts = 0;
    windows = 0;
    rows = 0;
    arenaUsed = 0;
    if (arena.length > maxBytes) {
      arena = new byte[maxBytes]; // after a row larger than batch-bytes: not kept for good
    }
  }
}
