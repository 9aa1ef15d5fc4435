package io.eventstreamcore.deploy.cli;

import io.eventstreamcore.deploy.JsonText;
import io.eventstreamcore.engine.record.RecordKind;
import io.eventstreamcore.engine.spi.StoredEvent;
import io.eventstreamcore.engine.spi.StoredRecord;
import io.eventstreamcore.storage.file.FileLogReader;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;

/**
 * Prints stored events and records for {@code inspect} and {@code tail}: YAML documents or JSON
 * lines. A payload that is valid UTF-8 text prints as {@code payload}; any other as {@code
 * payload_base64}.
 */
final class RecordPrinter implements FileLogReader.Visitor {
  /** Output formats. */
  enum Format {
    YAML,
    JSON
  }

  private final PrintWriter out;
  private final Format format;
  private final String positionName;
  private final boolean flushEach;

  /**
   * A printer of items whose position is called {@code positionName} (e.g. offset); a negative
   * position is not printed. With {@code flushEach}, each item is flushed as soon as printed (for a
   * follow).
   */
  RecordPrinter(PrintWriter out, Format format, String positionName, boolean flushEach) {
    this.out = out;
    this.format = format;
    this.positionName = positionName;
    this.flushEach = flushEach;
  }

  @Override
  public void event(long offset, StoredEvent e) {
    Fields f = begin(offset, "event");
    f.text("topic", e.topic());
    f.text("priority", e.priority().name());
    f.text("route", e.route().label());
    f.unsigned("event_id", e.eventId());
    f.unsigned("client_time_us", e.clientTimeMicros());
    f.number("received_ms", e.receivedMillis());
    f.text("received", Instant.ofEpochMilli(e.receivedMillis()).toString());
    payload(f, e.payload());
    f.end();
  }

  private static void payload(Fields f, byte[] payload) {
    String text = utf8(payload);
    if (text != null) {
      f.text("payload", text);
    } else {
      f.text("payload_base64", Base64.getEncoder().encodeToString(payload));
    }
  }

  @Override
  public void record(long offset, StoredRecord r) {
    Fields f = begin(offset, r.kind().name().toLowerCase(Locale.ROOT));
    f.text("topic", r.topic());
    if (r.kind() == RecordKind.DEAD_LETTER) {
      f.text("reason", r.reason().label());
      f.text("priority", r.priority().name());
      f.unsigned("event_id", r.eventId());
      f.unsigned("client_time_us", r.clientTimeMicros());
      f.number("received_ms", r.timeMillis());
      f.text("received", Instant.ofEpochMilli(r.timeMillis()).toString());
      payload(f, r.payload());
    } else if (r.kind() == RecordKind.DERIVED_EVENT) {
      f.text("name", r.name());
      f.text("priority", r.priority().name());
      f.unsigned("event_id", r.eventId());
      f.number("time_ms", r.timeMillis());
      f.text("time", Instant.ofEpochMilli(r.timeMillis()).toString());
      payload(f, r.payload());
    } else if (r.kind() == RecordKind.ALERT) {
      f.text("rule", r.name());
      f.text("severity", r.severity());
      f.number("time_ms", r.timeMillis());
      f.unsigned("event_id", r.eventId());
      f.text("value", Double.toString(r.value()));
    } else {
      f.number("start_ms", r.startMillis());
      f.number("end_ms", r.endMillis());
      f.number("count", r.count());
      f.number("payload_bytes", r.payloadBytes());
      f.number("min_payload_bytes", r.minPayloadBytes());
      f.number("max_payload_bytes", r.maxPayloadBytes());
      f.decimal("mean_payload_bytes", r.meanPayloadBytes());
      f.number("first_ms", r.firstMillis());
      f.number("last_ms", r.lastMillis());
      f.unsigned("min_event_id", r.minEventId());
      f.unsigned("max_event_id", r.maxEventId());
      if (!r.name().isEmpty()) {
        f.text("aggregate_name", r.name());
        f.decimal("aggregate_value", r.value());
      }
    }
    f.end();
  }

  private Fields begin(long offset, String kind) {
    Fields f = format == Format.JSON ? new JsonFields() : new YamlFields();
    if (offset >= 0) {
      f.number(positionName, offset);
    }
    f.text("kind", kind);
    return f;
  }

  private static String utf8(byte[] bytes) {
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
      return text.chars().allMatch(c -> c >= 0x20 || c == '\t' || c == '\n') ? text : null;
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /** One printed item, field by field. */
  private interface Fields {
    void text(String name, String value);

    default void number(String name, long value) {
      raw(name, Long.toString(value));
    }

    /** A protocol u64 (event id, client time), printed as the unsigned number it is. */
    default void unsigned(String name, long value) {
      raw(name, Long.toUnsignedString(value));
    }

    /** A number already formatted. */
    void raw(String name, String number);

    void decimal(String name, double value);

    void end();
  }

  private final class JsonFields implements Fields {
    private final JsonText json = new JsonText().begin();

    @Override
    public void text(String name, String value) {
      json.field(name, value);
    }

    @Override
    public void raw(String name, String number) {
      json.numberField(name, number);
    }

    @Override
    public void decimal(String name, double value) {
      json.exactField(name, value);
    }

    @Override
    public void end() {
      out.println(json.close());
      if (flushEach) {
        out.flush();
      }
    }
  }

  private final class YamlFields implements Fields {
    private final StringBuilder yaml = new StringBuilder("---\n");

    @Override
    public void text(String name, String value) {
      // Double-quoted YAML scalars take JSON's escapes, so JSON string quoting is valid YAML.
      yaml.append(name).append(": ").append(JsonText.quoted(value)).append('\n');
    }

    @Override
    public void raw(String name, String number) {
      yaml.append(name).append(": ").append(number).append('\n');
    }

    @Override
    public void decimal(String name, double value) {
      String text;
      if (Double.isNaN(value)) {
        text = ".nan";
      } else if (Double.isInfinite(value)) {
        text = value > 0 ? ".inf" : "-.inf";
      } else {
        text = Double.toString(value);
      }
      yaml.append(name).append(": ").append(text).append('\n');
    }

    @Override
    public void end() {
      out.print(yaml);
      if (flushEach) {
        out.flush();
      }
    }
  }
}
