package io.eventstreamcore.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.ingest.client.EventStreamClient;
import io.eventstreamcore.storage.testing.LoopbackProxy;
import io.eventstreamcore.storage.testing.TestPostgres;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The service with PostgreSQL as its only storage loses the database mid-stream: it stops being
 * ready, reports the backend down and counts the errors, stops acknowledging and backpressures the
 * producer; when the database is back everything resumes, and every acknowledged event is in
 * PostgreSQL exactly once.
 *
 * <p>The service reaches PostgreSQL through a {@link LoopbackProxy}, and the outage is the proxy
 * cutting every connection and refusing new ones. It stands in for the server going away because
 * stopping the shared PostgreSQL server on this machine would break every other test using it.
 */
class SqlOutageTest {
  private static final int BEFORE_CUT = 500;
  private static final int TOTAL = 20_000;
  // Large enough that what the ring and the socket buffers hold is far below TOTAL: the
  // producer must block while the database is away.
  private static final int PAYLOAD_BYTES = 1_000;

  @Test
  void aDatabaseOutageBackpressuresTheProducerAndEveryAckedEventIsStoredOnce() throws Exception {
    TestPostgres.assumeAvailable();
    String prefix =
        "outage" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE) + "_";
    try (LoopbackProxy proxy =
        LoopbackProxy.start(new InetSocketAddress(TestPostgres.HOST, TestPostgres.PORT))) {
      EventStreamService service =
          EventStreamService.start(
              TestConfigs.withOverrides(
                  "eventstream.storage.backends = [sql]\n"
                      + "eventstream.ring.size = 1024\n"
                      + "eventstream.storage.sql { url = \"jdbc:postgresql://127.0.0.1:"
                      + proxy.port()
                      + "/test\", user = "
                      + TestPostgres.USER
                      + ", table-prefix = "
                      + prefix
                      + ", timeout = 5s }\n"));
      try (EventStreamClient client = EventStreamClient.connect(service.ingestAddress())) {
        for (int i = 1; i <= BEFORE_CUT; i++) {
          send(client, i);
        }
        client.flush();
        assertThat(client.awaitAck(BEFORE_CUT, Duration.ofSeconds(30))).isTrue();
        assertThat(service.ready()).isTrue();
        double pausesBefore = service.metrics().backpressurePauses().get();

        proxy.cut();
        AtomicReference<Exception> producerFailure = new AtomicReference<>();
        Thread producer =
            new Thread(
                () -> {
                  try {
                    for (int i = BEFORE_CUT + 1; i <= TOTAL; i++) {
                      send(client, i);
                    }
                    client.flush();
                  } catch (IOException e) {
                    producerFailure.set(e);
                  }
                },
                "sql-outage-producer");
        producer.start();

        await().atMost(Duration.ofSeconds(30)).until(() -> !service.ready());
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> AdminHttp.metric(service, "eventstream_storage_up{backend=\"sql\"}") == 0);
        assertThat(AdminHttp.metric(service, "eventstream_storage_errors_total{backend=\"sql\"}"))
            .isPositive();
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> service.metrics().backpressurePauses().get() > pausesBefore);
        assertThat(producer.isAlive()).as("the producer is held back").isTrue();
        assertThat(client.lastAck()).as("no ACK while nothing can be stored").isEqualTo(BEFORE_CUT);
        assertThat(storedEvents(prefix)).isEqualTo(BEFORE_CUT);

        proxy.restore();
        producer.join(Duration.ofSeconds(60).toMillis());
        assertThat(producer.isAlive()).isFalse();
        assertThat(producerFailure.get()).isNull();
        assertThat(client.awaitAck(TOTAL, Duration.ofSeconds(60))).isTrue();
        assertThat(client.errors()).isEmpty();
        await().atMost(Duration.ofSeconds(30)).until(service::ready);
        assertThat(AdminHttp.metric(service, "eventstream_storage_up{backend=\"sql\"}"))
            .isEqualTo(1);
      } finally {
        proxy.restore(); // so a failed assertion does not leave the service draining into a cut
        service.close();
      }
      checkStoredExactlyOnce(prefix);
    } finally {
      TestPostgres.dropTables(prefix);
    }
  }

  private static void send(EventStreamClient client, int i) throws IOException {
    byte[] payload = ByteBuffer.allocate(PAYLOAD_BYTES).putInt(i).array();
    client.send(Priority.MEDIUM, "orders/" + (i % 8), i, payload, true);
  }

  private static int storedEvents(String prefix) throws SQLException {
    try (Connection c = TestPostgres.connect();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT count(*) FROM " + prefix + "events")) {
      r.next();
      return r.getInt(1);
    }
  }

  private static void checkStoredExactlyOnce(String prefix) throws SQLException {
    try (Connection c = TestPostgres.connect();
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT count(*), count(DISTINCT event_id), min(event_id), max(event_id) FROM "
                    + prefix
                    + "events")) {
      r.next();
      assertThat(r.getLong(1)).as("rows").isEqualTo(TOTAL);
      assertThat(r.getLong(2)).as("distinct event ids").isEqualTo(TOTAL);
      assertThat(r.getLong(3)).isEqualTo(1);
      assertThat(r.getLong(4)).isEqualTo(TOTAL);
    }
  }
}
