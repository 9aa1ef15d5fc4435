package io.eventstreamcore.processors.realtime;

import io.eventstreamcore.engine.event.EventView;
import java.nio.charset.StandardCharsets;

/**
 * What an alert rule measures on an event, and how it compares that with its threshold. Immutable;
 * {@link #evaluate} does not allocate.
 */
public final class AlertCondition {
  /** What is measured. */
  public enum Kind {
    /** Payload length in bytes. */
    PAYLOAD_BYTES,
    /** One payload byte at an index, unsigned (0..255); events too short do not match. */
    PAYLOAD_BYTE,
    /** A number field at the top level of a JSON object payload (see {@link JsonFieldScanner}). */
    JSON_FIELD
  }

  private final Kind kind;
  private final CompareOp op;
  private final double threshold;
  private final int byteIndex;
  private final String field;
  private final byte[] fieldBytes;

  private AlertCondition(Kind kind, CompareOp op, double threshold, int byteIndex, String field) {
    this.kind = kind;
    this.op = op;
    this.threshold = threshold;
    this.byteIndex = byteIndex;
    this.field = field;
    this.fieldBytes = field == null ? null : field.getBytes(StandardCharsets.UTF_8);
  }

  /** Payload length compared with {@code threshold} bytes. */
  public static AlertCondition payloadBytes(CompareOp op, long threshold) {
    return new AlertCondition(Kind.PAYLOAD_BYTES, op, threshold, -1, null);
  }

  /** Payload byte {@code index} (0-based, unsigned) compared with {@code threshold}. */
  public static AlertCondition payloadByte(int index, CompareOp op, long threshold) {
    if (index < 0) {
      throw new IllegalArgumentException("byte index must not be negative: " + index);
    }
    return new AlertCondition(Kind.PAYLOAD_BYTE, op, threshold, index, null);
  }

  /**
   * Number field {@code field} at the top level of a JSON object payload compared with {@code
   * threshold}.
   *
   * @throws IllegalArgumentException when the name is empty or holds {@code \} or {@code "} (keys
   *     are compared unescaped)
   */
  public static AlertCondition jsonField(String field, CompareOp op, double threshold) {
    if (field.isEmpty() || field.indexOf('\\') >= 0 || field.indexOf('"') >= 0) {
      throw new IllegalArgumentException("field name must be non-empty, without \\ or \"");
    }
    if (Double.isNaN(threshold)) {
      throw new IllegalArgumentException("threshold must be a number");
    }
    return new AlertCondition(Kind.JSON_FIELD, op, threshold, -1, field);
  }

  /** The measured value when the condition holds for {@code event}, or NaN when it does not. */
  public double evaluate(EventView event) {
    double value;
    switch (kind) {
      case PAYLOAD_BYTES:
        value = event.payloadLength();
        break;
      case PAYLOAD_BYTE:
        value =
            byteIndex < event.payloadLength() ? event.payloadByte(byteIndex) & 0xff : Double.NaN;
        break;
      case JSON_FIELD:
        value = JsonFieldScanner.numberField(event, fieldBytes);
        break;
      default:
        value = Double.NaN;
    }
    return op.test(value, threshold) ? value : Double.NaN;
  }

  public Kind kind() {
    return kind;
  }

  public CompareOp op() {
    return op;
  }

  public double threshold() {
    return threshold;
  }

  @Override
  public String toString() {
    String measured;
    switch (kind) {
      case PAYLOAD_BYTES:
        measured = "payload-bytes";
        break;
      case PAYLOAD_BYTE:
        measured = "payload-byte[" + byteIndex + "]";
        break;
      default:
        measured = "json-field " + field;
    }
    return measured
        + " "
        + op.symbol()
        + " "
        + (kind == Kind.JSON_FIELD ? String.valueOf(threshold) : String.valueOf((long) threshold));
  }
}
