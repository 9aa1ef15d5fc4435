package io.eventstreamcore.processors.realtime;

import io.eventstreamcore.engine.event.EventView;

/**
 * Reads the number value of one top-level field of a JSON object payload, in place, byte by byte
 * through {@link EventView#payloadByte}, without allocating.
 *
 * <p>What it supports, and what it does not:
 *
 * <ul>
 *   <li>The payload must be a JSON object (leading whitespace allowed). Fields before the wanted
 *       one are skipped: strings (with escapes), numbers, {@code true}, {@code false}, {@code
 *       null}, and nested objects and arrays (skipped by bracket depth, their contents not
 *       validated).
 *   <li>The key is compared byte for byte with the UTF-8 bytes of the wanted name, so a key written
 *       with escapes (e.g. {@code "\u0074emp"}) does not match; names given in configuration may
 *       not contain {@code \} or {@code "}. Nested fields are not reachable. With a repeated key
 *       the first one counts.
 *   <li>The value must be a JSON number (strict grammar: no {@code +}, no leading zeros, no {@code
 *       .5}, no NaN) followed by whitespace, {@code ,} or <code>}</code>; a string such as {@code
 *       "30.5"} is not a number.
 *   <li>The scanner stops after the value: the rest of the payload is not validated.
 *   <li>The value is correctly rounded when its significand has at most 15 digits and at most 22
 *       decimal places or 22 zeros (every usual reading); otherwise it is within a few ulps (digits
 *       past the 18th are dropped, and two roundings may compound).
 * </ul>
 *
 * <p>Anything else (not JSON, not an object, field missing, not a number, truncated) gives {@link
 * Double#NaN}: the rule simply does not match.
 */
