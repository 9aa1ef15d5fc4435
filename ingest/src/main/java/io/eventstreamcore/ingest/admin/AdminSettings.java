package io.eventstreamcore.ingest.admin;

import com.typesafe.config.Config;
import io.eventstreamcore.engine.config.EngineSettings;
import java.time.Duration;

/** Settings of the admin HTTP server, read once from {@code eventstream.admin}. */
public final class AdminSettings {
  private final boolean enabled;
  private final String host;
  private final int port;
  private final Duration idleTimeout;
  private final int maxConnections;

  /** Reads and validates the admin settings from the root configuration. */
  public AdminSettings(Config root) {
    Config c = root.getConfig("eventstream.admin");
    enabled = c.getBoolean("enabled");
    host = c.getString("host");
    port = c.getInt("port");
    if (port < 0 || port > 65535) {
      throw EngineSettings.bad("eventstream.admin.port", port, "must be 0..65535");
    }
    idleTimeout = c.getDuration("idle-timeout");
    if (idleTimeout.toMillis() < 1) {
      throw EngineSettings.bad(
          "eventstream.admin.idle-timeout", c.getString("idle-timeout"), "must be at least 1ms");
    }
    maxConnections = c.getInt("max-connections");
    if (maxConnections < 1) {
      throw EngineSettings.bad(
          "eventstream.admin.max-connections", maxConnections, "must be at least 1");
    }
  }

  public boolean enabled() {
    return enabled;
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  /** How long a connection may send nothing before it is closed. */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /** Open connections beyond this are closed at once. */
  public int maxConnections() {
    return maxConnections;
  }
}
