package io.eventstreamcore.deploy;

import java.util.Locale;

/** A small writer of JSON text for the status document: objects, strings, numbers, booleans. */
public final class JsonText {
  private final StringBuilder out = new StringBuilder(1024);
  private boolean first = true;

  public JsonText begin() {
    return open(null);
  }

  /** Opens a nested object under {@code name}. */
  public JsonText open(String name) {
    separate(name);
    out.append('{');
    first = true;
    return this;
  }

  public JsonText close() {
    out.append('}');
    first = false;
    return this;
  }

  public JsonText field(String name, String value) {
    separate(name);
    quote(value);
    return this;
  }

  public JsonText field(String name, long value) {
    separate(name);
    out.append(value);
    return this;
  }

  /** A number already formatted as JSON (e.g. an unsigned 64-bit one). */
  public JsonText numberField(String name, String number) {
    separate(name);
    out.append(number);
    return this;
  }

  public JsonText field(String name, double value) {
    separate(name);
    out.append(Double.isFinite(value) ? String.format(Locale.ROOT, "%.6g", value) : "null");
    return this;
  }

  /** A double in full precision ({@link Double#toString}), or null when it is not finite. */
  public JsonText exactField(String name, double value) {
    separate(name);
    out.append(Double.isFinite(value) ? Double.toString(value) : "null");
    return this;
  }

  public JsonText field(String name, boolean value) {
    separate(name);
    out.append(value);
    return this;
  }

  /** An array of strings under {@code name}. */
  public JsonText field(String name, Iterable<String> values) {
    separate(name);
    out.append('[');
    boolean firstValue = true;
    for (String value : values) {
      if (!firstValue) {
        out.append(',');
      }
      quote(value);
      firstValue = false;
    }
    out.append(']');
    return this;
  }

  private void separate(String name) {
    if (!first) {
      out.append(',');
    }
    first = false;
    if (name != null) {
      quote(name);
      out.append(':');
    }
  }

  /** {@code s} as a JSON string literal (also a valid double-quoted YAML scalar). */
  public static String quoted(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2);
    quote(out, s);
    return out.toString();
  }

  private void quote(String s) {
    quote(out, s);
  }

  private static void quote(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          // Control characters, and those YAML may not hold raw or reads as line breaks
          // (DEL, C1, U+2028/2029, a BOM, U+FFFE/FFFF): escaped, valid in JSON and YAML alike.
          if (c < 0x20
              || c >= 0x7F && c <= 0x9F
              || c == 0x2028
              || c == 0x2029
              || c == 0xFEFF
              || c >= 0xFFFE) {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  @Override
  public String toString() {
    return out.toString();
  }
}
