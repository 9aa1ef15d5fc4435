package io.eventstreamcore.ingest.client;

import java.nio.charset.StandardCharsets;

/**
 * UTF-8 for what goes on the wire: a Java string may hold a lone surrogate (half of a pair, from a
 * {@code \ud800} escape say), which UTF-8 cannot carry and {@link String#getBytes} silently turns
 * into {@code ?}. Such text is refused instead, so that a topic or payload is never sent as other
 * than the caller gave it.
 */
public final class StrictUtf8 {
  private StrictUtf8() {}

  /**
   * The UTF-8 bytes of {@code text}.
   *
   * @param what names the text in the error, e.g. "topic"
   * @throws IllegalArgumentException when {@code text} holds a lone surrogate
   */
  public static byte[] encode(String text, String what) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++; // a pair: one code point
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException(
            String.format(
                "%s has a lone surrogate U+%04X at index %d: not Unicode text, no UTF-8 for it",
                what, (int) c, i));
      }
    }
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The UTF-8 bytes of a frame's topic: 1..65535 of them, the range of its u16 length.
   *
   * @throws IllegalArgumentException for an empty or too long topic, or one with a lone surrogate
   */
  public static byte[] topic(String topic) {
    byte[] utf8 = encode(topic, "topic");
    if (utf8.length == 0 || utf8.length > 0xFFFF) {
      throw new IllegalArgumentException("topic must be 1..65535 UTF-8 bytes, was " + utf8.length);
    }
    return utf8;
  }
}