final class JsonFieldScanner {
  private static final double[] POW10 = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22
  };
  private static final int MAX_DIGITS = 18; // 10^18 - 1 fits in a long
  private static final long EXACT_MANTISSA = 1L << 53;

  private JsonFieldScanner() {}

  /**
   * The number value of top-level field {@code key} (UTF-8, no escapes) in the payload of {@code
   * event}, or NaN when there is none.
   */
  static double numberField(EventView event, byte[] key) {
    int n = event.payloadLength();
    int i = skipWhitespace(event, 0, n);
    if (i >= n || event.payloadByte(i) != '{') {
      return Double.NaN;
    }
    i++;
    while (true) {
      i = skipWhitespace(event, i, n);
      if (i >= n || event.payloadByte(i) != '"') {
        return Double.NaN; // "}" (no more fields) or not JSON
      }
      int keyEnd = skipString(event, i, n);
      if (keyEnd < 0) {
        return Double.NaN;
      }
      boolean wanted = keyEquals(event, i + 1, keyEnd - 1, key);
      i = skipWhitespace(event, keyEnd, n);
      if (i >= n || event.payloadByte(i) != ':') {
        return Double.NaN;
      }
      i = skipWhitespace(event, i + 1, n);
      if (wanted) {
        return number(event, i, n);
      }
      i = skipValue(event, i, n);
      if (i < 0) {
        return Double.NaN;
      }
      i = skipWhitespace(event, i, n);
      if (i >= n || event.payloadByte(i) != ',') {
        return Double.NaN; // "}" ends the object without the field, or not JSON
      }
      i++;
    }
  }

  private static boolean isWhitespace(byte b) {
    return b == ' ' || b == '\t' || b == '\n' || b == '\r';
  }

  private static boolean isDigit(byte b) {
    return b >= '0' && b <= '9';
  }

  private static int skipWhitespace(EventView event, int i, int n) {
    while (i < n && isWhitespace(event.payloadByte(i))) {
      i++;
    }
    return i;
  }

  /** From the opening quote at {@code i}: the index after the closing quote, or -1. */
  private static int skipString(EventView event, int i, int n) {
    int j = i + 1;
    while (j < n) {
      byte b = event.payloadByte(j);
      if (b == '"') {
        return j + 1;
      } else if (b == '\\') {
        j += 2;
      } else if ((b & 0xff) < 0x20) {
        return -1; // control characters must be escaped in JSON strings
      } else {
        j++;
      }
    }
    return -1;
  }

  private static boolean keyEquals(EventView event, int from, int to, byte[] key) {
    if (to - from != key.length) {
      return false;
    }
    for (int k = 0; k < key.length; k++) {
      if (event.payloadByte(from + k) != key[k]) {
        return false;
      }
    }
    return true;
  }

  /** The index after the value starting at {@code i}, or -1 when there is no valid value. */
  private static int skipValue(EventView event, int i, int n) {
    if (i >= n) {
      return -1;
    }
    byte b = event.payloadByte(i);
    switch (b) {
      case '"':
        return skipString(event, i, n);
      case '{':
      case '[':
        return skipNested(event, i, n);
      case 't':
        return skipLiteral(event, i, n, "true");
      case 'f':
        return skipLiteral(event, i, n, "false");
      case 'n':
        return skipLiteral(event, i, n, "null");
      default:
        return b == '-' || isDigit(b) ? numberEnd(event, i, n) : -1;
    }
  }

  private static int skipNested(EventView event, int i, int n) {
    int depth = 0;
    int j = i;
    while (j < n) {
      byte b = event.payloadByte(j);
      if (b == '"') {
        j = skipString(event, j, n);
        if (j < 0) {
          return -1;
        }
        continue;
      }
      if (b == '{' || b == '[') {
        depth++;
      } else if (b == '}' || b == ']') {
        depth--;
        if (depth == 0) {
          return j + 1;
        }
      }
      j++;
    }
    return -1;
  }

  private static int skipLiteral(EventView event, int i, int n, String literal) {
    if (n - i < literal.length()) {
      return -1;
    }
    for (int k = 0; k < literal.length(); k++) {
      if (event.payloadByte(i + k) != literal.charAt(k)) {
        return -1;
      }
    }
    return i + literal.length();
  }

  /** The index after a number in strict JSON grammar starting at {@code i}, or -1. */
  private static int numberEnd(EventView event, int i, int n) {
    int j = i;
    if (j < n && event.payloadByte(j) == '-') {
      j++;
    }
    if (j >= n || !isDigit(event.payloadByte(j))) {
      return -1;
    }
    if (event.payloadByte(j) == '0') {
      j++;
    } else {
      while (j < n && isDigit(event.payloadByte(j))) {
        j++;
      }
    }
    if (j < n && event.payloadByte(j) == '.') {
      j++;
      if (j >= n || !isDigit(event.payloadByte(j))) {
        return -1;
      }
      while (j < n && isDigit(event.payloadByte(j))) {
        j++;
      }
    }
    if (j < n && (event.payloadByte(j) == 'e' || event.payloadByte(j) == 'E')) {
      j++;
      if (j < n && (event.payloadByte(j) == '+' || event.payloadByte(j) == '-')) {
        j++;
      }
      if (j >= n || !isDigit(event.payloadByte(j))) {
        return -1;
      }
      while (j < n && isDigit(event.payloadByte(j))) {
        j++;
      }
    }
    return j;
  }

  /**
   * The number at {@code i}, which must be followed by whitespace, {@code ,} or <code>}</code>; NaN
   * otherwise.
   */
  private static double number(EventView event, int i, int n) {
    int end = numberEnd(event, i, n);
    if (end < 0 || end >= n) {
      return Double.NaN;
    }
    byte after = event.payloadByte(end);
    if (!isWhitespace(after) && after != ',' && after != '}') {
      return Double.NaN;
    }
    // The grammar is checked: read significand digits and the decimal exponent.
    int j = i;
    boolean negative = event.payloadByte(j) == '-';
    if (negative) {
      j++;
    }
    long mantissa = 0;
    int digits = 0;
    int exponent = 0;
    boolean fraction = false;
    for (; j < end; j++) {
      byte b = event.payloadByte(j);
      if (b == '.') {
        fraction = true;
      } else if (b == 'e' || b == 'E') {
        break;
      } else if (digits < MAX_DIGITS) {
        mantissa = mantissa * 10 + (b - '0');
        if (mantissa != 0) {
          digits++; // leading zeros (as in 0.0001) are not significant
        }
        if (fraction) {
          exponent--;
        }
      } else if (!fraction) {
        exponent++; // an integer digit past the kept ones still scales the value
      }
    }
    if (j < end) {
      j++; // past 'e'
      boolean negativeExponent = event.payloadByte(j) == '-';
      if (negativeExponent || event.payloadByte(j) == '+') {
        j++;
      }
      int e = 0;
      for (; j < end; j++) {
        if (e < 100_000) { // beyond, the value is 0 or infinite anyway; no int overflow
          e = e * 10 + (event.payloadByte(j) - '0');
        }
      }
      exponent += negativeExponent ? -e : e;
    }
    double value = scale(mantissa, exponent);
    return negative ? -value : value;
  }

  private static double scale(long mantissa, int exponent) {
    if (mantissa == 0) {
      return 0;
    }
    while (exponent < 0 && mantissa % 10 == 0) {
      mantissa /= 10; // 1.50000e-20 is 15e-21: trailing zeros keep more numbers exact below
      exponent++;
    }
    while (exponent > POW10.length - 1 && mantissa <= EXACT_MANTISSA / 10) {
      mantissa *= 10; // 1e25 is 1000e22, still exact
      exponent--;
    }
    double m = mantissa;
    if (exponent == 0) {
      return m;
    }
    if (mantissa <= EXACT_MANTISSA && exponent > 0 && exponent < POW10.length) {
      return m * POW10[exponent]; // both exact: one correctly rounded operation
    }
    if (mantissa <= EXACT_MANTISSA && exponent < 0 && -exponent < POW10.length) {
      return m / POW10[-exponent];
    }
    if (exponent > 0) {
      return m * Math.pow(10, exponent); // overflows to infinity as it should
    }
    if (exponent < -300) {
      m /= 1e300; // keep 10^-exponent finite below
      exponent += 300;
    }
    return m / Math.pow(10, -exponent);
  }
}
