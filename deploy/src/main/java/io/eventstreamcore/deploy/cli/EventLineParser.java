package io.eventstreamcore.deploy.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.ingest.client.StrictUtf8;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;

/**
 * Reads one event of {@code send}'s JSON-lines input: {@code {"topic": "orders", "priority":
 * "HIGH", "id": 42, "payload": "text"}}; {@code priority} also as 0..4 and {@code payload_base64}
 * for binary payloads. Absent fields take the command's defaults; an id of 0 or none asks the
 * producer for one. {@code inspect --format json}'s lines read back as the events they show: its
 * {@code event_id} is the id, its {@code client_time_us} the client time, its other fields are
 * skipped, and a line of another {@code kind} (an alert, a window) is refused, as is a field that
 * is neither.
 */
final class EventLineParser {
  /** One parsed line. */
  record Line(
      String topic, Priority priority, long eventId, long clientTimeMicros, byte[] payload) {}

  // What inspect --format json writes of an event besides the fields read: where it was stored,
  // its route and received time, which a new send does not take over.
  private static final Set<String> INSPECT_FIELDS =
      Set.of("offset", "row", "position", "route", "received_ms", "received");

  private final JsonFactory json = new JsonFactory();
  private final String defaultTopic;
  private final Priority defaultPriority;

  EventLineParser(String defaultTopic, Priority defaultPriority) {
    this.defaultTopic = defaultTopic;
    this.defaultPriority = defaultPriority;
  }

  /** Parses a line; throws IllegalArgumentException saying what is wrong with it. */
  Line parse(String line) {
    String topic = defaultTopic;
    Priority priority = defaultPriority;
    long id = 0;
    long clientTime = 0;
    byte[] payload = new byte[0];
    try (JsonParser p = json.createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "topic" -> topic = text(p, value, field);
          case "priority" -> priority = priority(p, value);
          case "id", "event_id" -> id = unsigned64(p, value, field);
          case "client_time_us" -> clientTime = unsigned64(p, value, field);
          case "kind" -> {
            String kind = text(p, value, field);
            if (!kind.equals("event")) {
              throw new IllegalArgumentException(
                  "a record of kind " + kind + ", not an event"); // alert, window, ...
            }
          }
          case "payload" -> payload = StrictUtf8.encode(text(p, value, field), "\"payload\"");
          case "payload_base64" -> payload = base64(text(p, value, field));
          default -> {
            // A misspelt field ("paylod") would otherwise send an event other than the one meant.
            if (!INSPECT_FIELDS.contains(field)) {
              throw new IllegalArgumentException(
                  "unknown field \""
                      + field
                      + "\" (an event has topic, priority, id or event_id, client_time_us,"
                      + " payload or payload_base64, and kind event)");
            }
            p.skipChildren();
          }
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw new IllegalArgumentException("trailing content after the object");
      }
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a parser over a String reads no I/O
    }
    if (topic == null || topic.isEmpty()) {
      throw new IllegalArgumentException("no topic (give \"topic\" or --topic)");
    }
    return new Line(topic, priority, id, clientTime, payload);
  }

  private static String text(JsonParser p, JsonToken value, String field) throws IOException {
    if (value != JsonToken.VALUE_STRING) {
      throw new IllegalArgumentException("\"" + field + "\" must be a string");
    }
    return p.getText();
  }

  /** A protocol u64 field: 0 to 2^64 - 1, as the long with the same 64 bits. */
  private static long unsigned64(JsonParser p, JsonToken value, String field) throws IOException {
    if (value != JsonToken.VALUE_NUMBER_INT) {
      throw new IllegalArgumentException("\"" + field + "\" must be an integer");
    }
    try {
      return UnsignedIds.parse(p.getText());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("\"" + field + "\" " + e.getMessage(), e);
    }
  }

  private static Priority priority(JsonParser p, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_NUMBER_INT) {
      int code = p.getIntValue();
      if (code < 0 || code > 4) {
        throw new IllegalArgumentException("\"priority\" " + code + " is not 0..4");
      }
      return Priority.ofCode(code);
    }
    String name = text(p, value, "priority").toUpperCase(Locale.ROOT);
    try {
      return Priority.valueOf(name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "\"priority\" " + name + " is not BATCH, LOW, MEDIUM, HIGH or CRITICAL");
    }
  }

  private static byte[] base64(String text) {
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("\"payload_base64\" is not base64");
    }
  }
}
