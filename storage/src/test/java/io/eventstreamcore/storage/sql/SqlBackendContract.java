package io.eventstreamcore.storage.sql;

import static io.eventstreamcore.storage.TestEvents.event;
import static io.eventstreamcore.storage.TestEvents.payload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.eventstreamcore.engine.event.EventSlot;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.engine.event.Route;
import io.eventstreamcore.engine.record.DeadLetterReason;
import io.eventstreamcore.engine.record.Record;
import io.eventstreamcore.engine.spi.EventQuery;
import io.eventstreamcore.engine.spi.StoredEvent;
import io.eventstreamcore.engine.spi.StoredRecord;
import io.eventstreamcore.storage.TestEvents.Expected;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the sql backend promises, on every database it supports. */
abstract class SqlBackendContract {
  static final long NOW = 1_700_000_000_000L;

  /** The {@code eventstream.storage.sql} block for this database, with {@code extra} HOCON. */
  abstract String sqlBlock(String extra);

  /** A direct connection to the test database, auto-commit on. */
  abstract Connection connect() throws SQLException;

  abstract String tablePrefix();

  /** Makes sure the database exists, holding no tables of this prefix. */
  abstract void createEmptyDatabase() throws Exception;

  /** The database's plan for {@code query}, as text. */
  abstract String plan(String query) throws SQLException;

  /** Every column of every row {@code explain} returns on {@code c}, which it closes. */
  static String planLines(Connection c, String explain) throws SQLException {
    StringBuilder plan = new StringBuilder();
    try (c;
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(explain)) {
      int columns = r.getMetaData().getColumnCount();
      while (r.next()) {
        for (int i = 1; i <= columns; i++) {
          plan.append(r.getString(i)).append(' ');
        }
        plan.append('\n');
      }
    }
    return plan.toString();
  }

  SqlSettings settings(String extra) {
    return new SqlSettings(
        ConfigFactory.parseString("eventstream.storage.sql {" + sqlBlock(extra) + "}")
            .withFallback(ConfigFactory.defaultReference())
            .resolve());
  }

  SqlBackend open() throws IOException {
    return open("");
  }

  SqlBackend open(String extra) throws IOException {
    return new SqlBackend("sql", settings(extra));
  }

