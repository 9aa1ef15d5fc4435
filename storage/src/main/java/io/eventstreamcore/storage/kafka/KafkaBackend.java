package io.eventstreamcore.storage.kafka;

import io.eventstreamcore.engine.event.EventView;
import io.eventstreamcore.engine.record.RecordView;
import io.eventstreamcore.engine.spi.StorageBackend;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes events and records to Kafka ({@link KafkaRecordDescriptor}) through an idempotent producer
 * with {@code acks=all}. {@link #append} sends asynchronously; {@link #commit()} returns only when
 * the broker acknowledged every record sent since the last successful commit, so a client's ACK
 * means the in-sync replicas have the event.
 *
 * <p>Nothing acknowledged is lost: the backend keeps a copy of every record until a commit has seen
 * it acknowledged. A commit that runs out of its time fails and leaves the sends running; the next
 * one waits on them again. A send that failed for good (its delivery timeout expired during a long
 * outage, say) is sent again from the copy at the next commit. Such a resend may store the record
 * twice in Kafka if the first attempt had in fact reached the broker, and may place it after later
 * records; consumers dedup by key (the event id). The producer's own retries never duplicate: it is
 * idempotent.
 *
 * <p>A producer that can no longer send (one in Kafka's fatal error state, after an authentication
 * failure, say: every send then throws) is closed and replaced by a new one at the next send; the
 * kept copies are sent again through it.
 *
 * <p>Threading: append and commit on the writer thread only; close after it has stopped.
 */
public final class KafkaBackend implements StorageBackend {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaBackend.class);

  private final String name;
  private final boolean durable;
  private final Function<Map<String, Object>, Producer<byte[], byte[]>> producers;
  private final Map<String, Object> producerProperties;
  // Null after a producer that could no longer send was closed, until the next send builds one.
  private Producer<byte[], byte[]> producer;
  private final TopicMapping topics;
  private final String recordsTopic;
  private final long commitTimeoutNanos;
  private final Duration closeTimeout;
  // The uncommitted batch, in append order, and the send of each; a null send is one that failed
  // for good or was never started, and is sent at the next commit. Bounded by one ring batch and
  // its records.
  private final List<ProducerRecord<byte[], byte[]>> pending = new ArrayList<>();
  private final List<Future<RecordMetadata>> sends = new ArrayList<>();
  // Set when a send failed at once (send() waited max.block.ms for the topic's metadata, i.e. no
  // broker answers); later appends then only keep their copy, so an outage costs one such wait
  // per batch rather than one per event. Cleared by a successful commit.
  private boolean sendsFailing;
  // Written by the writer thread, read by tests and diagnostics.
  private volatile long resent;
  private boolean replacedSinceCommit;
  // Set by close, which may run while a writer still sends (a stop that waited it out): no new
  // producer after that.
  private volatile boolean closed;

  /** Opens a producer on {@code settings}; it connects lazily, at the first send. */
  public KafkaBackend(String name, KafkaSettings settings, boolean durable) {
    this(
        name,
        settings,
        durable,
        properties ->
            new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer()));
  }

  /** Opens the backend on producers that {@code producers} makes; tests watch them. */
  KafkaBackend(
      String name,
      KafkaSettings settings,
      boolean durable,
      Function<Map<String, Object>, Producer<byte[], byte[]>> producers) {
    this.name = name;
    this.durable = durable;
    this.topics =
        new TopicMapping(
            settings.topicMapping(),
            settings.eventsTopic(),
            settings.topicPrefix(),
            settings.recordsTopic());
    this.recordsTopic = settings.recordsTopic();
    this.commitTimeoutNanos = settings.commitTimeout().toNanos();
    this.closeTimeout = settings.commitTimeout();
    this.producers = producers;
    this.producerProperties = settings.producerConfig("eventstream-" + name);
    this.producer = producers.apply(producerProperties);
    LOG.info("kafka backend '{}': {}", name, settings);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean durable() {
    return durable;
  }

  /**
   * How many sends a commit made from kept copies: of records whose send had failed for good, or
   * that were only kept because sends were failing.
   */
  public long resent() {
    return resent;
  }

  @Override
  public void append(EventView event) throws IOException {
    String topic = event.sentTopic();
    byte[] payload = new byte[event.payloadLength()];
    event.copyPayload(0, payload, 0, payload.length);
    Header[] headers = {
      new RecordHeader(KafkaRecordDescriptor.HEADER_TOPIC, topic.getBytes(StandardCharsets.UTF_8)),
      new RecordHeader(
          KafkaRecordDescriptor.HEADER_PRIORITY,
          event.priority().name().getBytes(StandardCharsets.US_ASCII)),
      new RecordHeader(
          KafkaRecordDescriptor.HEADER_ROUTE,
          event.route().label().getBytes(StandardCharsets.US_ASCII)),
      new RecordHeader(
          KafkaRecordDescriptor.HEADER_CLIENT_TIME_US,
          KafkaRecordDescriptor.longBytes(event.clientTimeMicros())),
      new RecordHeader(
          KafkaRecordDescriptor.HEADER_RECEIVED_MS,
          KafkaRecordDescriptor.longBytes(event.receivedMillis()))
    };
    add(
        new ProducerRecord<>(
            // Topics beyond topics.max share one Kafka topic, as they share _overflow upstream.
            topics.kafkaTopic(event.topic()),
            null,
            event.receivedMillis(),
            KafkaRecordDescriptor.eventKey(event.eventId(), topic),
            payload,
            List.of(headers)));
  }

  @Override
  public void append(RecordView record) throws IOException {
    byte[] topic = record.topic().getBytes(StandardCharsets.UTF_8);
    Header[] headers = {
      new RecordHeader(
          KafkaRecordDescriptor.HEADER_KIND,
          record.kind().name().getBytes(StandardCharsets.US_ASCII)),
      new RecordHeader(KafkaRecordDescriptor.HEADER_TOPIC, topic)
    };
    add(
        new ProducerRecord<>(
            recordsTopic,
            null,
            KafkaRecordDescriptor.recordTimestamp(record, System.currentTimeMillis()),
            topic,
            KafkaRecordDescriptor.recordJson(record),
            List.of(headers)));
  }

  /** Sends {@code record} and keeps it; if the send cannot start, the caller appends it again. */
  private void add(ProducerRecord<byte[], byte[]> record) throws IOException {
    if (sendsFailing) {
      pending.add(record);
      sends.add(null);
      return;
    }
    Future<RecordMetadata> send = send(record);
    pending.add(record);
    sends.add(send);
    sendsFailing = failedAtOnce(send);
  }

  /** True when {@code send} has already failed: the producer gave up before queueing it. */
  private static boolean failedAtOnce(Future<RecordMetadata> send) {
    if (!send.isDone()) {
      return false;
    }
    try {
      send.get();
      return false;
    } catch (ExecutionException e) {
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record) throws IOException {
    try {
      if (producer == null) {
        if (closed) {
          throw new IOException("kafka backend '" + name + "' is closed");
        }
        producer = producers.apply(producerProperties);
        if (!replacedSinceCommit) {
          replacedSinceCommit = true; // logged once per outage: the writer retries every second
          LOG.warn("kafka backend '{}': replaced a producer that could send no more", name);
        }
      }
      return producer.send(record);
    } catch (InterruptException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted sending to kafka");
    } catch (KafkaException | IllegalStateException e) {
      // An outage (metadata unknown, buffer full for max.block.ms) fails the send's future instead;
      // a send that throws comes from a producer that can send no more: its fatal error state, or
      // closed. The next send gets a new one; what this one had in flight fails and is resent.
      discardProducer();
      throw new IOException("kafka send to " + record.topic() + " failed: " + e, e);
    }
  }

  private void discardProducer() {
    Producer<byte[], byte[]> broken = producer;
    producer = null;
    // A forced close fails its sends still in flight before it returns: the next commit sends
    // them again.
    if (broken != null) {
      try {
        broken.close(Duration.ZERO);
      } catch (RuntimeException e) {
        LOG.debug("kafka backend '{}': closing a broken producer failed", name, e);
      }
    }
  }

  @Override
  public void commit() throws IOException {
    if (pending.isEmpty()) {
      return;
    }
    sendUnsent();
    long deadline = System.nanoTime() + commitTimeoutNanos;
    int failed = 0;
    Throwable firstFailure = null;
    for (int i = 0; i < sends.size(); i++) {
      try {
        sends.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (ExecutionException e) {
        // Failed for good (delivery timeout, a non-retriable error): send again next commit.
        sends.set(i, null);
        failed++;
        if (firstFailure == null) {
          firstFailure = e.getCause();
        }
      } catch (TimeoutException e) {
        // The producer goes on retrying; the next commit waits on the same sends.
        throw new IOException(
            "kafka broker did not acknowledge "
                + (sends.size() - i)
                + " of "
                + sends.size()
                + " records within "
                + Duration.ofNanos(commitTimeoutNanos));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted waiting for kafka acknowledgements");
      }
    }
    if (failed > 0) {
      throw new IOException(
          failed + " kafka sends failed, to be sent again: " + firstFailure, firstFailure);
    }
    pending.clear();
    sends.clear();
    sendsFailing = false;
    replacedSinceCommit = false;
  }

  /**
   * Sends, from the kept copies, every record whose last send failed for good or that was kept
   * without a send; stops at the first that fails at once, as the rest would wait as long. Sends
   * still in flight are left to the producer, which retries them itself.
   */
  private void sendUnsent() throws IOException {
    for (int i = 0; i < sends.size(); i++) {
      Future<RecordMetadata> last = sends.get(i);
      if (last == null || failedAtOnce(last)) {
        Future<RecordMetadata> send = send(pending.get(i));
        resent++;
        if (failedAtOnce(send)) {
          sendsFailing = true;
          throw new IOException(
              "kafka send to " + pending.get(i).topic() + " failed: " + cause(send));
        }
        sends.set(i, send);
      }
    }
  }

  private static Throwable cause(Future<RecordMetadata> failed) {
    try {
      failed.get();
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return e;
    }
  }

  /** Commits already waited for the broker; there is nothing more to force. */
  @Override
  public void sync() {}

  @Override
  public void close() throws IOException {
    closed = true;
    if (!pending.isEmpty()) {
      LOG.warn(
          "kafka backend '{}' closed with {} records not acknowledged by the broker",
          name,
          pending.size());
    }
    if (producer == null) {
      return;
    }
    try {
      producer.close(closeTimeout);
    } catch (KafkaException e) {
      throw new IOException("closing kafka producer failed: " + e, e);
    }
  }
}
