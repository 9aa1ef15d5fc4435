package io.eventstreamcore.ingest.client;

import io.eventstreamcore.engine.config.DurationText;
import io.eventstreamcore.engine.event.Priority;
import java.net.ConnectException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Settings of an {@link EventStreamProducer}, each with a default, checked as they are set; {@link
 * #start()} or {@link #connect()} makes the producer.
 */
public final class ProducerBuilder {
  final String host;
  final int port;
  int maxInFlightEvents = 10_000;
  long maxInFlightBytes = 64L * 1024 * 1024;
  Duration connectTimeout = Duration.ofSeconds(5);
  Duration reconnectBackoffMin = Duration.ofMillis(100);
  Duration reconnectBackoffMax = Duration.ofSeconds(10);
  int ackRequestInterval = 1;
  Duration ackTimeout = Duration.ofSeconds(30);
  Duration closeTimeout = Duration.ofSeconds(30);
  long maxFrameBytes = 1024 * 1024;
  LongSupplier eventIds = randomStartIds();
  InstantSource clock = InstantSource.system();
  ProducerListener listener = ProducerListener.NONE;

  ProducerBuilder(String host, int port) {
    this.host = Objects.requireNonNull(host, "host");
    if (port < 1 || port > 0xFFFF) {
      throw new IllegalArgumentException("port must be 1..65535: " + port);
    }
    this.port = port;
  }

  /** Bound on unacknowledged events; sends block beyond it. Default 10,000. */
  public ProducerBuilder maxInFlightEvents(int events) {
    if (events < 1) {
      throw new IllegalArgumentException("maxInFlightEvents must be >= 1: " + events);
    }
    this.maxInFlightEvents = events;
    return this;
  }

  /**
   * Bound on the payload and topic bytes of the unacknowledged events, whose copies the producer
   * keeps; sends block beyond it. One event larger than the bound is still sent, alone. Default 64
   * MiB.
   */
  public ProducerBuilder maxInFlightBytes(long bytes) {
    if (bytes < 1) {
      throw new IllegalArgumentException("maxInFlightBytes must be >= 1: " + bytes);
    }
    this.maxInFlightBytes = bytes;
    return this;
  }

  /** Timeout of one connection attempt. Default 5 s. */
  public ProducerBuilder connectTimeout(Duration timeout) {
    this.connectTimeout = positive("connectTimeout", timeout);
    return this;
  }

  /**
   * Wait before reconnecting: {@code min} after a connection that worked, doubling up to {@code
   * max} while attempts fail. Defaults 100 ms and 10 s.
   */
  public ProducerBuilder reconnectBackoff(Duration min, Duration max) {
    positive("reconnectBackoff min", min);
    positive("reconnectBackoff max", max);
    if (max.compareTo(min) < 0) {
      throw new IllegalArgumentException("reconnectBackoff max " + max + " < min " + min);
    }
    this.reconnectBackoffMin = min;
    this.reconnectBackoffMax = max;
    return this;
  }

  /**
   * Sets the ACK bit on the first frame of each connection and on every {@code n}th frame; 1 (the
   * default) sets it on every frame. The server acknowledges every frame of a connection once it
   * has asked, so this changes only what a frame asks, not what gets acknowledged.
   */
  public ProducerBuilder ackRequestInterval(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("ackRequestInterval must be >= 1: " + n);
    }
    this.ackRequestInterval = n;
    return this;
  }

  /**
   * How long the oldest written event may wait for its ACK before the connection is taken for dead
   * and replaced (its events resent). Longer than the worst storage stall you accept. Default 30 s.
   */
  public ProducerBuilder ackTimeout(Duration timeout) {
    this.ackTimeout = positive("ackTimeout", timeout);
    return this;
  }

  /** How long {@link EventStreamProducer#close()} waits for ACKs. Default 30 s. */
  public ProducerBuilder closeTimeout(Duration timeout) {
    this.closeTimeout = positive("closeTimeout", timeout);
    return this;
  }

  /**
   * Largest frame body sent; larger sends are refused at once. Set it to the server's {@code
   * eventstream.ingest.max-frame-bytes}. Default 1 MiB.
   */
  public ProducerBuilder maxFrameBytes(long bytes) {
    if (bytes < 1 || bytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("maxFrameBytes must be 1.." + Integer.MAX_VALUE);
    }
    this.maxFrameBytes = bytes;
    return this;
  }

  /**
   * The id generator of {@link EventStreamProducer#send(Priority, String, byte[])}; must be
   * thread-safe and give ids unique as the class comment says (0 is skipped). Default: random
   * 64-bit start, counting up.
   */
  public ProducerBuilder eventIds(LongSupplier generator) {
    this.eventIds = Objects.requireNonNull(generator, "generator");
    return this;
  }

  /** Clock of the client timestamps. Default: the system clock. */
  public ProducerBuilder clock(InstantSource clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  /** Receives rejections and connection changes. Default: none. */
  public ProducerBuilder listener(ProducerListener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
    return this;
  }

  /**
   * Starts a producer that connects in the background: sends are accepted (up to the window) while
   * the server is unreachable.
   */
  public EventStreamProducer start() {
    return EventStreamProducer.start(this);
  }

  /**
   * Starts a producer and waits for its first connection.
   *
   * @throws ConnectException when no connection was made within the connect timeout; the producer
   *     is closed then
   */
  public EventStreamProducer connect() throws ConnectException, InterruptedException {
    EventStreamProducer producer = start();
    boolean connected = false;
    try {
      connected = producer.awaitConnected(connectTimeout);
    } finally {
      if (!connected) {
        producer.close(Duration.ZERO);
      }
    }
    if (!connected) {
      throw new ConnectException(
          "no connection to " + host + ":" + port + " within " + DurationText.of(connectTimeout));
    }
    return producer;
  }

  private static final Duration LONGEST = Duration.ofDays(365);

  /**
   * Positive and at most a year: the producer counts in nanoseconds, where a few hundred years
   * overflow (a doubled backoff, a close that waits), and a year is as good as for ever.
   */
  private static Duration positive(String name, Duration d) {
    if (d.isNegative() || d.isZero() || d.compareTo(LONGEST) > 0) {
      throw new IllegalArgumentException(
          name + " must be positive and at most " + LONGEST + ": " + d);
    }
    return d;
  }

  /** Ids from a random 64-bit start, counting up: distinct across producers and restarts. */
  private static LongSupplier randomStartIds() {
    AtomicLong next = new AtomicLong(new SecureRandom().nextLong());
    return next::incrementAndGet;
  }
}
