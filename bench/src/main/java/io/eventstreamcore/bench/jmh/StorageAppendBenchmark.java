package io.eventstreamcore.bench.jmh;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.eventstreamcore.engine.event.EventSlot;
import io.eventstreamcore.engine.event.EventView;
import io.eventstreamcore.engine.record.RecordView;
import io.eventstreamcore.engine.spi.StorageBackend;
import io.eventstreamcore.engine.spi.StoredEvent;
import io.eventstreamcore.storage.StorageBackends;
import io.eventstreamcore.storage.config.StorageSettings;
import io.eventstreamcore.storage.file.FileBackend;
import io.eventstreamcore.storage.file.SyncPolicy;
import io.eventstreamcore.storage.kafka.KafkaSettings;
import io.eventstreamcore.storage.sql.SqlSettings;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A storage writer's work alone: append events and commit once per batch of {@code batchSize}, as
 * the writer stage does at the end of every ring batch. The score is <b>events/s</b>: each
 * invocation appends {@value #EVENTS} events (100-byte payloads, 16 topics, filled as the decoder
 * and classify would), committing after every {@code batchSize} of them.
 *
 * <p>Backends, opened through the service's own configuration path ({@code reference.conf}
 * defaults): {@code memory}; {@code file-never} (file log, {@code sync = never}); {@code
 * file-always} ({@code sync = always}: every commit is one fsync). For the file backends the
 * secondary result {@code fsyncs} counts the log's own fsyncs (commits, and segment rolls with
 * {@code always}), so events per fsync = score / fsyncs rate; batch 1 is the cost of an fsync per
 * event, larger batches show what group commit buys. {@code sql-postgresql} (the server on
 * 127.0.0.1:5432, database test, user postgres, tables under a prefix of its own, dropped at the
 * end) and {@code sql-sqlite} (a file in the temporary directory): one transaction per commit; each
 * invocation gives the events fresh ids, so every one is inserted, not skipped as a duplicate.
 * {@code kafka}: an in-process KRaft cluster (Apache Kafka's test kit, one combined controller and
 * broker on 127.0.0.1, its logs in a temporary directory) started for the trial and stopped at its
 * end; the backend with its defaults ({@code acks=all}, idempotent, lz4, {@code linger} 5 ms), to
 * its single events topic, created beforehand with one partition.
 *
 * <p>Baseline in the same run, {@link #baselineConventionalStore}: what a conventional
 * implementation of the same backend would do. For {@code memory}, a bounded, synchronized {@code
 * ArrayDeque} of {@link StoredEvent} copies (an object, a topic reference and a payload array per
 * event); for the file backends, the same log format ({@code LogRecordDescriptor}) written through
 * {@code DataOutputStream} over a {@code BufferedOutputStream} (default 8 KiB), each record encoded
 * into a fresh array, flushed at commit and, for {@code always}, forced like the real one; for the
 * sql backends, plain JDBC on the same table layout: one {@code executeUpdate} per event (a round
 * trip each on PostgreSQL), committed at commit; for kafka, a plain {@code KafkaProducer} with the
 * same settings ({@code acks=all}, idempotence, compression, linger, batch size) sending the same
 * records (key, payload copy, timestamp, headers) to a topic of its own, each {@code send} left to
 * a callback that remembers a failure, and {@code flush()} at commit: what a conventional
 * implementation would do, with no copy kept and no per-record wait.
 *
 * <p>The file logs grow: each warm-up and measurement iteration opens them afresh in a temporary
 * directory, so a log never holds more than one iteration's worth, and the directory is deleted at
 * the end of the trial. The memory stores are bounded: they are opened once per trial and run full,
 * evicting, as in a long-running service. JMH's {@code gc.alloc.rate.norm} counts what iteration
 * set-up allocates too, so for {@code file-always} at small batches, where few events run per
 * iteration, the opening of the logs shows as a few bytes per event; the append path itself
 * allocates nothing.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class StorageAppendBenchmark {
  static final int EVENTS = 1024;
  private static final String BASELINE_FILE = "baseline.log";
  private static final String BASELINE_TOPIC = "baseline-events";

  @Param({"memory", "file-never", "file-always", "sql-postgresql", "sql-sqlite", "kafka"})
  String backend;

  /** Events per commit; divides {@value #EVENTS}. For file-always: events per fsync. */
  @Param({"1", "64", "1024"})
  int batchSize;

  private final EventSlot[] events = new EventSlot[EVENTS];
  private Path directory;
  private KafkaClusterTestKit cluster;
  private StorageSettings settings;
  private StorageBackend store;
  private StorageBackend baseline;
  private long nextEventId;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    if (batchSize < 1 || EVENTS % batchSize != 0) {
      throw new IllegalArgumentException("batchSize must divide " + EVENTS + ": " + batchSize);
    }
    for (int i = 0; i < EVENTS; i++) {
      EventSlot slot = new EventSlot(256);
      PipelineBenchmark.fill(slot, i + 1, null);
      String topic = new String(slot.topicBytes(), 0, slot.topicLength(), StandardCharsets.UTF_8);
      slot.classify(topic, (i + 1) & 15, slot.framePriority(), false);
      events[i] = slot;
    }
    directory = Files.createTempDirectory("eventstream-storage-bench-");
    try {
      String bootstrap = "";
      if (kafkaBacked()) {
        cluster = startCluster();
        bootstrap = cluster.bootstrapServers();
      }
      settings = new StorageSettings(config(backend, directory, bootstrap));
      if (kafkaBacked()) {
        createTopics(bootstrap, kafka(settings).eventsTopic(), BASELINE_TOPIC);
      }
    } catch (IOException | RuntimeException e) {
      // JMH runs no tear-down after a failed set-up: stop and delete what this one started.
      try {
        if (cluster != null) {
          cluster.close();
          cluster = null;
        }
        deleteTree(directory);
      } catch (Exception suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** One combined KRaft controller and broker, in this (forked) JVM. */
  private static KafkaClusterTestKit startCluster() throws IOException {
    try {
      KafkaClusterTestKit started =
          new KafkaClusterTestKit.Builder(
                  new TestKitNodes.Builder()
                      .setCombined(true)
                      .setNumBrokerNodes(1)
                      .setNumControllerNodes(1)
                      .build())
              .build();
      try {
        started.format();
        started.startup();
        started.waitForReadyBrokers();
      } catch (Exception e) {
        started.close();
        throw e;
      }
      return started;
    } catch (Exception e) {
      throw new IOException("starting the kafka test cluster failed: " + e, e);
    }
  }

  // Created up front, so neither side pays the broker's auto-creation in its first iteration.
  private static void createTopics(String bootstrap, String... topics) throws IOException {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      List<NewTopic> newTopics = Stream.of(topics).map(t -> new NewTopic(t, 1, (short) 1)).toList();
      admin.createTopics(newTopics).all().get();
    } catch (ExecutionException e) {
      throw new IOException("creating topics failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted creating topics", e);
    }
  }

  private static KafkaSettings kafka(StorageSettings settings) {
    return new KafkaSettings(settings.backendConfig("kafka"));
  }

  private static Config config(String backend, Path directory, String bootstrap) {
    String kind = backend.startsWith("file") ? "file" : backend.startsWith("sql") ? "sql" : backend;
    String sync = backend.equals("file-always") ? "always" : "never";
    String url =
        backend.equals("sql-postgresql")
            ? "jdbc:postgresql://127.0.0.1:5432/test"
            : "jdbc:sqlite:" + directory.resolve("bench.db");
    String prefix =
        "bench" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE) + "_";
    return ConfigFactory.defaultReference()
        .withValue("eventstream.storage.sql.url", ConfigValueFactory.fromAnyRef(url))
        .withValue("eventstream.storage.sql.user", ConfigValueFactory.fromAnyRef("postgres"))
        .withValue("eventstream.storage.sql.table-prefix", ConfigValueFactory.fromAnyRef(prefix))
        .withValue(
            "eventstream.storage.kafka.bootstrap-servers", ConfigValueFactory.fromAnyRef(bootstrap))
        .withValue("eventstream.storage.backends", ConfigValueFactory.fromIterable(List.of(kind)))
        .withValue("eventstream.storage.file.sync", ConfigValueFactory.fromAnyRef(sync))
        .withValue(
            "eventstream.storage.file.directory",
            ConfigValueFactory.fromAnyRef(directory.toString()));
  }

  private boolean fileBacked() {
    return backend.startsWith("file");
  }

  private boolean sqlBacked() {
    return backend.startsWith("sql");
  }

  private boolean kafkaBacked() {
    return backend.equals("kafka");
  }

  @Setup(Level.Iteration)
  public void open() throws IOException {
    if (store != null) {
      return; // a memory, sql or kafka store, kept for the whole trial
    }
    store = StorageBackends.open(settings).get(0);
    if (fileBacked()) {
      baseline = new DataStreamFileLog(directory.resolve(BASELINE_FILE), settings.fileSync());
    } else if (sqlBacked()) {
      baseline = new JdbcRowStore(settings.sql());
    } else if (kafkaBacked()) {
      baseline = new FlushingProducerStore(kafka(settings), BASELINE_TOPIC);
    } else {
      baseline = new DequeMemoryStore(settings.memoryMaxEvents());
    }
  }

  @TearDown(Level.Iteration)
  public void closeFiles() throws IOException {
    if (!fileBacked()) {
      return;
    }
    // Empty the logs before closing: the file backend forces its log at close, and what this
    // iteration wrote need not reach the disk. Then delete them, so the next one starts empty.
    List<Path> logs = logFiles();
    for (Path log : logs) {
      truncate(log);
    }
    closeStores();
    for (Path log : logs) {
      Files.deleteIfExists(log);
    }
  }

  /** The file backend's segments and the baseline's log. */
  private List<Path> logFiles() throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".log")).toList();
    }
  }

  private void closeStores() throws IOException {
    try {
      store.close();
    } finally {
      baseline.close();
      store = null;
      baseline = null;
    }
  }

  private static void truncate(Path file) throws IOException {
    if (Files.exists(file)) {
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
        channel.truncate(0);
      }
    }
  }

  @TearDown(Level.Trial)
  public void deleteDirectory() throws Exception {
    try {
      if (store != null) {
        closeStores();
      }
      if (backend.equals("sql-postgresql")) {
        JdbcRowStore.dropTables(settings.sql());
      }
    } finally {
      if (cluster != null) {
        cluster.close(); // stops the broker and controller, deletes their log directories
        cluster = null;
      }
    }
    deleteTree(directory);
  }

  private static void deleteTree(Path directory) throws IOException {
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  /** fsyncs of the file backend, reported next to the score (JMH secondary result). */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Fsyncs {
    public long fsyncs;

    /** JMH sums the counter over an iteration; it resets nothing itself. */
    @Setup(Level.Iteration)
    public void reset() {
      fsyncs = 0;
    }
  }

  /** The configured backend: append and commit per batch. */
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void backend(Fsyncs counted) throws IOException {
    if (store instanceof FileBackend file) {
      long before = file.fsyncs();
      appendInBatches(store);
      counted.fsyncs += file.fsyncs() - before;
    } else {
      appendInBatches(store);
    }
  }

  /** Baseline: a conventional store of the same kind, same events, same commits. */
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void baselineConventionalStore() throws IOException {
    appendInBatches(baseline);
  }

  // Appends land in the backend's heap arena, its file, its tables or the producer's buffers, state
  // that outlives the invocation, so there is no result to sink in a Blackhole.
  private void appendInBatches(StorageBackend target) throws IOException {
    boolean freshIds = sqlBacked();
    for (int batch = 0; batch < EVENTS; batch += batchSize) {
      for (int i = batch; i < batch + batchSize; i++) {
        if (freshIds) {
          EventSlot slot = events[i];
          slot.header(slot.framePriority(), ++nextEventId, 0);
        }
        target.append(events[i]);
      }
      target.commit();
    }
  }

  /** Conventional memory store: a bounded deque of event copies, locked for readers. */
  private static final class DequeMemoryStore implements StorageBackend {
    private final ArrayDeque<StoredEvent> events = new ArrayDeque<>();
    private final int maxEvents;

    DequeMemoryStore(int maxEvents) {
      this.maxEvents = maxEvents;
    }

    @Override
    public String name() {
      return "deque-memory";
    }

    @Override
    public void append(EventView event) {
      byte[] payload = new byte[event.payloadLength()];
      event.copyPayload(0, payload, 0, payload.length);
      StoredEvent copy =
          new StoredEvent(
              event.topic(),
              event.priority(),
              event.route(),
              event.eventId(),
              event.clientTimeMicros(),
              event.receivedMillis(),
              payload);
      synchronized (events) {
        if (events.size() == maxEvents) {
          events.removeFirst();
        }
        events.addLast(copy);
      }
    }

    @Override
    public void append(RecordView record) {
      throw new UnsupportedOperationException("events only");
    }

    @Override
    public void commit() {}

    @Override
    public void close() {}
  }

  /** Conventional JDBC store: the sql backend's event table, one statement run per event. */
  private static final class JdbcRowStore implements StorageBackend {
    private final Connection connection;
    private final PreparedStatement insert;

    JdbcRowStore(SqlSettings sql) throws IOException {
      try {
        connection = connect(sql);
        try (Statement s = connection.createStatement()) {
          s.execute(
              "CREATE TABLE IF NOT EXISTS "
                  + table(sql)
                  + " (id "
                  + (sql.url().startsWith("jdbc:sqlite:")
                      ? "INTEGER PRIMARY KEY"
                      : "bigserial PRIMARY KEY")
                  + ", topic text, priority text, route text, event_id bigint,"
                  + " client_time_us bigint, received_ms bigint, payload "
                  + (sql.url().startsWith("jdbc:sqlite:") ? "BLOB" : "bytea")
                  + ")");
          s.execute(
              "CREATE UNIQUE INDEX IF NOT EXISTS "
                  + table(sql)
                  + "_id ON "
                  + table(sql)
                  + " (event_id) WHERE event_id <> 0");
        }
        connection.setAutoCommit(false);
        insert =
            connection.prepareStatement(
                "INSERT INTO "
                    + table(sql)
                    + " (topic, priority, route, event_id, client_time_us, received_ms, payload)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?)"
                    + " ON CONFLICT (event_id) WHERE event_id <> 0 DO NOTHING");
      } catch (SQLException e) {
        throw new IOException(e);
      }
    }

    private static String table(SqlSettings sql) {
      return sql.tablePrefix() + "baseline_events";
    }

    private static Connection connect(SqlSettings sql) throws SQLException {
      Properties p = new Properties();
      p.setProperty("user", sql.user());
      return DriverManager.getConnection(sql.url(), p);
    }

    static void dropTables(SqlSettings sql) throws IOException {
      try (Connection c = connect(sql);
          Statement s = c.createStatement()) {
        for (String table :
            List.of("events", "alerts", "windows", "writer", "schema_version", "baseline_events")) {
          s.execute("DROP TABLE IF EXISTS " + sql.tablePrefix() + table);
        }
      } catch (SQLException e) {
        throw new IOException(e);
      }
    }

    @Override
    public String name() {
      return "jdbc-row";
    }

    @Override
    public void append(EventView event) throws IOException {
      byte[] payload = new byte[event.payloadLength()];
      event.copyPayload(0, payload, 0, payload.length);
      try {
        insert.setString(1, event.topic());
        insert.setString(2, event.priority().name());
        insert.setString(3, event.route().label());
        insert.setLong(4, event.eventId());
        insert.setLong(5, event.clientTimeMicros());
        insert.setLong(6, event.receivedMillis());
        insert.setBytes(7, payload);
        insert.executeUpdate();
      } catch (SQLException e) {
        throw new IOException(e);
      }
    }

    @Override
    public void append(RecordView record) {
      throw new UnsupportedOperationException("events only");
    }

    @Override
    public void commit() throws IOException {
      try {
        connection.commit();
      } catch (SQLException e) {
        throw new IOException(e);
      }
    }

    @Override
    public void close() throws IOException {
      try {
        connection.close();
      } catch (SQLException e) {
        throw new IOException(e);
      }
    }
  }

  /**
   * Conventional Kafka producer use: send every record with a callback that remembers a failure,
   * {@code flush()} at commit. Keeps nothing, so a failed batch is lost rather than resent.
   */
  private static final class FlushingProducerStore implements StorageBackend {
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    // One callback for every send; it runs on the producer's I/O thread.
    private final Callback onCompletion =
        (metadata, e) -> {
          if (e != null) {
            failure.compareAndSet(null, e);
          }
        };

    FlushingProducerStore(KafkaSettings settings, String topic) {
      Map<String, Object> p = new HashMap<>(settings.producer());
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
      p.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-baseline");
      p.put(ProducerConfig.ACKS_CONFIG, "all");
      p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, settings.compression());
      p.put(ProducerConfig.LINGER_MS_CONFIG, (int) settings.linger().toMillis());
      p.put(ProducerConfig.BATCH_SIZE_CONFIG, settings.batchBytes());
      this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
      this.topic = topic;
    }

    @Override
    public String name() {
      return "flushing-producer";
    }

    @Override
    public void append(EventView event) throws IOException {
      String eventTopic = event.topic();
      byte[] payload = new byte[event.payloadLength()];
      event.copyPayload(0, payload, 0, payload.length);
      Header[] headers = {
        new RecordHeader("topic", eventTopic.getBytes(StandardCharsets.UTF_8)),
        new RecordHeader("priority", event.priority().name().getBytes(StandardCharsets.US_ASCII)),
        new RecordHeader("route", event.route().label().getBytes(StandardCharsets.US_ASCII)),
        new RecordHeader("client_time_us", longBytes(event.clientTimeMicros())),
        new RecordHeader("received_ms", longBytes(event.receivedMillis()))
      };
      try {
        producer.send(
            new ProducerRecord<>(
                topic,
                null,
                event.receivedMillis(),
                longBytes(event.eventId()),
                payload,
                List.of(headers)),
            onCompletion);
      } catch (KafkaException e) {
        throw new IOException(e);
      }
    }

    private static byte[] longBytes(long value) {
      return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
    }

    @Override
    public void append(RecordView record) {
      throw new UnsupportedOperationException("events only");
    }

    @Override
    public void commit() throws IOException {
      producer.flush();
      Exception e = failure.getAndSet(null);
      if (e != null) {
        throw new IOException("kafka send failed: " + e, e);
      }
    }

    @Override
    public void close() {
      producer.close();
    }
  }

  /** Conventional file log: the same record format through {@code java.io} streams. */
  private static final class DataStreamFileLog implements StorageBackend {
    private static final byte TYPE_EVENT = 1;

    private final FileOutputStream file;
    private final DataOutputStream out;
    private final SyncPolicy sync;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream(256);
    private final DataOutputStream bodyOut = new DataOutputStream(body);
    private final CRC32C crc = new CRC32C();

    DataStreamFileLog(Path path, SyncPolicy sync) throws IOException {
      this.file = new FileOutputStream(path.toFile());
      this.out = new DataOutputStream(new BufferedOutputStream(file));
      this.sync = sync;
    }

    @Override
    public String name() {
      return "data-stream-file";
    }

    @Override
    public void append(EventView event) throws IOException {
      body.reset();
      bodyOut.writeByte(TYPE_EVENT);
      bodyOut.writeByte(event.priority().code());
      bodyOut.writeByte(event.framePriority().code());
      bodyOut.writeLong(event.eventId());
      bodyOut.writeLong(event.clientTimeMicros());
      bodyOut.writeLong(event.receivedMillis());
      byte[] topic = event.topic().getBytes(StandardCharsets.UTF_8);
      bodyOut.writeShort(topic.length);
      bodyOut.write(topic);
      byte[] payload = new byte[event.payloadLength()];
      event.copyPayload(0, payload, 0, payload.length);
      bodyOut.writeInt(payload.length);
      bodyOut.write(payload);
      byte[] record = body.toByteArray();
      crc.reset();
      crc.update(record);
      out.writeInt(record.length);
      out.writeInt((int) crc.getValue());
      out.write(record);
    }

    @Override
    public void append(RecordView record) {
      throw new UnsupportedOperationException("events only");
    }

    @Override
    public void commit() throws IOException {
      out.flush();
      if (sync == SyncPolicy.ALWAYS) {
        file.getChannel().force(false); // as the real log: data, not metadata
      }
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }
}
