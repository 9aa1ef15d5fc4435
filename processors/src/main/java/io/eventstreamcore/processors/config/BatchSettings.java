package io.eventstreamcore.processors.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import io.eventstreamcore.engine.config.DurationText;
import io.eventstreamcore.engine.config.EngineSettings;
import java.time.Duration;
import java.util.Locale;

/**
 * Settings of the built-in batch windows, read once from {@code eventstream.processors.batch}:
 * window length, which clock places events in windows, allowed lateness (event time only) and the
 * size bound. Every value is checked here and a bad one is reported with its key and value.
 */
public final class BatchSettings {
  /** Most windows one topic may keep open at once: the handler preallocates them for each topic. */
  public static final int MAX_WINDOWS_PER_TOPIC = 64;

  private static final String PREFIX = "eventstream.processors.batch.";

  /** The clock that places an event in a window. */
  public enum TimeBasis {
    /** The time the server read the event; never late. */
    PROCESSING,
    /** The producer's v2 {@code client_time_us}, or the received time for events without one. */
    EVENT
  }

  private final Duration window;
  private final TimeBasis time;
  private final Duration allowedLateness;
  private final long maxEvents;

  /** Reads and checks {@code c}, the {@code eventstream.processors.batch} block. */
  BatchSettings(Config c) {
    window = c.getDuration("window");
    if (window.toMillis() <= 0) {
      throw EngineSettings.bad(PREFIX + "window", window, "must be at least 1ms");
    }
    String timeText = c.getString("time");
    try {
      time = TimeBasis.valueOf(timeText.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw EngineSettings.bad(PREFIX + "time", timeText, "is not processing or event");
    }
    allowedLateness = c.getDuration("allowed-lateness");
    if (allowedLateness.isNegative()) {
      throw EngineSettings.bad(
          PREFIX + "allowed-lateness", allowedLateness, "must not be negative");
    }
    if (time == TimeBasis.PROCESSING && allowedLateness.toMillis() > 0) {
      throw EngineSettings.bad(
          PREFIX + "allowed-lateness",
          allowedLateness,
          "is only for time = event: by processing time no event is late");
    }
    long windows = windowsPerTopic(window.toMillis(), allowedLateness.toMillis());
    if (windows > MAX_WINDOWS_PER_TOPIC) {
      throw EngineSettings.bad(
          PREFIX + "allowed-lateness",
          allowedLateness,
          "keeps up to "
              + windows
              + " windows of "
              + window
              + " open per topic (allowed-lateness / window + 1), more than "
              + MAX_WINDOWS_PER_TOPIC
              + ": lengthen the window or shorten the lateness");
    }
    try {
      maxEvents = c.getLong("max-events");
    } catch (ConfigException.WrongType e) {
      throw EngineSettings.bad(
          PREFIX + "max-events",
          c.getValue("max-events").render(ConfigRenderOptions.concise()),
          "must be a whole number");
    }
    if (maxEvents < 0) {
      throw EngineSettings.bad(PREFIX + "max-events", maxEvents, "must be 0 (no bound) or more");
    }
  }

  /** Settings from values, checked as configuration is; for tests and embedding. */
  public static BatchSettings of(
      Duration window, TimeBasis time, Duration allowedLateness, long maxEvents) {
    return new BatchSettings(
        ConfigFactory.parseString(
            "window = "
                + window.toMillis()
                + "ms\ntime = "
                + time.name().toLowerCase(Locale.ROOT)
                + "\nallowed-lateness = "
                + allowedLateness.toMillis()
                + "ms\nmax-events = "
                + maxEvents));
  }

  private static long windowsPerTopic(long windowMillis, long latenessMillis) {
    // Open windows all end after the watermark (newest event time - lateness) and start at or
    // before the newest event time: at most ceil(lateness / window) + 1 of them.
    return (latenessMillis + windowMillis - 1) / windowMillis + 1;
  }

  /**
   * Checks that one event or tick never needs more records than the engine lets a handler emit for
   * it ({@link EngineSettings#handlerRecordsPerEvent()}).
   */
  public void checkRecordBound(EngineSettings engine) {
    int allowed = engine.handlerRecordsPerEvent();
    if (maxRecordsPerEvent() > allowed) {
      throw EngineSettings.bad(
          PREFIX + "allowed-lateness",
          allowedLateness,
          "lets one event close up to "
              + maxRecordsPerEvent()
              + " windows, more than the "
              + allowed
              + " records eventstream.ring.record-queue-size = "
              + engine.recordQueueSize()
              + " allows per event: raise the queue size or shorten the lateness");
    }
  }

  /**
   * What to say at start about this configuration, or null: by event time with no lateness, an
   * event that arrives later after its predecessor than their times differ is late whenever a
   * window ends between them, though in order.
   */
  public String caution() {
    if (time != TimeBasis.EVENT || !allowedLateness.isZero()) {
      return null;
    }
    return PREFIX
        + "time = event with allowed-lateness = 0s: events in order are late at window ends"
        + " whenever their transit times vary; set allowed-lateness to at least that variation";
  }

  public Duration window() {
    return window;
  }

  public long windowMillis() {
    return window.toMillis();
  }

  public TimeBasis time() {
    return time;
  }

  public Duration allowedLateness() {
    return allowedLateness;
  }

  /** Most events in one window before it closes; 0 for no bound. */
  public long maxEvents() {
    return maxEvents;
  }

  /** Windows one topic can have open at once: allowed-lateness / window, rounded up, + 1. */
  public int windowsPerTopic() {
    return (int) windowsPerTopic(window.toMillis(), allowedLateness.toMillis());
  }

  /**
   * Most records one event can make the handler emit: every open window of its topic closing as the
   * watermark passes, and its own window reaching max-events.
   */
  public int maxRecordsPerEvent() {
    return windowsPerTopic() + 1;
  }

  @Override
  public String toString() {
    return "batch.window="
        + DurationText.of(window)
        + " batch.time="
        + time.name().toLowerCase(Locale.ROOT)
        + " batch.allowed-lateness="
        + DurationText.of(allowedLateness)
        + " batch.max-events="
        + maxEvents;
  }
}
