package io.eventstreamcore.ingest.server;

import com.typesafe.config.Config;
import io.eventstreamcore.engine.config.DurationText;
import io.eventstreamcore.engine.config.EngineSettings;
import java.time.Duration;

/** Settings of the TCP ingest server, read once from {@code eventstream.ingest} and checked. */
public final class IngestSettings {
  private static final long MAX_FRAME_LIMIT = 1L << 30;

  private final String host;
  private final int port;
  private final int ioThreads;
  private final long maxFrameBytes;
  private final int maxConnections;
  private final Duration resumeDelay;
  private final Duration frameTimeout;

  /** Reads and validates the ingest settings from the root configuration. */
  public IngestSettings(Config root) {
    Config c = root.getConfig("eventstream.ingest");
    host = c.getString("host");
    port = c.getInt("port");
    if (port < 0 || port > 65535) {
      throw EngineSettings.bad("eventstream.ingest.port", port, "must be 0..65535");
    }
    int configured = c.getInt("io-threads");
    if (configured < 0) {
      throw EngineSettings.bad(
          "eventstream.ingest.io-threads", configured, "must be 0 (half the cores) or more");
    }
    ioThreads =
        configured > 0 ? configured : Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    maxFrameBytes = c.getBytes("max-frame-bytes");
    if (maxFrameBytes < 1 || maxFrameBytes > MAX_FRAME_LIMIT) {
      throw EngineSettings.bad(
          "eventstream.ingest.max-frame-bytes", maxFrameBytes, "must be 1.." + MAX_FRAME_LIMIT);
    }
    maxConnections = c.getInt("max-connections");
    if (maxConnections < 1) {
      throw EngineSettings.bad(
          "eventstream.ingest.max-connections", maxConnections, "must be at least 1");
    }
    resumeDelay = c.getDuration("backpressure-retry");
    if (resumeDelay.isNegative() || resumeDelay.isZero()) {
      throw EngineSettings.bad(
          "eventstream.ingest.backpressure-retry", resumeDelay, "must be positive");
    }
    frameTimeout = c.getDuration("frame-timeout");
    if (frameTimeout.isNegative()) {
      throw EngineSettings.bad(
          "eventstream.ingest.frame-timeout", frameTimeout, "must be 0 (never) or positive");
    }
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  public int ioThreads() {
    return ioThreads;
  }

  public long maxFrameBytes() {
    return maxFrameBytes;
  }

  public int maxConnections() {
    return maxConnections;
  }

  /** How long a connection may stop sending in the middle of a frame; zero: for ever. */
  public Duration frameTimeout() {
    return frameTimeout;
  }

  /** How soon a connection paused by a full ring tries again. */
  public Duration resumeDelay() {
    return resumeDelay;
  }

  @Override
  public String toString() {
    return "ingest="
        + host
        + ":"
        + port
        + " io-threads="
        + ioThreads
        + " max-frame-bytes="
        + maxFrameBytes
        + " max-connections="
        + maxConnections
        + " frame-timeout="
        + DurationText.of(frameTimeout);
  }
}