  void dropTables() throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      for (String table : new SqlSchema(tablePrefix(), SqlDialect.SQLITE).tables()) {
        s.execute("DROP TABLE IF EXISTS " + table);
      }
    }
  }

  static List<Expected> sampleEvents() {
    List<Expected> events = new ArrayList<>();
    events.add(event("orders", Priority.MEDIUM, 1, NOW, payload(10, 1)));
    events.add(event("sensor/temperature", Priority.CRITICAL, 2, NOW + 1, payload(1, 200)));
    events.add(event("température/č", Priority.LOW, 0, NOW + 2, payload(0, 0)));
    events.add(event("metrics", Priority.BATCH, -1, NOW + 3, payload(256, 0)));
    events.add(event("big", Priority.HIGH, Long.MAX_VALUE, NOW + 4, payload(3000, 9)));
    events.add(event("orders", Priority.LOW, 0, NOW + 5, payload(3, 7)));
    return events;
  }

  static Record alert(long eventId) {
    return new Record().alert("large-payload", "WARNING", "orders", NOW + eventId, eventId, 2048.5);
  }

  static Record window(long start) {
    return new Record()
        .window("metrics/cpu", start, start + 5_000, 12, 3456, 7, 99)
        .payloadSizes(3, 1024)
        .eventTimes(start + 1, start + 4_999)
        .aggregate("sum:load", 17.25);
  }

  /**
   * Puts the tables back as version {@code version} created them (the rows of a table it changes
   * are dropped), and forgets the versions after it.
   */
  void downgradeTo(int version) throws SQLException {
    String windows = tablePrefix() + "windows";
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute("DROP INDEX " + tablePrefix() + "events_received");
      if (version < 4) {
        s.execute("DROP TABLE " + tablePrefix() + "derived_events");
      }
      if (version < 3) {
        s.execute("DROP TABLE " + windows);
        s.execute(
            "CREATE TABLE "
                + windows
                + " (id bigint PRIMARY KEY, topic text NOT NULL, start_ms bigint NOT NULL,"
                + " end_ms bigint NOT NULL, event_count bigint NOT NULL,"
                + " payload_bytes bigint NOT NULL, min_event_id bigint NOT NULL,"
                + " max_event_id bigint NOT NULL)");
        s.execute("CREATE INDEX " + windows + "_topic_start ON " + windows + " (topic, start_ms)");
      }
      if (version < 2) {
        s.execute("DROP TABLE " + tablePrefix() + "dead_letters");
      }
      s.execute("DELETE FROM " + tablePrefix() + "schema_version WHERE version > " + version);
    }
  }

  static Record derived(Expected source, int length) {
    EventSlot slot = source.slot();
    return new Record().derived("normalised", slot).payload(slot, 0, length);
  }

  static List<Expected> read(SqlBackend backend, EventQuery query) throws IOException {
    List<Expected> out = new ArrayList<>();
    for (StoredEvent e : backend.readEvents(query)) {
      assertThat(e.route()).isEqualTo(Route.of(e.priority()));
      out.add(Expected.of(e));
    }
    return out;
  }

  static List<Expected> expected(List<StoredEvent> events) {
    return events.stream().map(Expected::of).toList();
  }

  /** The writer row as text: its owner and last batch token. */
  String writerRow() throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT owner, last_batch FROM " + tablePrefix() + "writer")) {
      assertThat(r.next()).isTrue();
      return r.getLong(1) + "/" + r.getLong(2);
    }
  }

  /** True when the table exists; asked by reading it, so as not to depend on catalog views. */
  boolean tableExists(String table) {
    try {
      count("SELECT count(*) FROM " + table);
      return true;
    } catch (SQLException e) {
      return false;
    }
  }

  int count(String sql) throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getInt(1);
    }
  }

  @Test
  void aWriterWhoseTokenTheDatabaseRolledBackWritesOn() throws Exception {
    List<Expected> events = sampleEvents();
    try (SqlBackend backend = open()) {
      backend.append(events.get(0).slot());
      backend.commit();
      // As a failover to a replica that had not seen the last commit leaves the writer row.
      try (Connection c = connect();
          Statement s = c.createStatement()) {
        s.executeUpdate("UPDATE " + tablePrefix() + "writer SET last_batch = last_batch - 1");
      }
      backend.append(events.get(1).slot());
      backend.commit();
      assertThat(read(backend, EventQuery.all())).containsExactlyElementsOf(events.subList(0, 2));
    }
  }

  @Test
  void notANumberIsStoredAndReadBack() throws IOException {
    Record alert =
        new Record().alert("ratio", "WARNING", "orders", NOW, 1, Double.NaN); // 0 / 0, say
    Record window = window(NOW - 5_000).aggregate("mean:empty", Double.NaN);
    try (SqlBackend backend = open()) {
      backend.append(alert);
      backend.append(window);
      backend.commit();
    }
    try (SqlBackend backend = open()) {
      List<StoredRecord> read = backend.readRecords();
      assertThat(read).hasSize(2);
      assertThat(read.get(0).value()).isNaN();
      assertThat(read.get(1).value()).isNaN(); // a window's aggregate value
    }
  }

  @Test
  void everyFieldOfEventsAlertsAndWindowsSurvivesAReopen() throws IOException {
    List<Expected> events = sampleEvents();
    List<StoredRecord> records = new ArrayList<>();
    try (SqlBackend backend = open()) {
      for (int i = 0; i < events.size(); i++) {
        backend.append(events.get(i).slot());
        if (i % 2 == 0) {
          Record a = alert(events.get(i).eventId());
          backend.append(a);
          records.add(StoredRecord.of(a));
        }
        if (i == 3) {
          Record w = window(NOW - 5_000);
          backend.append(w);
          records.add(StoredRecord.of(w));
        }
        if (i == 1 || i == 4) {
          Record dead = new Record().deadLetter(DeadLetterReason.LATE, events.get(i).slot());
          backend.append(dead);
          records.add(StoredRecord.of(dead));
        }
        if (i == 2 || i == 4) {
          // Empty, and the first 2000 of the source's 3000 payload bytes.
          Record d = derived(events.get(i), i == 2 ? 0 : 2000);
          backend.append(d);
          records.add(StoredRecord.of(d));
        }
      }
      backend.commit();
      assertThat(read(backend, EventQuery.all())).containsExactlyElementsOf(events);
    }
    try (SqlBackend reopened = open()) {
      assertThat(read(reopened, EventQuery.all())).containsExactlyElementsOf(events);
      assertThat(reopened.readRecords()).containsExactlyElementsOf(records);
      // New records continue the order after a reopen.
      Record later = window(NOW);
      reopened.append(later);
      reopened.commit();
      records.add(StoredRecord.of(later));
      assertThat(reopened.readRecords()).containsExactlyElementsOf(records);
    }
  }

  @Test
  void anEventOfATopicBeyondTheBoundIsStoredUnderItsOwnTopic() throws IOException {
    Expected e = event("device/70000", Priority.LOW, 5, NOW, payload(4, 1));
    EventSlot slot = e.slot();
    slot.classify("_overflow", 65_536, Priority.LOW, false); // as the processors see it
    slot.topicShared();
    try (SqlBackend backend = open()) {
      backend.append(slot);
      backend.commit();
      assertThat(read(backend, EventQuery.all())).containsExactly(e);
    }
  }

  @Test
  void redeliveredEventsAreStoredOnceAndEventsWithoutIdEveryTime() throws IOException {
    List<Expected> events = sampleEvents();
    List<Expected> expected = new ArrayList<>(events);
    try (SqlBackend backend = open()) {
      for (Expected e : events) {
        backend.append(e.slot());
      }
      backend.commit();
      // Redelivery in a later batch, and a repeat within one batch.
      for (Expected e : events) {
        backend.append(e.slot());
        backend.append(e.slot());
      }
      backend.commit();
      for (Expected e : events) {
        if (e.eventId() == 0) {
          expected.add(e);
          expected.add(e);
        }
      }
      assertThat(read(backend, EventQuery.all())).containsExactlyElementsOf(expected);
    }
    // After a restart, as a client resending what was not acknowledged before a crash.
    try (SqlBackend restarted = open()) {
      for (Expected e : events) {
        if (e.eventId() != 0) {
          restarted.append(e.slot());
        }
      }
      restarted.commit();
      assertThat(read(restarted, EventQuery.all())).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void replayHandsOverIdsReceivedSinceAGivenTimeOldestFirstPageByPage() throws IOException {
    try (SqlBackend backend = open()) {
      for (int i = 1; i <= 25; i++) {
        // Received times not in insertion order (a clock stepped back): oldest first is by time.
        backend.append(event("t", Priority.LOW, i, received(i), payload(4, i)).slot());
        backend.append(event("t", Priority.LOW, 0, NOW + i, payload(4, i)).slot());
      }
      for (int i = 26; i <= 31; i++) { // one received time across page bounds: ids break the tie
        backend.append(event("t", Priority.LOW, i, received(i), payload(4, i)).slot());
      }
      backend.append(alert(3));
      backend.commit();

      List<long[]> replayed = new ArrayList<>();
      backend
          .reader()
          .replayEventIds(
              NOW, Long.MAX_VALUE, (id, received) -> replayed.add(new long[] {id, received}), 4);

      List<Long> expected = new ArrayList<>();
      for (long i = 1; i <= 25; i++) {
        if (i % 5 != 0 && i % 7 != 0) {
          expected.add(i);
        }
      }
      expected.addAll(List.of(26L, 27L, 28L, 29L, 30L, 31L, 7L, 14L, 21L));
      assertThat(replayed.stream().map(r -> r[0]).toList()).isEqualTo(expected);
      assertThat(replayed).allSatisfy(r -> assertThat(r[1]).isEqualTo(received((int) r[0])));
      List<Long> throughTheBackend = new ArrayList<>();
      backend.replayEventIds(NOW + 24, (id, received) -> throughTheBackend.add(id));
      assertThat(throughTheBackend)
          .containsExactly(24L, 26L, 27L, 28L, 29L, 30L, 31L, 7L, 14L, 21L);
      // Only the newest 8: the first of them within a run of one received time (ids 26-31).
      List<Long> newest = new ArrayList<>();
      backend.reader().replayEventIds(NOW, 8, (id, received) -> newest.add(id), 4);
      assertThat(newest).isEqualTo(expected.subList(expected.size() - 8, expected.size()));
      assertThat(newest.get(0)).isEqualTo(27L);
      List<Long> all = new ArrayList<>();
      backend.replayEventIds(NOW, 1000, (id, received) -> all.add(id));
      assertThat(all).isEqualTo(expected);
    }
  }

  /**
   * Event {@code i}'s received time in the replay test: before the window, late, in order, or (26
   * to 31) all the same.
   */
  private static long received(int i) {
    if (i > 25) {
      return NOW + 50;
    }
    return i % 5 == 0 ? NOW - 1 : i % 7 == 0 ? NOW + 100 + i : NOW + i;
  }

  @Test
  void aVersionFourSchemaGainsAnIndexTheReplayReadsTheWindowAlong() throws Exception {
    try (SqlBackend backend = open()) {
      backend.append(event("t", Priority.LOW, 1, NOW + 1, payload(4, 1)).slot());
      backend.commit();
    }
    downgradeTo(4);
    String events = tablePrefix() + "events";
    try (Connection c = connect();
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO "
                    + events
                    + " (topic, priority, route, event_id, client_time_us, received_ms, payload)"
                    + " VALUES ('old', 'LOW', 'transactional', ?, 0, ?, ?)")) {
      c.setAutoCommit(false);
      for (int i = 0; i < 20_000; i++) {
        s.setLong(1, 1_000_000 + i);
        s.setLong(2, NOW - 3_600_000 + i);
        s.setBytes(3, new byte[8]);
        s.addBatch();
      }
      s.executeBatch();
      c.commit();
      c.setAutoCommit(true);
      try (Statement analyze = c.createStatement()) {
        analyze.execute("ANALYZE " + events); // as autovacuum would have, on a table this long
      }
    }

    try (SqlBackend backend = open()) {
      String query =
          backend
              .reader()
              .replayQuery()
              .replaceFirst("\\?", Long.toString(NOW))
              .replaceFirst("\\?", "0")
              .replaceFirst("\\?", "4096");
      assertThat(plan(query))
          .contains(events + "_received")
          .doesNotContainIgnoringCase("scan " + events);
    }
  }

  @Test
  void queriesSelectByTopicTimeIdAndLimitInInsertionOrder() throws IOException {
    List<Expected> events = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      String topic = i % 3 == 0 ? "a" : "b";
      // Received times not monotonic: order must be insertion order, not time.
      events.add(event(topic, Priority.LOW, i + 1, NOW + (i * 7) % 30, payload(4, i)));
    }
    try (SqlBackend backend = open()) {
      for (Expected e : events) {
        backend.append(e.slot());
      }
      backend.commit();
      assertThat(read(backend, EventQuery.all().topic("a")))
          .containsExactlyElementsOf(events.stream().filter(e -> e.topic().equals("a")).toList());
      assertThat(read(backend, EventQuery.all().between(NOW + 10, NOW + 20)))
          .containsExactlyElementsOf(
              events.stream()
                  .filter(e -> e.receivedMillis() >= NOW + 10 && e.receivedMillis() < NOW + 20)
                  .toList());
      assertThat(read(backend, EventQuery.all().eventId(17))).containsExactly(events.get(16));
      assertThat(read(backend, EventQuery.all().limit(4)))
          .containsExactlyElementsOf(events.subList(0, 4));
      assertThat(read(backend, EventQuery.all().topic("b").between(NOW, NOW + 15).limit(3)))
          .containsExactlyElementsOf(
              events.stream()
                  .filter(e -> e.topic().equals("b") && e.receivedMillis() < NOW + 15)
                  .limit(3)
                  .toList());
      assertThat(read(backend, EventQuery.all().topic("none"))).isEmpty();
    }
  }

  @Test
  void theSchemaIsCreatedOnceAndAReopenUsesIt() throws Exception {
    try (SqlBackend first = open()) {
      first.append(sampleEvents().get(0).slot());
      first.commit();
    }
    try (SqlBackend second = open()) {
      assertThat(read(second, EventQuery.all())).hasSize(1);
    }
    String versions = tablePrefix() + "schema_version";
    assertThat(count("SELECT count(*) FROM " + versions)).isEqualTo(SqlSchema.VERSION);
    assertThat(count("SELECT max(version) FROM " + versions)).isEqualTo(SqlSchema.VERSION);
  }

  @Test
  void aVersionOneSchemaGainsTheDeadLetterTableAndKeepsItsRecords() throws Exception {
    Record a = alert(1);
    try (SqlBackend first = open()) {
      first.append(a);
      first.commit();
    }
    // Back to what version 1 created: the same tables without dead_letters.
    downgradeTo(1);
    assertThatThrownBy(() -> SqlReader.open(settings("")))
        .hasMessageContaining("start the service of this build once to migrate it");
    Record dead = new Record().deadLetter(DeadLetterReason.OVERLOAD, sampleEvents().get(4).slot());
    try (SqlBackend migrated = open()) {
      migrated.append(dead);
      migrated.commit();
      assertThat(migrated.readRecords())
          .containsExactly(StoredRecord.of(alert(1)), StoredRecord.of(dead));
    }
    assertThat(count("SELECT max(version) FROM " + tablePrefix() + "schema_version"))
        .isEqualTo(SqlSchema.VERSION);
  }

  @Test
  void aVersionTwoSchemaGainsTheWindowColumnsAndItsWindowsReadWithThemZero() throws Exception {
    open().close();
    downgradeTo(2);
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      // A window row as version 2 wrote it.
      s.execute(
          "INSERT INTO "
              + tablePrefix()
              + "windows (id, topic, start_ms, end_ms, event_count, payload_bytes, min_event_id,"
              + " max_event_id) VALUES (1, 'metrics', 0, 5000, 4, 40, 1, 9)");
    }
    assertThatThrownBy(() -> SqlReader.open(settings("")))
        .hasMessageContaining("start the service of this build once to migrate it");
    Record later = window(NOW);
    try (SqlBackend migrated = open()) {
      migrated.append(later);
      migrated.commit();
      assertThat(migrated.readRecords())
          .containsExactly(
              StoredRecord.window("metrics", 0, 5000, 4, 40, 1, 9), StoredRecord.of(later));
    }
    assertThat(count("SELECT max(version) FROM " + tablePrefix() + "schema_version"))
        .isEqualTo(SqlSchema.VERSION);
  }

  @Test
  void aVersionThreeSchemaGainsTheDerivedEventsTableAndKeepsItsRecordsInOrder() throws Exception {
    Record w = window(NOW);
    Record dead = new Record().deadLetter(DeadLetterReason.LATE, sampleEvents().get(0).slot());
    try (SqlBackend first = open()) {
      first.append(alert(1));
      first.append(w);
      first.append(dead);
      first.commit();
    }
    downgradeTo(3);
    assertThat(tableExists(tablePrefix() + "derived_events")).isFalse();
    assertThatThrownBy(() -> SqlReader.open(settings("")))
        .hasMessageContaining("start the service of this build once to migrate it");

    Record d = derived(sampleEvents().get(4), 100);
    try (SqlBackend migrated = open()) {
      migrated.append(d);
      migrated.commit();
      assertThat(migrated.readRecords())
          .containsExactly(
              StoredRecord.of(alert(1)),
              StoredRecord.of(w),
              StoredRecord.of(dead),
              StoredRecord.derived(
                  "normalised", "big", Long.MAX_VALUE, NOW + 4, Priority.HIGH, payload(100, 9)));
    }
    assertThat(count("SELECT max(version) FROM " + tablePrefix() + "schema_version"))
        .isEqualTo(SqlSchema.VERSION);
    try (SqlReader reader = SqlReader.open(settings(""))) {
      assertThat(reader.readRecords()).hasSize(4);
    }
  }

  @Test
  void aSchemaNewerThanThisBuildIsRefusedWithTheReason() throws Exception {
    open().close();
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute("INSERT INTO " + tablePrefix() + "schema_version (version) VALUES (99)");
    }
    assertThatThrownBy(this::open)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("'" + tablePrefix() + "'")
        .hasMessageContaining("version 99")
        .hasMessageContaining("newer than this build knows (" + SqlSchema.VERSION + ")");
  }

  @Test
  void aSecondWriterOnTheSamePrefixTakesItOverAndTheFirstStops() throws IOException {
    List<Expected> events = sampleEvents();
    SqlBackend first = open();
    first.append(events.get(0).slot());
    first.commit();
    try (SqlBackend second = open()) {
      first.append(events.get(1).slot());
      assertThatThrownBy(first::commit)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("taken over by another writer");
      second.append(events.get(2).slot());
      second.commit();
      assertThat(read(second, EventQuery.all())).containsExactly(events.get(0), events.get(2));
      // The first writer's close commits its pending event, which fails the same way.
      assertThatThrownBy(first::close).hasMessageContaining("taken over by another writer");
      second.append(events.get(3).slot());
      second.commit(); // the second writes on: the first took nothing back
      assertThat(read(second, EventQuery.all()))
          .containsExactly(events.get(0), events.get(2), events.get(3));
    }
  }

  @Test
  void aFullBatchIsWrittenOutBeforeTheRingBatchEnds() throws IOException {
    List<Expected> events = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      events.add(event("t", Priority.MEDIUM, i + 1, NOW + i, payload(100, i)));
    }
    try (SqlBackend backend = open("batch-rows = 3, batch-bytes = 250")) {
      for (Expected e : events) {
        backend.append(e.slot());
      }
      // Bounded by bytes (two 100-byte payloads fit in 250) before rows: pairs were written.
      assertThat(read(backend, EventQuery.all())).containsExactlyElementsOf(events.subList(0, 8));
      backend.commit();
      assertThat(read(backend, EventQuery.all())).containsExactlyElementsOf(events);
      // One payload larger than the whole buffer still goes through, alone.
      Expected big = event("t", Priority.MEDIUM, 99, NOW, payload(1000, 1));
      backend.append(big.slot());
      backend.commit();
      assertThat(read(backend, EventQuery.all().eventId(99))).containsExactly(big);
      // And the buffer's bound holds again after it: pairs written, not all three rows at once.
      List<Expected> after = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        after.add(event("t", Priority.MEDIUM, 100 + i, NOW + i, payload(100, i)));
        backend.append(after.get(i).slot());
      }
      List<Expected> written = new ArrayList<>(events);
      written.add(big);
      written.addAll(after.subList(0, 2));
      assertThat(read(backend, EventQuery.all())).containsExactlyElementsOf(written);
    }
  }

  @Test
  void aReaderFollowsWhatARunningBackendWritesWithoutTakingItsTablesOver() throws Exception {
    List<Expected> events = sampleEvents();
    try (SqlBackend backend = open()) {
      Record a = alert(1);
      Record w = window(NOW);
      for (Expected e : events.subList(0, 4)) {
        backend.append(e.slot());
      }
      backend.append(a);
      backend.append(w);
      backend.commit();
      String writer = writerRow();

      try (SqlReader reader = SqlReader.open(settings(""))) {
        assertThat(expected(reader.readEvents(EventQuery.all())))
            .containsExactlyElementsOf(events.subList(0, 4));
        assertThat(expected(reader.readEvents(EventQuery.all().topic("orders").limit(1))))
            .containsExactly(events.get(0));
        assertThat(reader.readRecords()).containsExactly(StoredRecord.of(a), StoredRecord.of(w));
        List<SqlReader.EventRow> first = reader.readEventsAfter(0, 3);
        assertThat(expected(first.stream().map(SqlReader.EventRow::event).toList()))
            .containsExactlyElementsOf(events.subList(0, 3));
        long seen = first.get(2).id();
        assertThat(first.get(0).id()).isLessThan(first.get(1).id());
        assertThat(first.get(1).id()).isLessThan(seen);
        assertThat(writerRow()).as("reading leaves the writer row alone").isEqualTo(writer);

        // The backend goes on writing: it still owns the prefix.
        for (Expected e : events.subList(4, 6)) {
          backend.append(e.slot());
        }
        backend.commit();
        List<SqlReader.EventRow> next = reader.readEventsAfter(seen, 100);
        assertThat(expected(next.stream().map(SqlReader.EventRow::event).toList()))
            .containsExactly(events.get(3), events.get(4), events.get(5));
        assertThat(reader.lastEventId()).isEqualTo(next.get(2).id());
        assertThat(reader.readEventsAfter(reader.lastEventId(), 100)).isEmpty();
        assertThatThrownBy(() -> reader.readEventsAfter(0, 0))
            .isInstanceOf(IllegalArgumentException.class);
      }
      assertThat(read(backend, EventQuery.all())).containsExactlyElementsOf(events);
    }
  }

  @Test
  void aReaderRefusesAPrefixWithoutTablesAndCreatesNone() throws Exception {
    createEmptyDatabase();
    assertThatThrownBy(() -> SqlReader.open(settings("")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("no EventStreamCore tables with table prefix '" + tablePrefix() + "'")
        .hasMessageContaining(tablePrefix() + "schema_version does not exist");
    for (String table : new SqlSchema(tablePrefix(), SqlDialect.SQLITE).tables()) {
      assertThat(tableExists(table)).as(table).isFalse();
    }
  }

  @Test
  void aReaderRefusesASchemaVersionThisBuildDoesNotRead() throws Exception {
    open().close();
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute("INSERT INTO " + tablePrefix() + "schema_version (version) VALUES (99)");
    }
    assertThatThrownBy(() -> SqlReader.open(settings("")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("'" + tablePrefix() + "' is at version 99")
        .hasMessageContaining("this build reads version " + SqlSchema.VERSION)
        .hasMessageContaining("upgrade EventStreamCore");
    assertThat(count("SELECT max(version) FROM " + tablePrefix() + "schema_version"))
        .as("not migrated")
        .isEqualTo(99);
  }
}
